import Foundation
import Testing

/// Every bad input: one clear error naming the problem, and nothing left behind.
@Suite("berth run and images: bad input")
struct BadInputTests {
    let harness: BerthHarness

    init() throws { harness = try BerthHarness.get() }

    /// Runs a failing command in a private root and checks the error and that nothing was left.
    func expectFailure(
        _ container: String, status expectedStatus: Int32? = nil, mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-bad-")
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = harness.berth(["images", "import", "\(harness.fixtures)/probe", "--name", "probe"], root: root)
        let result = harness.berth(["run", "--task-definition", BerthHarness.taskDefinition(container)], root: root)
        #expect(result.status != 0, sourceLocation: sourceLocation)
        if let expectedStatus {
            #expect(result.status == expectedStatus, "\(result.stderr)", sourceLocation: sourceLocation)
        }
        for text in mentions {
            #expect(
                result.stderr.contains(text), "stderr lacks \(text): \(result.stderr)", sourceLocation: sourceLocation)
        }
        #expect(
            harness.leftovers(root: root).isEmpty, "\(harness.leftovers(root: root))", sourceLocation: sourceLocation)
    }

    @Test func missingImage() {
        expectFailure(#"{"name":"p","image":"nosuchimage:1.0"}"#, mentions: ["nosuchimage:1.0", "berth images import"])
    }

    @Test func unknownCapability() {
        expectFailure(
            #"{"name":"p","image":"probe","linuxParameters":{"capabilities":{"add":["SYS_PTRAC"]}}}"#,
            mentions: ["SYS_PTRAC"])
    }

    @Test func invalidUsers() {
        expectFailure(
            #"{"name":"p","image":"probe","user":"nosuchuser"}"#, status: 125,
            mentions: ["unable to find user nosuchuser"])
        expectFailure(
            #"{"name":"p","image":"probe","user":"app:nogroup-here"}"#, status: 125, mentions: ["nogroup-here"])
        expectFailure(#"{"name":"p","image":"probe","user":"a:b:c"}"#, mentions: ["Invalid user 'a:b:c'"])
    }

    @Test func uidsBeyondDockersRangeNeverMeanRoot() {
        // 4294967295 is -1 to setresuid ("unchanged"): it must be refused, not run as root.
        expectFailure(#"{"name":"p","image":"probe","user":"4294967295"}"#, mentions: ["Invalid user '4294967295'"])
    }

    @Test func nulCharactersCannotReachTheLaunchSpec() {
        expectFailure(
            #"{"name":"p","image":"probe","environment":[{"name":"X","value":"1\u0000cap\u0000CAP_SYS_ADMIN"}]}"#,
            mentions: ["NUL"])
    }

    @Test func explicitUlimitAboveWhatBerthMayGrant() throws {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let hasSysResource =
            (try String(contentsOfFile: "/proc/self/status", encoding: .utf8))
            .split(separator: "\n").first { $0.hasPrefix("CapEff:") }
            .flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) }
            .map { $0 & (1 << 24) != 0 } ?? false
        try #require(!hasSysResource, "this host lets berth raise any limit; nothing to refuse")
        let above = Int(limit.rlim_max) + 1
        expectFailure(
            #"{"name":"p","image":"probe","ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":\#(above)}]}"#,
            mentions: ["nofile", "\(above)", "CAP_SYS_RESOURCE"])
    }

    @Test func commandNotFoundIs127() {
        expectFailure(
            #"{"name":"p","image":"probe","entryPoint":["/no/such/binary"]}"#, status: 127,
            mentions: ["/no/such/binary", "not found"])
        expectFailure(
            #"{"name":"p","image":"probe","entryPoint":["nosuchcommand"]}"#, status: 127, mentions: ["nosuchcommand"])
    }

    @Test func unknownMemberInTheTaskDefinition() {
        expectFailure(#"{"name":"p","image":"probe","bogusField":1}"#, mentions: ["Unknown parameter", "bogusField"])
    }

    @Test func corruptLayerIsRefusedAtImportAndNothingIsStored() throws {
        let root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-corrupt-")
        let copy = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-layout-")
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: copy)
        }
        try FileManager.default.removeItem(atPath: copy)
        try FileManager.default.copyItem(atPath: "\(harness.fixtures)/busybox", toPath: copy)
        // Flip one byte in the largest blob (the layer).
        let blobs = "\(copy)/blobs/sha256"
        let largest = try FileManager.default.contentsOfDirectory(atPath: blobs).max { a, b in
            let sizeA = (try? FileManager.default.attributesOfItem(atPath: "\(blobs)/\(a)")[.size] as? Int) ?? 0
            let sizeB = (try? FileManager.default.attributesOfItem(atPath: "\(blobs)/\(b)")[.size] as? Int) ?? 0
            return sizeA < sizeB
        }!
        var data = try Data(contentsOf: URL(fileURLWithPath: "\(blobs)/\(largest)"))
        data[data.count / 2] ^= 0xff
        try data.write(to: URL(fileURLWithPath: "\(blobs)/\(largest)"))
        let result = harness.berth(["images", "import", copy, "--name", "corrupt"], root: root)
        #expect(result.status != 0)
        #expect(result.stderr.contains(String(largest.prefix(12))), "\(result.stderr)")
        let list = harness.berth(["images", "ls"], root: root)
        #expect(!list.stdout.contains("corrupt"))
        let layers = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/images/layers/sha256")) ?? []
        #expect(layers.isEmpty, "partial layers left: \(layers)")
    }
}
