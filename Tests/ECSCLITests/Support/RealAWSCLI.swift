import Foundation

/// The installed aws CLI, as an oracle. It only ever talks to a server of ours on
/// 127.0.0.1: `--endpoint-url` points there, credentials are fake, no config files are
/// read. (Retries stay at their default: with one attempt botocore
/// adds "(reached max retries: 0)" to every error.) Tests using it are skipped where `aws` is not installed.
enum RealAWSCLI {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["aws", "--version"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// `aws --endpoint-url http://127.0.0.1:PORT --region us-east-1 ecs <arguments>` against a
    /// loopback server answering `responses`; returns what aws printed and what it sent.
    static func run(_ arguments: [String], responses: [TestHTTPServer.Response] = [.json("{}")]) async throws -> (
        Outcome, [TestHTTPServer.Request]
    ) {
        let server = try TestHTTPServer(loopbackResponses: responses)
        defer { server.stop() }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-aws-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let config = home.appendingPathComponent("config")
        // aws CLI v2's default timestamp format (v1 prints the wire value otherwise).
        try Data("[default]\ncli_timestamp_format = iso8601\n".utf8).write(to: config)

        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
        environment["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE"
        environment["AWS_SECRET_ACCESS_KEY"] = "secret"
        environment["AWS_CONFIG_FILE"] = config.path
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_RETRY_MODE"] = "standard"
        environment["HOME"] = home.path
        environment["TZ"] = "UTC"
        let port = server.port
        let finalEnvironment = environment
        let outcome = try await onDedicatedThread {
            try runProcess(
                [
                    "aws", "--endpoint-url", "http://127.0.0.1:\(port)", "--region", "us-east-1",
                    "--cli-connect-timeout",
                    "5", "ecs",
                ] + arguments, environment: finalEnvironment, directory: home)
        }
        return (outcome, server.requests)
    }

    private static func runProcess(_ arguments: [String], environment: [String: String], directory: URL) throws
        -> Outcome
    {
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        try Data().write(to: out)
        try Data().write(to: err)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// The installed aws CLI is v1: its argparse errors print v1's usage note first and
    /// exit 2. The message lines are v2's; compare those.
    static func messageLines(_ stderr: String) -> [String] {
        let lines = stderr.components(separatedBy: "\n")
        if let usageEnd = lines.lastIndex(where: { $0.hasPrefix("  aws <command> <subcommand> help") }) {
            return Array(lines[(usageEnd + 1)...]).filter { !$0.isEmpty }
        }
        return lines.filter { !$0.isEmpty }
    }
}
