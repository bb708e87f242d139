import Foundation
import Images
import Synchronization
import Testing

@testable import Registry

@Suite struct CredentialCacheTests {
    static let basic = "Basic " + Data("helper-user:helper-secret".utf8).base64EncodedString()

    /// A home whose config.json sends registry.example to docker-credential-counting, which logs each run to
    /// `runs` and fails while a file `fail` exists.
    static func home() throws -> String {
        let home = Fixture.temporaryDirectory()
        let script = """
            #!/bin/sh
            cat >/dev/null
            echo "$1" >> "\(home)/runs"
            if [ -e "\(home)/fail" ]; then echo "keychain locked"; exit 2; fi
            echo '{"Username":"helper-user","Secret":"helper-secret"}'
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: home + "/docker-credential-counting"))
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: home + "/docker-credential-counting")
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"credHelpers":{"registry.example":"counting"}}"#.utf8)
            .write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        return home
    }

    static func runs(_ home: String) -> Int {
        ((try? String(contentsOfFile: home + "/runs", encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    static let layers: [[UInt8]] = (1...3).map { seed in Array((0..<4000).map { UInt8(($0 * seed) % 251) }) }
    static let manifest = Fixture.json([
        "schemaVersion": 2, "mediaType": MediaType.ociManifest,
        "config": [
            "mediaType": MediaType.ociConfig, "digest": "\(Fixture.digest(Fixture.config))",
            "size": Fixture.config.count,
        ],
        "layers": layers.map { layer -> [String: Any] in
            ["mediaType": MediaType.ociLayerGzip, "digest": "\(Fixture.digest(layer))", "size": layer.count]
        },
    ])

    /// A Basic-auth registry (every request carries the credentials) serving `manifest`, its config and layers,
    /// each blob through a same-host redirect.
    static func registry(_ request: TransportRequest) -> CannedResponse {
        guard request.headers["Authorization"] == basic else {
            return .status(401, [("WWW-Authenticate", #"Basic realm="htpasswd""#)])
        }
        let path = request.url.pathAndQuery
        if path.hasPrefix("/v2/team/app/manifests/") {
            return .ok(manifest, headers: [("Content-Type", MediaType.ociManifest)])
        }
        if path.hasPrefix("/v2/team/app/blobs/") {
            return .status(307, [("Location", path.replacingOccurrences(of: "/blobs/", with: "/moved/"))])
        }
        for blob in [Fixture.config] + layers where path == "/v2/team/app/moved/\(Fixture.digest(blob))" {
            return .ok(blob)
        }
        return .status(404)
    }

    @Test func aPullOfSeveralBlobsRunsTheCredentialHelperOnce() async throws {
        let home = try Self.home()
        let transport = ScriptedTransport { Self.registry($0) }
        let client = Fixture.client(
            transport, settings: Fixture.settings(environment: ["HOME": home, "PATH": home + ":/usr/bin:/bin"]))
        let image = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        for (index, layer) in image.manifest.layers.enumerated() {
            let path = home + "/layer\(index)"
            try await client.download(layer: layer, of: image, to: path) { _ in }
            #expect(FileManager.default.contents(atPath: path) == Data(Self.layers[index]))
        }
        #expect(transport.requests.filter { $0.headers["Authorization"] == Self.basic }.count >= 8)
        #expect(Self.runs(home) == 1)
    }

    @Test func aFailedHelperIsAskedAgainOnTheNextRequest() async throws {
        let home = try Self.home()
        FileManager.default.createFile(atPath: home + "/fail", contents: nil)
        let transport = ScriptedTransport { Self.registry($0) }
        let client = Fixture.client(
            transport, settings: Fixture.settings(environment: ["HOME": home, "PATH": home + ":/usr/bin:/bin"]))
        await #expect {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".contains("keychain locked") }
        try FileManager.default.removeItem(atPath: home + "/fail")
        _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        #expect(Self.runs(home) == 2)
    }

    @Test func anAnswerIsKeptForAMinuteThenAskedAgain() async throws {
        let now = Mutex<Double>(1000)
        let asked = Mutex(0)
        let cache = CredentialCache(clock: { now.withLock { $0 } }) { _ in
            asked.withLock { $0 += 1 }
            return nil
        }
        _ = try await cache.credential(for: "registry.example")
        now.withLock { $0 += 59 }
        _ = try await cache.credential(for: "registry.example")
        #expect(asked.withLock { $0 } == 1)
        _ = try await cache.credential(for: "other.example")
        now.withLock { $0 += 2 }
        _ = try await cache.credential(for: "registry.example")
        #expect(asked.withLock { $0 } == 3)
    }
}
