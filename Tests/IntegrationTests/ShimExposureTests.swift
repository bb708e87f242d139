import ECSModel
import Engine
import Foundation
import Images
import Logging
import Testing

/// The CVE-2019-5736 class from inside a task: every process berth puts into a container's PID namespace
/// runs berth-shim's code until its execve, and a container that watches /proc (the fixture's
/// `/exewatch`) must never reach berth-shim's host file through /proc/<pid>/exe, nor find a writable,
/// unsealed file behind what it does reach; with SYS_PTRACE added as well (non-dumpable alone does not
/// stop a tracer that holds it). Also: none of those processes holds capabilities beyond the watcher's
/// (it could attach to one). exewatch never writes to what it opens.
@Suite("Shim exposure: what a container sees of the processes berth puts into its PID namespace")
struct ShimExposureTests {
    let harness: BerthHarness
    let root: String
    let environment: EngineEnvironment

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-exposure-")
        let store = try ImageStore(root: root)
        _ = try store.importImage(from: "\(harness.fixtures)/probe", name: "probe:latest")
        _ = try store.importImage(from: "\(harness.fixtures)/busybox", name: "busybox:latest")
        environment = EngineEnvironment(
            root: root, shimPath: "\(harness.binDirectory)/berth-shim", netnsDirectory: "\(root)/netns",
            images: store, logger: Logger(label: "test"))
    }

    /// What exewatch printed, tallied. `shim` is berth-shim's host file: a "foreign" target (not a file of
    /// the watcher's rootfs) that is that file, or names it, is the exposure.
    struct Watch: CustomStringConvertible {
        var lines: [String]
        var shim: String
        var hostTargets: [String] {
            lines.filter { line in
                guard line.hasPrefix("exe "), line.contains(" kind=foreign "),
                    let range = line.range(of: " target=")
                else { return false }
                let target = String(line[range.upperBound...])
                return target.hasSuffix("/berth-shim") || target.hasSuffix("/berth-shim (deleted)")
                    || Self.sameFile(target, shim)
            }
        }
        static func sameFile(_ a: String, _ b: String) -> Bool {
            var first = stat()
            var second = stat()
            return stat(a, &first) == 0 && stat(b, &second) == 0 && first.st_dev == second.st_dev
                && first.st_ino == second.st_ino
        }
        var memfdTargets: [String] { lines.filter { $0.hasPrefix("exe ") && $0.contains(" kind=memfd ") } }
        var reopens: [String] { lines.filter { $0.hasPrefix("reopen ") } }
        var unsealedWritable: [String] { reopens.filter { $0.hasSuffix("result=writable-unsealed") } }
        var capabilitiesBeyond: [String] { lines.filter { $0.hasPrefix("caps ") } }
        var lastTick: String { lines.last { $0.hasPrefix("tick ") } ?? "(no tick)" }
        var started: Bool { lines.contains { $0.hasPrefix("start ") } }
        var description: String {
            "host=\(hostTargets.count) memfd=\(memfdTargets.count) reopens=\(reopens.count) "
                + "unsealed-writable=\(unsealedWritable.count) caps-beyond=\(capabilitiesBeyond.count); \(lastTick); "
                + "first host: \(hostTargets.first ?? "-"); reopens: \(Set(reopens.map { $0.split(separator: " ").last ?? "" }))"
        }
    }

    func watcher(ptrace: Bool, extra: String = "") -> String {
        let capabilities = ptrace ? #","linuxParameters":{"capabilities":{"add":["SYS_PTRACE"]}}"# : ""
        return #"{"name":"watch","image":"probe","stopTimeout":5,"entryPoint":["/exewatch"],"command":["200"]"#
            + capabilities + extra + "}"
    }

    func supervisor(_ containers: [String], pidMode: String? = nil) throws -> TaskSupervisor {
        TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: try containers.map {
                PlannedContainer(definition: try JSONDecoder().decode(ContainerDefinition.self, from: Data($0.utf8)))
            }, pidMode: pidMode, environment: environment, onChange: { _ in })
    }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The watcher's own output: the text of each CRI log record.
    func watch(_ task: TaskSupervisor) -> Watch {
        let path = "\(environment.taskDirectory(task.taskID))/logs/berth/watch/\(task.taskID)"
        return Watch(
            lines: lines(path).map { line in
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                return parts.count > 3 ? String(parts[3]) : ""
            }, shim: environment.shimPath)
    }

    /// Polls (0.1 s steps, at most `seconds`) until `condition` holds.
    func until(seconds: Int, _ condition: () -> Bool) async {
        for _ in 0..<(seconds * 10) where !condition() {
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
    }

    func stop(_ task: TaskSupervisor) async {
        await task.stop(code: .userInitiated, reason: "Task stopped by user")
        _ = await task.waitUntilStopped()
    }

    // The engine takes the interval it is given (registration enforces ECS's 5-300 s), so the checks run
    // every second here: 30 of them in about half a minute.
    @Test(arguments: [false, true])
    func healthChecksNeverShowTheContainerTheHostsShimBinary(ptrace: Bool) async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let check =
            #","healthCheck":{"command":["CMD","/probe","echo","checked"],"interval":1,"timeout":10,"retries":3}"#
        let task = try supervisor([watcher(ptrace: ptrace, extra: check)])
        await task.start()
        let healthLog = "\(environment.taskDirectory(task.taskID))/watch.health.log"
        await until(seconds: 150) { lines(healthLog).filter { $0 == "checked" }.count >= 30 }
        let checks = lines(healthLog).filter { $0 == "checked" }.count
        // A second more of watching, so the last joiner's exit and the reopen after it are recorded.
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let seen = watch(task)
        await stop(task)
        print("exewatch beside \(checks) health checks (SYS_PTRACE: \(ptrace)): \(seen)")
        #expect(seen.started, "exewatch did not start: \(seen.lines.prefix(5))")
        #expect(checks >= 30, "only \(checks) health checks ran: \(lines(healthLog).suffix(5))")
        #expect(seen.hostTargets.isEmpty, "\(seen)")
        #expect(seen.unsealedWritable.isEmpty, "\(seen)")
        #expect(seen.capabilitiesBeyond.isEmpty, "\(seen)")
    }

    // A container that exits after a second and restarts (restartAttemptPeriod 1) enters the task's shared
    // PID namespace again and again, while the watcher sees the namespace's PID 1 all along.
    @Test(arguments: [false, true])
    func containersJoiningASharedPIDNamespaceNeverShowTheHostsShimBinary(ptrace: Bool) async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let churn =
            #"{"name":"churn","image":"busybox","essential":false,"stopTimeout":2,"restartPolicy":{"enabled":true,"restartAttemptPeriod":1},"command":["sh","-c","echo launched; sleep 1.05; exit 3"],"dependsOn":[{"containerName":"watch","condition":"START"}]}"#
        let task = try supervisor([watcher(ptrace: ptrace), churn], pidMode: "task")
        await task.start()
        let churnLog = "\(environment.taskDirectory(task.taskID))/logs/berth/churn/\(task.taskID)"
        await until(seconds: 150) { lines(churnLog).filter { $0.hasSuffix(" launched") }.count >= 30 }
        let launches = lines(churnLog).filter { $0.hasSuffix(" launched") }.count
        try await Task.sleep(nanoseconds: 1_500_000_000)
        let seen = watch(task)
        await stop(task)
        print("exewatch beside \(launches) launches into its PID namespace (SYS_PTRACE: \(ptrace)): \(seen)")
        #expect(seen.started, "exewatch did not start: \(seen.lines.prefix(5))")
        #expect(launches >= 30, "only \(launches) launches into the shared namespace")
        #expect(seen.hostTargets.isEmpty, "\(seen)")
        #expect(seen.unsealedWritable.isEmpty, "\(seen)")
        // PID 1 of the shared namespace (berth's holder) is there all the time, so with SYS_PTRACE a container
        // could attach to it whenever it likes: it must hold nothing.
        #expect(!seen.capabilitiesBeyond.contains { $0.hasPrefix("caps pid=1 ") }, "\(seen)")
    }

    // Seen from a container that may trace it (SYS_PTRACE): its ids, capabilities, root, descriptors, network;
    // and a SIGTERM from inside the namespace, which must not end it for the other containers.
    @Test func theSharedNamespacesPID1HoldsNothingAndOutlivesAContainersSIGTERM() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let script = [
            "grep -E '^(Uid|Gid|CapPrm|CapEff|CapBnd|NoNewPrivs)' /proc/1/status",
            "echo root-entries $(ls -A /proc/1/root | wc -l)", "echo exe $(readlink /proc/1/exe)",
            "for fd in /proc/1/fd/*; do echo fd ${fd##*/} $(readlink $fd); done",
            "echo interfaces $(tail -n +3 /proc/1/net/dev | cut -d: -f1 | tr -d ' ')",
            "kill -TERM 1; sleep 1; kill -0 1 && echo holder-alive", "echo done", "exec sleep 60",
        ].joined(separator: "; ")
        let look: [String: Any] = [
            "name": "look", "image": "busybox", "stopTimeout": 2, "command": ["sh", "-c", script],
            "linuxParameters": ["capabilities": ["add": ["SYS_PTRACE"]]],
        ]
        let definition = String(decoding: try JSONSerialization.data(withJSONObject: look), as: UTF8.self)
        let task = try supervisor([definition], pidMode: "task")
        await task.start()
        let logPath = "\(environment.taskDirectory(task.taskID))/logs/berth/look/\(task.taskID)"
        func seen() -> [String] {
            lines(logPath).map { line in
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                return parts.count > 3 ? String(parts[3]) : ""
            }
        }
        // A holder that left would take the container with it: then "done" never comes.
        await until(seconds: 20) { seen().contains("done") }
        let output = seen()
        await stop(task)
        let fields = Dictionary(
            output.compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (
                    String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                )
            }, uniquingKeysWith: { first, _ in first })
        #expect(fields["Uid"] == "65534\t65534\t65534\t65534", "\(output)")
        #expect(fields["Gid"] == "65534\t65534\t65534\t65534", "\(output)")
        #expect(fields["CapPrm"] == "0000000000000000", "\(output)")
        #expect(fields["CapEff"] == "0000000000000000", "\(output)")
        #expect(fields["NoNewPrivs"] == "1", "\(output)")
        #expect(output.contains("root-entries 0"), "\(output)")
        #expect(output.contains("exe /memfd:berth-shim (deleted)"), "\(output)")
        #expect(output.filter { $0.hasPrefix("fd ") } == ["fd 0 /dev/null", "fd 1 /dev/null", "fd 2 /dev/null"])
        #expect(output.contains("interfaces lo"), "\(output)")
        #expect(output.contains("holder-alive"), "\(output)")
    }

    // `berth run` (no daemon): with initProcessEnabled berth's code stays PID 1, so it runs from the copy;
    // without, PID 1 is alone in its namespace until it execs and the payload sees only itself.
    @Test func berthRunsReapingInitRunsFromTheSealedCopy() {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = harness.run(
            container:
                #"{"name":"p","image":"busybox","command":["sh","-c","readlink /proc/1/exe"],"linuxParameters":{"initProcessEnabled":true,"capabilities":{"add":["SYS_PTRACE"]}}}"#
        )
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("/memfd:berth-shim (deleted)\n"), "\(result.stdout)")
    }
}
