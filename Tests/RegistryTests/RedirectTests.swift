import Foundation
import Images
import Testing

@testable import Registry

/// registry.k8s.io answers manifest requests and /v2/ with a 307 to the registry that holds the content.
@Suite struct RedirectTests {
    static let basic = "Basic " + Data("user:pw".utf8).base64EncodedString()

    func environment() throws -> [String: String] {
        let home = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"auths":{"registry.example":{"auth":"\#(Data("user:pw".utf8).base64EncodedString())"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        return ["HOME": home]
    }

    @Test func manifestRequestsFollowRedirectsWithoutCarryingCredentialsToAnotherHost() async throws {
        let manifest = ResolveTests.manifest
        let digest = ResolveTests.manifestDigest
        let transport = ScriptedTransport { request in
            let path = request.url.pathAndQuery
            if request.url.host == "registry.example" {
                guard request.headers["Authorization"] == Self.basic else {
                    return .status(401, [("WWW-Authenticate", #"Basic realm="htpasswd""#)])
                }
                if path.hasPrefix("/v2/team/app/manifests/") {
                    // First a hop on the registry itself, then to the content's home.
                    return .status(307, [("Location", path.replacingOccurrences(of: "/manifests/", with: "/m/"))])
                }
                if path.hasPrefix("/v2/team/app/m/") {
                    return .status(
                        307, [("Location", "https://content.example:8443" + path + "?sig=secret")])
                }
                if path == "/v2/team/app/blobs/\(Fixture.digest(Fixture.config))" { return .ok(Fixture.config) }
                return .status(404)
            }
            guard request.url.authority == "content.example:8443", request.headers["Authorization"] == nil else {
                return .status(400)
            }
            switch (request.method, path) {
            case ("HEAD", "/v2/team/app/m/1?sig=secret"):
                return .status(
                    200, [("Docker-Content-Digest", "\(digest)"), ("Content-Length", "\(manifest.count)")])
            case ("GET", "/v2/team/app/m/\(digest)?sig=secret"):
                return .ok(manifest, headers: [("Content-Type", MediaType.ociManifest)])
            default:
                return .status(404)
            }
        }
        let client = Fixture.client(transport, settings: Fixture.settings(environment: try environment()))
        let image = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        #expect(image.manifestDigest == digest)
        let requests = transport.requests
        #expect(
            requests.map { "\($0.method) \($0.url.authority)\($0.url.pathAndQuery)" } == [
                "HEAD registry.example/v2/team/app/manifests/1",
                "HEAD registry.example/v2/team/app/manifests/1",
                "HEAD registry.example/v2/team/app/m/1",
                "HEAD content.example:8443/v2/team/app/m/1?sig=secret",
                "GET registry.example/v2/team/app/manifests/\(digest)",
                "GET registry.example/v2/team/app/m/\(digest)",
                "GET content.example:8443/v2/team/app/m/\(digest)?sig=secret",
                "GET registry.example/v2/team/app/blobs/\(Fixture.digest(Fixture.config))",
            ])
        for request in requests.dropFirst() where request.url.host == "registry.example" {
            #expect(request.headers["Authorization"] == Self.basic)
        }
    }

    @Test func theV2PingFollowsARedirectAndKeepsCredentialsOnTheRegistry() async throws {
        let transport = ScriptedTransport { request in
            switch (request.url.authority, request.url.pathAndQuery) {
            case ("registry.example", "/v2/"):
                guard request.headers["Authorization"] == Self.basic else {
                    return .status(401, [("WWW-Authenticate", #"Basic realm="htpasswd""#)])
                }
                return .status(307, [("Location", "https://registry.example:443/v2/moved/")])
            case ("registry.example", "/v2/moved/"):
                guard request.headers["Authorization"] == Self.basic else { return .status(401) }
                return .status(307, [("Location", "https://registry.example:5000/v2/")])
            case ("registry.example:5000", "/v2/"):
                return request.headers["Authorization"] == nil ? .status(200) : .status(400)
            default:
                return .status(404)
            }
        }
        try await Fixture.client(transport).login(registry: "registry.example", username: "user", password: "pw")
        #expect(
            transport.requests.map { $0.url.description } == [
                "https://registry.example/v2/", "https://registry.example/v2/", "https://registry.example/v2/moved/",
                "https://registry.example:5000/v2/",
            ])
    }

    @Test func manifestRedirectsAreBounded() async throws {
        let transport = ScriptedTransport { request in
            .status(307, [("Location", request.url.pathAndQuery + "x")])
        }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".contains("too many redirects") }
        #expect(transport.requests.count == RedirectRules.maximumRedirects + 1)
    }
}
