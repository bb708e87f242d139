import Foundation
import Testing

@testable import Store

/// The requirement: nothing acknowledged is lost when berthd is killed with SIGKILL.
@Suite struct DurabilityTests {
    @Test func theWriterRunsInWALModeWithFullSyncAndForeignKeys() throws {
        let fixture = try TemporaryStore()
        let expected = BerthStore.DurabilitySettings(journalMode: "wal", synchronous: 2, foreignKeys: true)
        #expect(try fixture.store.durabilitySettings() == expected)
        #expect(try fixture.reopen().durabilitySettings() == expected)
    }

    @Test func theFileAndItsDirectoryAreCreatedPrivate() throws {
        let fixture = try TemporaryStore()
        try register(fixture.store, "web")
        let manager = FileManager.default
        let fileMode = try manager.attributesOfItem(atPath: fixture.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600)
        let walMode = try manager.attributesOfItem(atPath: fixture.path + "-wal")[.posixPermissions] as? Int
        #expect(walMode == 0o600)
        let directory = (fixture.path as NSString).deletingLastPathComponent
        #expect(try manager.attributesOfItem(atPath: directory)[.posixPermissions] as? Int == 0o700)
    }

    @Test func aCommittedWriteIsVisibleToAFreshStore() throws {
        let fixture = try TemporaryStore()
        let definition = try register(fixture.store, "web")
        let reopened = try fixture.reopen()
        #expect(try reopened.taskDefinition(arn: definition.arn) == definition)
        // And the other way round, while both are open.
        let second = try register(reopened, "web")
        #expect(try fixture.store.taskDefinition(family: "web", revision: nil) == second)
    }

    /// A child process (this test binary, running `childRegistersUntilKilled`) registers revisions one by
    /// one and reports each as soon as the call returns; it is killed with SIGKILL mid-stream. Every revision
    /// it reported must be in the database afterwards.
    @Test func acknowledgedWritesSurviveSIGKILL() throws {
        let fixture = try TemporaryStore()
        try fixture.store.setTags([(key: "written-by", value: "parent")], for: "marker")

        let child = Process()
        child.executableURL = URL(
            fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        child.arguments = ["--testing-library", "swift-testing", "--filter", "childRegistersUntilKilled"]
        child.environment = ProcessInfo.processInfo.environment.merging([childPathVariable: fixture.path]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        try child.run()
        // Should the child never report, kill it anyway so the read below ends.
        let pid = child.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)

        var acknowledged = 0
        var buffered = ""
        while acknowledged < 25 {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffered += String(decoding: chunk, as: UTF8.self)
            for line in buffered.split(separator: "\n") where line.hasPrefix("ACK ") {
                acknowledged = max(acknowledged, Int(line.dropFirst(4)) ?? 0)
            }
        }
        kill(pid, SIGKILL)
        child.waitUntilExit()
        watchdog.cancel()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)
        try #require(acknowledged >= 25, "the child reported \(acknowledged) writes; output: \(buffered)")

        let reopened = try fixture.reopen()
        let revisions = try reopened.listTaskDefinitions(
            familyPrefix: "durable", status: nil, descending: false, maxResults: 10_000, nextToken: nil
        ).items.map(\.revision)
        // Every acknowledged revision, and nothing but a gapless run from 1 (a write in flight at the kill may
        // or may not have committed).
        #expect(revisions.count >= acknowledged)
        #expect(revisions == Array(1...revisions.count))
        // The parent's own write, made before the child opened the file, is intact too.
        #expect(try reopened.tags(for: "marker").map(\.value) == ["parent"])
    }
}

private let childPathVariable = "BERTH_STORE_DURABILITY_CHILD_DB"

/// Only runs as the child of `acknowledgedWritesSurviveSIGKILL` (skipped otherwise): writes until killed.
@Test(.enabled(if: ProcessInfo.processInfo.environment[childPathVariable] != nil))
func childRegistersUntilKilled() throws {
    let store = try BerthStore(path: ProcessInfo.processInfo.environment[childPathVariable]!)
    let deadline = Date().addingTimeInterval(60)
    while Date() < deadline {
        let revision = try register(store, "durable").revision
        // One write(2) per acknowledgement, unbuffered: the parent sees it as soon as the call returned.
        FileHandle.standardOutput.write(Data("ACK \(revision)\n".utf8))
    }
}
