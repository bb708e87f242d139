import API
import Foundation
import Testing

/// The real aws CLI against berthd's loopback TCP listener, signing with the daemon credential.
@Suite("aws CLI over TCP", .enabled(if: Tools.hasAWSCLI, "needs the aws CLI"))
struct AWSCLITests {
    /// `aws --endpoint-url http://127.0.0.1:PORT --region us-east-1 ecs <arguments>` with only the given
    /// keys: no config or credentials file, and a HOME of its own.
    func aws(_ arguments: [String], port: Int, accessKeyId: String, secret: String) async throws -> CommandResult {
        let home = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        var environment = ProcessInfo.processInfo.environment
        for key in environment.keys where key.hasPrefix("AWS_") { environment[key] = nil }
        environment["AWS_ACCESS_KEY_ID"] = accessKeyId
        environment["AWS_SECRET_ACCESS_KEY"] = secret
        environment["AWS_CONFIG_FILE"] = "/dev/null"
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        environment["AWS_EC2_METADATA_DISABLED"] = "true"
        environment["AWS_MAX_ATTEMPTS"] = "1"
        environment["HOME"] = home
        return try await ExternalCommand.run(
            ["aws", "--endpoint-url", "http://127.0.0.1:\(port)", "--region", "us-east-1", "--output", "json", "ecs"]
                + arguments,
            environment: environment)
    }

    @Test("list-clusters with the daemon credential")
    func listClusters() async throws {
        try await TestServer.with(tcp: true) { server in
            let result = try await aws(
                ["list-clusters"], port: server.tcpPort, accessKeyId: server.credential.accessKeyId,
                secret: server.credential.secretAccessKey)
            #expect(result.status == 0, "\(result.stderr)")
            let output = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String]]
            #expect(output == ["clusterArns": []], "\(result.stdout)")
        }
    }

    @Test("A request body arrives intact, and the handler sees who signed it")
    func bodyAndIdentity() async throws {
        let seen = Recorder()
        let handler = TestHandler { operation, body, context in
            let parameters = try JSONDecoder().decode([String: [String]].self, from: body)
            await seen.record(
                "\(operation) \(context.accessKeyId ?? "-") \(context.signingRegion ?? "-") \(parameters)")
            return Data(#"{"clusters":[],"failures":[]}"#.utf8)
        }
        try await TestServer.with(handler: handler, tcp: true) { server in
            let result = try await aws(
                ["describe-clusters", "--clusters", "wëb/ü"], port: server.tcpPort,
                accessKeyId: server.credential.accessKeyId, secret: server.credential.secretAccessKey)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                await seen.entries
                    == [#"DescribeClusters \#(server.credential.accessKeyId) us-east-1 ["clusters": ["wëb/ü"]]"#])
        }
    }

    @Test("The wrong secret: InvalidSignatureException")
    func wrongSecret() async throws {
        try await TestServer.with(tcp: true) { server in
            let result = try await aws(
                ["list-clusters"], port: server.tcpPort, accessKeyId: server.credential.accessKeyId,
                secret: DaemonCredential.generate().secretAccessKey)
            #expect(result.status != 0)
            #expect(
                result.stderr.contains(
                    "An error occurred (InvalidSignatureException) when calling the ListClusters operation: "
                        + "The request signature we calculated does not match the signature you provided."),
                "\(result.stderr)")
        }
    }

    @Test("An unknown access key: UnrecognizedClientException")
    func unknownKey() async throws {
        try await TestServer.with(tcp: true) { server in
            let other = DaemonCredential.generate()
            let result = try await aws(
                ["list-clusters"], port: server.tcpPort, accessKeyId: other.accessKeyId, secret: other.secretAccessKey)
            #expect(
                result.stderr.contains(
                    "An error occurred (UnrecognizedClientException) when calling the ListClusters operation: "
                        + "The security token included in the request is invalid."),
                "\(result.stderr)")
        }
    }

    @Test("The handler's ECSError is what the CLI reports")
    func handlerError() async throws {
        try await TestServer.with(handler: .alwaysBoom, tcp: true) { server in
            let result = try await aws(
                ["list-clusters"], port: server.tcpPort, accessKeyId: server.credential.accessKeyId,
                secret: server.credential.secretAccessKey)
            #expect(result.status != 0)
            #expect(
                result.stderr.contains(
                    "An error occurred (ClientException) when calling the ListClusters operation: boom"),
                "\(result.stderr)")
        }
    }
}

actor Recorder {
    private(set) var entries: [String] = []
    func record(_ entry: String) { entries.append(entry) }
}
