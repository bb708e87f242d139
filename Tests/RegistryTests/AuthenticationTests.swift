import Foundation
import Images
import Synchronization
import Testing

@testable import Registry

@Suite struct AuthenticationTests {
    static let challenge =
        #"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:team/app:pull""#

    /// A registry that wants a Bearer token "good-token" from auth.example, which hands it to `user:pw`.
    static func registry(tokenFor: String? = "Basic \(Data("user:pw".utf8).base64EncodedString())")
        -> @Sendable (TransportRequest) -> CannedResponse
    {
        { request in
            if request.url.host == "auth.example" {
                guard tokenFor == nil || request.headers["Authorization"] == tokenFor else {
                    return .status(401, body: #"{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}"#)
                }
                return .ok(Array(#"{"token":"good-token","expires_in":300}"#.utf8))
            }
            guard request.headers["Authorization"] == "Bearer good-token" else {
                return .status(401, [("WWW-Authenticate", challenge)])
            }
            return request.method == "HEAD" ? .status(404) : .status(200)
        }
    }

    func environment(password: String = "pw") throws -> [String: String] {
        let home = Fixture.temporaryDirectory()
        let auth = Data("user:\(password)".utf8).base64EncodedString()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"auths":{"registry.example":{"auth":"\#(auth)"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        return ["HOME": home]
    }

    @Test func challengeLeadsToATokenRequestWithStoredCredentialsAndTheTokenIsReused() async throws {
        let transport = ScriptedTransport(Self.registry())
        let client = Fixture.client(transport, settings: Fixture.settings(environment: try environment()))
        for _ in 0..<2 {
            await #expect {
                _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
            } throws: { "\($0)".hasSuffix("registry.example/team/app:1: not found") }
        }
        let tokenRequests = transport.requests.filter { $0.url.host == "auth.example" }
        #expect(tokenRequests.count == 1)
        #expect(tokenRequests[0].url.pathAndQuery == "/token?service=registry.example&scope=repository:team/app:pull")
        #expect(transport.requests.map(\.method) == ["HEAD", "GET", "HEAD", "HEAD"])
    }

    @Test func aRefusedFreshTokenIsUnauthorizedAndNoSecretIsShown() async throws {
        let transport = ScriptedTransport { request in
            if request.url.host == "auth.example" { return .ok(Array(#"{"access_token":"s3cr3t-token"}"#.utf8)) }
            return .status(401, [("WWW-Authenticate", Self.challenge)])
        }
        let log = CapturedLog()
        let client = Fixture.client(
            transport, settings: Fixture.settings(environment: try environment(password: "hunter2")), log: log)
        var description = ""
        do {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } catch let error as RegistryError {
            description = "\(error)"
            guard case .unauthorized = error.underlying else {
                Issue.record("not unauthorized: \(error)")
                return
            }
        }
        #expect(
            description
                == #"failed to resolve reference "registry.example/team/app:1": unexpected status from HEAD request to https://registry.example/v2/team/app/manifests/1: 401 Unauthorized"#
        )
        #expect(transport.requests.last?.headers["Authorization"] == "Bearer s3cr3t-token")
        let basic = Data("user:hunter2".utf8).base64EncodedString()
        for secret in ["hunter2", "s3cr3t-token", basic] {
            #expect(!description.contains(secret))
            #expect(!log.text.contains(secret), "log holds \(secret)")
        }
    }

    @Test func basicRealmsTakeTheCredentialsDirectly() async throws {
        let expected = "Basic " + Data("user:pw".utf8).base64EncodedString()
        let transport = ScriptedTransport { request in
            request.headers["Authorization"] == expected
                ? .status(404) : .status(401, [("WWW-Authenticate", #"Basic realm="htpasswd""#)])
        }
        let client = Fixture.client(transport, settings: Fixture.settings(environment: try environment()))
        await #expect {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".hasSuffix(": not found") }
        #expect(transport.requests.count == 2)
    }

    @Test func loginChecksTheGivenCredentialsAgainstV2() async throws {
        let transport = ScriptedTransport(Self.registry())
        let client = Fixture.client(transport)
        try await client.login(registry: "registry.example", username: "user", password: "pw")
        #expect(transport.requests.first?.url.description == "https://registry.example/v2/")
        await #expect {
            try await client.login(registry: "registry.example", username: "user", password: "wrong")
        } throws: { error in
            guard case .unauthorized = error as? RegistryError else { return false }
            return !"\(error)".contains("wrong")
        }
    }

    @Test func anIdentityTokenIsExchangedByPostingItNeverInTheURL() async throws {
        let transport = ScriptedTransport { request in
            if request.url.host == "auth.example" {
                let form = String(decoding: request.body ?? [], as: UTF8.self)
                guard request.method == "POST", form.contains("grant_type=refresh_token"),
                    form.contains("refresh_token=refresh%2Fsecret")
                else { return .status(401) }
                return .ok(Array(#"{"access_token":"good-token"}"#.utf8))
            }
            guard request.headers["Authorization"] == "Bearer good-token" else {
                return .status(401, [("WWW-Authenticate", Self.challenge)])
            }
            return .status(404)
        }
        let home = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"auths":{"registry.example":{"identitytoken":"refresh/secret"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        let client = Fixture.client(transport, settings: Fixture.settings(environment: ["HOME": home]))
        await #expect {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".hasSuffix(": not found") }
        let exchange = transport.requests.first { $0.url.host == "auth.example" }
        #expect(exchange?.url.description == "https://auth.example/token")
        #expect(
            String(decoding: exchange?.body ?? [], as: UTF8.self)
                == "grant_type=refresh_token&refresh_token=refresh%2Fsecret&service=registry.example&client_id=berth"
                + "&scope=repository%3Ateam%2Fapp%3Apull")
    }

    /// A token registry whose realm is `realm`, challenging with the scope of the repository asked for.
    static func tokenRegistry(realm: String) -> @Sendable (TransportRequest) -> CannedResponse {
        { request in
            if request.url.host == "auth.example" { return .ok(Array(#"{"token":"good-token"}"#.utf8)) }
            guard request.headers["Authorization"] == "Bearer good-token" else {
                let repository = request.url.pathAndQuery.components(separatedBy: "/manifests/")[0].dropFirst(4)
                return .status(
                    401,
                    [
                        (
                            "WWW-Authenticate",
                            #"Bearer realm="\#(realm)",service="registry.example",scope="repository:\#(repository):pull""#
                        )
                    ])
            }
            return .status(404)
        }
    }

    @Test(
        "a plain-HTTP realm on loopback may carry credentials: they never leave the machine",
        arguments: [
            ("127.0.0.1", true), ("127.5.6.7", true), ("localhost", true), ("[::1]", true), ("::1", true),
            ("127.0.0.1.evil.example", false), ("auth.example", false), ("10.0.0.1", false), ("128.0.0.1", false),
        ])
    func loopbackRealms(host: String, loopback: Bool) {
        #expect(RegistryClient.isLoopbackHost(host) == loopback)
    }

    @Test func credentialsAreNeverSentToAPlainHTTPRealmOfASecureRegistry() async throws {
        let transport = ScriptedTransport(Self.tokenRegistry(realm: "http://auth.example/token"))
        let client = Fixture.client(transport, settings: Fixture.settings(environment: try environment()))
        await #expect {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".contains("the token realm is plain HTTP") }
        #expect(!transport.requests.contains { $0.url.host == "auth.example" })
    }

    @Test func aPlainHTTPRealmIsAskedAnonymouslyOrForAnInsecureRegistry() async throws {
        let anonymous = ScriptedTransport(Self.tokenRegistry(realm: "http://auth.example/token"))
        await #expect {
            _ = try await Fixture.client(anonymous).resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".hasSuffix(": not found") }
        #expect(anonymous.requests.first { $0.url.host == "auth.example" }?.headers["Authorization"] == nil)

        let insecure = ScriptedTransport(Self.tokenRegistry(realm: "http://auth.example/token"))
        let conf = try RegistriesConf.parse(
            #"[[registry]]\#nlocation = "registry.example"\#ninsecure = true\#n"#, file: "registries.conf")
        let client = Fixture.client(
            insecure, settings: Fixture.settings(environment: try environment()), conf: conf)
        await #expect {
            _ = try await client.resolve(ImageReference.parse("registry.example/team/app:1"))
        } throws: { "\($0)".hasSuffix(": not found") }
        let basic = "Basic " + Data("user:pw".utf8).base64EncodedString()
        #expect(insecure.requests.first { $0.url.host == "auth.example" }?.headers["Authorization"] == basic)
    }

    @Test func aTokenForOneRepositoryIsAskedForThatRepositorysScopeAlone() async throws {
        let transport = ScriptedTransport(Self.tokenRegistry(realm: "https://auth.example/token"))
        let client = Fixture.client(transport)
        for name in ["registry.example/team/a:1", "registry.example/team/b:1"] {
            await #expect {
                _ = try await client.resolve(ImageReference.parse(name))
            } throws: { "\($0)".hasSuffix(": not found") }
        }
        #expect(
            transport.requests.filter { $0.url.host == "auth.example" }.map(\.url.pathAndQuery) == [
                "/token?service=registry.example&scope=repository:team/a:pull",
                "/token?service=registry.example&scope=repository:team/b:pull",
            ])
    }

    @Test func theChallengesScopesForTheSameRepositoryAreKept() {
        let challenge = AuthChallenge(
            scheme: "bearer",
            parameters: ["scope": "repository:team/app:pull,push repository:other:pull registry:catalog:*"])
        #expect(
            TokenScopes.pull(repository: "team/app", challenge: challenge) == [
                "repository:team/app:pull", "repository:team/app:pull,push",
            ])
        #expect(TokenScopes.repositoryName(of: "repository:localhost:5000/app:pull") == "localhost:5000/app")
        #expect(TokenScopes.repositoryName(of: "repository:") == nil)
    }
}
