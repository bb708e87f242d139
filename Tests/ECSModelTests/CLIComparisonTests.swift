import Foundation
import Testing

@testable import ECSModel

/// Runs the installed aws CLI on each bad input and compares its client-side validation
/// message with ours. The CLI validates before sending anything, and is pointed at a
/// closed port on 127.0.0.1 all the same. Opt in with BERTH_TEST_AWS_CLI=1.
@Suite(
    "Validation texts against the real aws CLI (opt-in: BERTH_TEST_AWS_CLI=1)",
    .enabled(if: ProcessInfo.processInfo.environment["BERTH_TEST_AWS_CLI"] == "1")
)
struct CLIComparisonTests {
    /// stderr of `aws ecs <operation> --cli-input-json file://...`, trimmed.
    private func awsCLI(_ operation: String, json: String) throws -> String {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-ecsmodel-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "aws", "ecs", operation, "--cli-input-json", "file://" + file.path,
            "--region", "us-east-1", "--endpoint-url", "http://127.0.0.1:9",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["AWS_ACCESS_KEY_ID"] = "x"
        environment["AWS_SECRET_ACCESS_KEY"] = "x"
        environment["AWS_MAX_ATTEMPTS"] = "1"
        process.environment = environment
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = Pipe()
        try process.run()
        let output = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("Our report equals the CLI's", arguments: Fixtures.allBadInputs.map { $0.name })
    func sameReport(name: String) throws {
        let input = try #require(Fixtures.allBadInputs.first { $0.name == name })
        let cli = try awsCLI(input.operation, json: input.json)
        let problems = try StrictJSON.problems(in: input.json.utf8Data, shape: input.shape)
        #expect(cli == ParameterValidationError(problems: problems).description)
        #expect(cli == input.expected)
    }

    @Test("The CLI accepts what we accept (it fails only on connecting)")
    func validInputsPassTheCLI() throws {
        for json in [Fixtures.seed, Fixtures.fullFeatured] {
            let cli = try awsCLI("register-task-definition", json: json)
            #expect(!cli.contains("Parameter validation failed"), "\(cli)")
            #expect(cli.contains("Could not connect"), "\(cli)")
        }
    }
}
