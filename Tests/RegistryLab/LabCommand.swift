import Foundation

/// Why a lab step failed: the step (a command line, a file, a server) and what it said.
public struct RegistryLabError: Error, CustomStringConvertible {
    public var step: String
    public var detail: String

    public init(step: String, detail: String) {
        self.step = step
        self.detail = detail
    }

    public var description: String { "registry lab: \(step): \(detail)" }
}

/// Runs the lab's helper programs (openssl, htpasswd, skopeo, curl, gzip) to completion.
enum LabCommand {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    /// Runs `executable` with `arguments`; stdout and stderr go to files, not pipes, so a chatty program
    /// cannot fill a pipe nobody reads yet.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil
    ) throws -> Result {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-lab-cmd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }  // scratch output only; nothing to keep
        let outURL = scratch.appendingPathComponent("out")
        let errURL = scratch.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = stdin == nil ? FileHandle.nullDevice : input
        do { try process.run() } catch {
            throw RegistryLabError(step: executable, detail: "cannot start: \(error)")
        }
        if let stdin {
            input.fileHandleForWriting.write(stdin)
            try input.fileHandleForWriting.close()
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs and throws unless the program exits 0; returns its stdout.
    @discardableResult
    static func check(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, stdin: Data? = nil
    ) throws -> Data {
        let result = try run(executable, arguments, environment: environment, stdin: stdin)
        guard result.status == 0 else {
            let line = ([executable] + arguments).joined(separator: " ")
            throw RegistryLabError(step: line, detail: "exit \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}
