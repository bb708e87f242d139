import Foundation

/// A finished child process.
struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum ExternalCommand {
    /// Runs `arguments[0]` (looked up in PATH) to completion off the cooperative pool. Output goes to
    /// files rather than pipes, so a chatty child can never block on a full pipe nobody reads yet.
    static func run(_ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil) async throws
        -> CommandResult
    {
        try await onDedicatedThread {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-api-cmd-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let outURL = directory.appendingPathComponent("out")
            let errURL = directory.appendingPathComponent("err")
            let inURL = directory.appendingPathComponent("in")
            try Data().write(to: outURL)
            try Data().write(to: errURL)
            try (stdin ?? Data()).write(to: inURL)

            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
            if let environment { process.environment = environment }
            process.standardOutput = try FileHandle(forWritingTo: outURL)
            process.standardError = try FileHandle(forWritingTo: errURL)
            process.standardInput = try FileHandle(forReadingFrom: inURL)
            try process.run()
            process.waitUntilExit()
            return CommandResult(
                status: process.terminationStatus,
                stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
        }
    }

    /// Whether `command` runs successfully (e.g. a tool is installed); checked synchronously, once,
    /// for `.enabled(if:)`.
    static func succeeds(_ arguments: [String]) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

/// Tools some tests drive. They are not part of berth's build dependencies, so the tests that need
/// one are skipped (with this reason shown) where it is missing.
enum Tools {
    static let hasBotocore = ExternalCommand.succeeds(["python3", "-c", "import botocore.auth"])
    static let hasAWSCLI = ExternalCommand.succeeds(["aws", "--version"])
    static let hasCurl = ExternalCommand.succeeds(["curl", "--version"])
}
