import Foundation
import Images
import Logging
import Synchronization
import Testing

@testable import Registry

/// The client through the real AsyncHTTPClient against servers on 127.0.0.1.
@Suite struct LoopbackServerTests {
    static let layer = Array((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    static let layerDigest = Fixture.digest(layer)
    static let config = Fixture.config
    static let manifest = Fixture.manifest(config: config, layer: layer)
    static let manifestDigest = Fixture.digest(manifest)

    /// `insecure`: registries.conf marks that registry insecure (plain HTTP after a failed TLS handshake).
    func settings(home: String, insecure: String? = nil) throws -> RegistrySettings {
        if let insecure {
            try "[[registry]]\nlocation = \"\(insecure)\"\ninsecure = true\n".write(
                toFile: home + "/registries.conf", atomically: true, encoding: .utf8)
        }
        return RegistrySettings(
            registriesConfPath: home + (insecure == nil ? "/absent.conf" : "/registries.conf"), certsDirectories: [],
            environment: ["HOME": home],
            retry: RetryPolicy(attempts: 3, initialDelay: 0.01, multiplier: 2, maximumDelay: 0.05, jitter: 0))
    }

    @Test func pullOverPlainHTTPWithBasicAuthARedirectAndAShortBodyResumed() async throws {
        let storageCalls = Mutex(0)
        let storage = try await LoopbackServer { request in
            let call = storageCalls.withLock { value -> Int in
                value += 1
                return value
            }
            if call == 1 { return ServerAnswer(status: .ok, body: Self.layer, closeAfter: 100_000) }
            guard let range = request.header("Range"), range.hasPrefix("bytes="),
                let start = Int(range.dropFirst("bytes=".count).dropLast())
            else { return ServerAnswer(status: .ok, body: Self.layer) }
            return ServerAnswer(
                status: .partialContent,
                headers: [("Content-Range", "bytes \(start)-\(Self.layer.count - 1)/\(Self.layer.count)")],
                body: Array(Self.layer[start...]))
        }
        let storageAuthority = storage.authority
        let expected = "Basic " + Data("tester:pa55word".utf8).base64EncodedString()
        let registry = try await LoopbackServer { request in
            guard request.header("Authorization") == expected else {
                return ServerAnswer(status: .unauthorized, headers: [("WWW-Authenticate", #"Basic realm="loopback""#)])
            }
            switch request.uri {
            case "/v2/team/app/manifests/1", "/v2/team/app/manifests/\(Self.manifestDigest)":
                return ServerAnswer(
                    status: .ok,
                    headers: [
                        ("Content-Type", MediaType.ociManifest), ("Docker-Content-Digest", "\(Self.manifestDigest)"),
                    ],
                    body: Self.manifest)
            case "/v2/team/app/blobs/\(Fixture.digest(Self.config))":
                return ServerAnswer(status: .ok, body: Self.config)
            case "/v2/team/app/blobs/\(Self.layerDigest)":
                return ServerAnswer(
                    status: .temporaryRedirect, headers: [("Location", "http://\(storageAuthority)/layer?sig=x")])
            default:
                return ServerAnswer(status: .notFound)
            }
        }
        let home = Fixture.temporaryDirectory()
        _ = try RegistryCredentials(environment: ["HOME": home])
            .store(registry: registry.authority, RegistryCredential(username: "tester", password: "pa55word"))
        let client = try RegistryClient(
            settings: try settings(home: home, insecure: registry.authority), logger: CapturedLog().logger)
        do {
            let image = try await client.resolve(ImageReference.parse("\(registry.authority)/team/app:1"))
            #expect(image.manifestDigest == Self.manifestDigest && image.configBytes == Self.config)
            let path = home + "/layer"
            let progress = Mutex<[Int64]>([])
            try await client.download(layer: image.manifest.layers[0], of: image, to: path) { bytes in
                progress.withLock { $0.append(bytes) }
            }
            #expect(Array(FileManager.default.contents(atPath: path) ?? Data()) == Self.layer)
            let seen = progress.withLock { $0 }
            #expect(seen.last == Int64(Self.layer.count) && seen.count > 2, "streamed in chunks")
            let storageRequests = storage.requests
            #expect(storageRequests.count == 2)
            #expect(storageRequests.allSatisfy { $0.header("Authorization") == nil })
            // AsyncHTTPClient may drop body parts it buffered when the connection breaks, so the resume point
            // is whatever reached the file: somewhere inside the bytes sent, never the start.
            let range = storageRequests[1].header("Range") ?? ""
            let resumedAt = Int(range.dropFirst("bytes=".count).dropLast()) ?? 0
            #expect(range.hasPrefix("bytes=") && range.hasSuffix("-") && (1...100_000).contains(resumedAt), "\(range)")
        } catch {
            try await client.shutdown()
            try await registry.stop()
            try await storage.stop()
            throw error
        }
        try await client.shutdown()
        try await registry.stop()
        try await storage.stop()
    }

    @Test func refusedConnectionReadsAsGoThroughAsyncHTTPClient() async throws {
        let home = Fixture.temporaryDirectory()
        var settings = try settings(home: home)
        settings.retry = .once
        let client = try RegistryClient(settings: settings, logger: CapturedLog().logger)
        await #expect {
            _ = try await client.resolve(ImageReference.parse("127.0.0.1:1/app:1"))
        } throws: {
            "\($0)"
                == #"failed to resolve reference "127.0.0.1:1/app:1": failed to do request: Head "https://127.0.0.1:1/v2/app/manifests/1": dial tcp 127.0.0.1:1: connect: connection refused"#
        }
        try await client.shutdown()
    }
}
