import Foundation
import Testing

nonisolated(unsafe) private var rootToRemoveAtExit: String?

/// Drives the built `berth` binary as a user would, against a private --root with the fixture images
/// imported once per test process. Needs root and a real kernel; `make test` provides the fixtures
/// (BERTH_FIXTURES) and binaries (BERTH_BIN_DIR).
final class BerthHarness: Sendable {
    let binDirectory: String
    let fixtures: String
    let root: String

    static let shared: Result<BerthHarness, HarnessError> = Result { () throws(HarnessError) in try BerthHarness() }

    static func get() throws -> BerthHarness { try shared.get() }

    struct HarnessError: Error, CustomStringConvertible {
        var description: String
    }

    private init() throws(HarnessError) {
        let environment = ProcessInfo.processInfo.environment
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        binDirectory = environment["BERTH_BIN_DIR"] ?? "\(packageRoot)/.build/debug"
        fixtures = environment["BERTH_FIXTURES"] ?? "\(packageRoot)/.build/fixtures"
        guard getuid() == 0 else { throw HarnessError(description: "integration tests need root (namespaces, mounts)") }
        for needed in ["\(binDirectory)/berth", "\(binDirectory)/berth-shim"]
        where !FileManager.default.isExecutableFile(atPath: needed) {
            throw HarnessError(description: "\(needed) is missing: run `make test` (it builds before testing)")
        }
        for image in ["probe", "busybox", "nginx"]
        where !FileManager.default.fileExists(atPath: "\(fixtures)/\(image)/index.json") {
            throw HarnessError(description: "fixture \(fixtures)/\(image) is missing: run `make fixtures`")
        }
        root = Self.makeTemporaryDirectory(prefix: "berth-it-")
        rootToRemoveAtExit = root
        atexit { if let root = rootToRemoveAtExit { try? FileManager.default.removeItem(atPath: root) } }
        for (image, name) in [("probe", "probe:latest"), ("busybox", "busybox:latest"), ("nginx", "nginx:latest")] {
            let result = berth(["images", "import", "\(fixtures)/\(image)", "--name", name])
            guard result.status == 0 else {
                throw HarnessError(description: "importing \(image) failed: \(result.stderr)")
            }
        }
    }

    struct Result_: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs berth to completion with `--root` added to the subcommand.
    @discardableResult
    func berth(_ arguments: [String], root overrideRoot: String? = nil) -> Result_ {
        let process = start(arguments, root: overrideRoot)
        return process.finish()
    }

    /// `berth run` of a one-container task definition built from a container definition JSON object.
    func run(container: String, extraArguments: [String] = []) -> Result_ {
        berth(["run", "--task-definition", Self.taskDefinition(container)] + extraArguments)
    }

    static func taskDefinition(_ container: String) -> String {
        """
        {"family":"it","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",\
        "containerDefinitions":[\(container)]}
        """
    }

    func start(_ arguments: [String], root overrideRoot: String? = nil) -> RunningBerth {
        var full = arguments
        // --root belongs to the subcommand: after "run", or after "images <verb>".
        let insertAt = arguments.first == "images" ? min(2, arguments.count) : min(1, arguments.count)
        full.insert(contentsOf: ["--root", overrideRoot ?? root], at: insertAt)
        return RunningBerth(executable: "\(binDirectory)/berth", arguments: full)
    }

    static func makeTemporaryDirectory(prefix: String) -> String {
        var template = Array("/tmp/\(prefix)XXXXXX".utf8CString)
        let path = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return String(cString: path!)
    }

    /// Entries berth left under <root>/overlay and <root>/containers, and overlay mounts of this root.
    func leftovers(root overrideRoot: String? = nil) -> [String] {
        let base = overrideRoot ?? root
        var found: [String] = []
        for directory in ["overlay", "containers"] {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "\(base)/\(directory)")) ?? []
            found += entries.map { "\(directory)/\($0)" }
        }
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        found += mounts.split(separator: "\n").filter { $0.contains(base) }.map(String.init)
        return found
    }
}

/// A berth process with its output collected on background threads.
final class RunningBerth: @unchecked Sendable {
    let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()

    /// `environment` replaces the test's environment for the child when given.
    init(executable: String, arguments: [String], environment: [String: String]? = nil) {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stdoutData.append(data) }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stderrData.append(data) }
        }
        do {
            try process.run()
        } catch {
            Issue.record("could not start berth: \(error)")
        }
    }

    var stdoutSoFar: String { lock.withLock { String(decoding: stdoutData, as: UTF8.self) } }

    /// Polls (bounded) until stdout contains `text`; returns whether it did.
    func waitForOutput(_ text: String, attempts: Int = 200) -> Bool {
        for _ in 0..<attempts {
            if stdoutSoFar.contains(text) { return true }
            if !process.isRunning { return stdoutSoFar.contains(text) }
            usleep(50_000)
        }
        return false
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    func finish() -> BerthHarness.Result_ {
        process.waitUntilExit()
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        stderrPipe.fileHandleForReading.readabilityHandler = nil
        let restOut = stdoutPipe.fileHandleForReading.readDataToEndOfFile()
        let restErr = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        return lock.withLock {
            stdoutData.append(restOut)
            stderrData.append(restErr)
            return BerthHarness.Result_(
                status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                stderr: String(decoding: stderrData, as: UTF8.self))
        }
    }
}

/// The probe's `report` document.
struct ProbeReport: Decodable {
    var pid: Int
    var ppid: Int
    var uid: Int
    var gid: Int
    var euid: Int
    var egid: Int
    var groups: [Int]
    var hostname: String
    var cwd: String
    var argv: [String]
    var env: [String]
    var caps: [String: String]
    var no_new_privs: Int
    var seccomp: Int
    var rlimits: [String: [Int64]]
    var mounts: [Mount]
    var interfaces: [String]
    var pids: [Int]

    struct Mount: Decodable {
        var target: String
        var fstype: String
        var source: String
        var options: String
    }

    static func parse(_ output: String) throws -> ProbeReport {
        let line = output.split(separator: "\n").first { $0.hasPrefix("{") } ?? ""
        return try JSONDecoder().decode(ProbeReport.self, from: Data(line.utf8))
    }

    func mount(at target: String) -> Mount? { mounts.last { $0.target == target } }
}

struct SyscallResult: Decodable {
    var syscall: String
    var ret: Int
    var errno: Int
    var errname: String
}
