import Foundation
import Testing

@testable import API

@Suite("Daemon credential")
struct DaemonCredentialTests {
    func withRoot(_ body: (String) throws -> Void) rethrows {
        let root = TestServer.makeTemporaryDirectory() + "/state"
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        try body(root)
    }

    func mode(_ path: String) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("Generated keys look like AWS's: AKIA + 16 base32, 40 base64 characters, all different")
    func generatedShape() {
        let credentials = (0..<50).map { _ in DaemonCredential.generate() }
        for credential in credentials {
            #expect(credential.accessKeyId.wholeMatch(of: /AKIA[A-Z2-7]{16}/) != nil, "\(credential.accessKeyId)")
            #expect(credential.secretAccessKey.wholeMatch(of: /[A-Za-z0-9+\/]{40}/) != nil)
        }
        #expect(Set(credentials.map(\.secretAccessKey)).count == credentials.count)
    }

    @Test("loadOrCreate creates <root>/credentials.json 0600 once and then reads it back")
    func createThenLoad() throws {
        try withRoot { root in
            let created = try DaemonCredential.loadOrCreate(root: root)
            let path = DaemonCredential.filePath(root: root)
            #expect(try mode(path) == 0o600)
            #expect(try DaemonCredential.loadOrCreate(root: root) == created)
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(
                json as? [String: String]
                    == ["accessKeyId": created.accessKeyId, "secretAccessKey": created.secretAccessKey])
            // No leftovers from the create-then-link dance.
            #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["credentials.json"])
        }
    }

    @Test("A credentials file readable by others is tightened to 0600")
    func tightensMode() throws {
        try withRoot { root in
            let created = try DaemonCredential.loadOrCreate(root: root)
            let path = DaemonCredential.filePath(root: root)
            chmod(path, 0o644)
            #expect(try DaemonCredential.loadOrCreate(root: root) == created)
            #expect(try mode(path) == 0o600)
        }
    }

    @Test("A malformed or symlinked credentials file is refused with its path")
    func malformed() throws {
        try withRoot { root in
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let path = DaemonCredential.filePath(root: root)
            try Data(#"{"accessKeyId":""}"#.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: DaemonCredentialError.self) { try DaemonCredential.loadOrCreate(root: root) }
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/etc/hostname")
            let error = #expect(throws: DaemonCredentialError.self) { try DaemonCredential.loadOrCreate(root: root) }
            #expect(error?.description.contains(path) == true)
        }
    }

    @Test("Concurrent first starts agree on one credential")
    func concurrentCreation() async throws {
        let root = TestServer.makeTemporaryDirectory() + "/state"
        defer { try? FileManager.default.removeItem(atPath: (root as NSString).deletingLastPathComponent) }
        let results = try await withThrowingTaskGroup(of: DaemonCredential.self) { group in
            for _ in 0..<8 { group.addTask { try DaemonCredential.loadOrCreate(root: root) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map(\.accessKeyId)).count == 1)
    }

    @Test("configFileText is the two aws config lines; description hides the secret")
    func texts() {
        let credential = DaemonCredential(accessKeyId: "AKIAEXAMPLE", secretAccessKey: "s3cr3t")
        #expect(credential.configFileText == "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t\n")
        #expect(!"\(credential)".contains("s3cr3t"))
        #expect(!String(reflecting: credential).contains("s3cr3t"))
    }
}

@Suite("Loopback endpoint")
struct LoopbackEndpointTests {
    @Test("Loopback literals are accepted", arguments: ["127.0.0.1", "127.1.2.3", "::1"])
    func accepted(host: String) throws {
        #expect(try LoopbackEndpoint(host: host, port: 0).host == host)
    }

    @Test(
        "Anything else is refused, names included",
        arguments: ["0.0.0.0", "192.168.1.10", "::", "fe80::1", "localhost", "example.com", "", "128.0.0.1"])
    func refused(host: String) {
        let error = #expect(throws: ECSServerError.self) { try LoopbackEndpoint(host: host, port: 8080) }
        #expect(error?.message.contains("loopback only") == true)
    }

    @Test("A TCP listener cannot be configured on a non-loopback address")
    func tcpListener() {
        #expect(throws: ECSServerError.self) {
            try ECSServerConfiguration.TCPListener(host: "0.0.0.0", port: 8080, credential: .generate())
        }
    }

    @Test("Ports outside 0-65535 are refused")
    func ports() {
        #expect(throws: ECSServerError.self) { try LoopbackEndpoint(host: "127.0.0.1", port: 65536) }
        #expect(throws: ECSServerError.self) { try LoopbackEndpoint(host: "127.0.0.1", port: -1) }
    }
}
