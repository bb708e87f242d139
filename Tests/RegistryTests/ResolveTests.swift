import Foundation
import Images
import Synchronization
import Testing

@testable import Registry

@Suite struct ResolveTests {
    static let manifest = Fixture.manifest()
    static let manifestDigest = Fixture.digest(manifest)
    static let arm = Fixture.manifest(config: Fixture.json(["arm": true]))
    static let index = Fixture.index([
        Fixture.entry(Fixture.json(["attestation": 1]), os: "unknown", architecture: "unknown"),
        Fixture.entry(arm, os: "linux", architecture: "arm64", variant: "v8"),
        Fixture.entry(manifest, os: "linux", architecture: "amd64"),
    ])
    static let indexDigest = Fixture.digest(index)

    /// A registry holding `nginx:latest` as an index over an amd64 manifest.
    static func registry(headDigest: Bool = true) -> @Sendable (TransportRequest) -> CannedResponse {
        { request in
            let path = request.url.pathAndQuery
            switch (request.method, path) {
            case ("HEAD", "/v2/library/nginx/manifests/latest"):
                return headDigest
                    ? .status(
                        200,
                        [
                            ("Docker-Content-Digest", "\(indexDigest)"), ("Content-Length", "\(index.count)"),
                            ("Content-Type", MediaType.ociIndex),
                        ])
                    : .status(200, [("Content-Type", MediaType.ociIndex)])
            case ("GET", "/v2/library/nginx/manifests/latest"), ("GET", "/v2/library/nginx/manifests/\(indexDigest)"):
                return .ok(index, headers: [("Content-Type", MediaType.ociIndex)])
            case ("GET", "/v2/library/nginx/manifests/\(manifestDigest)"):
                return .ok(manifest, headers: [("Docker-Content-Digest", "\(manifestDigest)")])
            case ("GET", "/v2/library/nginx/blobs/\(Fixture.digest(Fixture.config))"):
                return .ok(Fixture.config)
            default:
                return .status(404, body: #"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#)
            }
        }
    }

    @Test func tagResolvesByHeadThenGetsIndexAndPlatformManifestByDigest() async throws {
        let transport = ScriptedTransport(Self.registry())
        let client = Fixture.client(transport)
        let image = try await client.resolve(ImageReference.parse("nginx"))
        #expect(image.digest == Self.indexDigest)
        #expect(image.manifestDigest == Self.manifestDigest)
        #expect(image.manifestBytes == Self.manifest)
        #expect(image.manifestMediaType == MediaType.ociManifest)
        #expect(image.configBytes == Fixture.config)
        #expect(image.registry == "docker.io")
        #expect(image.manifest.layers.first?.size == Int64(Fixture.layer.count))
        let requests = transport.requests
        #expect(
            requests.map { "\($0.method) \($0.url)" } == [
                "HEAD https://registry-1.docker.io/v2/library/nginx/manifests/latest",
                "GET https://registry-1.docker.io/v2/library/nginx/manifests/\(Self.indexDigest)",
                "GET https://registry-1.docker.io/v2/library/nginx/manifests/\(Self.manifestDigest)",
                "GET https://registry-1.docker.io/v2/library/nginx/blobs/\(Fixture.digest(Fixture.config))",
            ])
        #expect(
            requests[0].headers["Accept"]
                == "application/vnd.docker.distribution.manifest.v2+json, "
                + "application/vnd.docker.distribution.manifest.list.v2+json, "
                + "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, */*")
    }

    @Test func headWithoutDigestFallsBackToGetByTagAndHashesTheBody() async throws {
        let transport = ScriptedTransport(Self.registry(headDigest: false))
        let image = try await Fixture.client(transport).resolve(ImageReference.parse("nginx:latest"))
        #expect(image.digest == Self.indexDigest)
        #expect(transport.requests[1].url.pathAndQuery == "/v2/library/nginx/manifests/latest")
    }

    @Test func notFoundReadsAsContainerd() async throws {
        let transport = ScriptedTransport { _ in .status(404) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("nginx:nope"))
        } throws: {
            "\($0)"
                == #"failed to resolve reference "docker.io/library/nginx:nope": docker.io/library/nginx:nope: not found"#
        }
    }

    @Test func digestReferenceIsVerifiedAgainstTheBody() async throws {
        let wrong = Digest(hex: String(repeating: "a", count: 64))
        let transport = ScriptedTransport { _ in .ok(Self.manifest) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("nginx@\(wrong)"))
        } throws: {
            let text = "\($0)"
            return text.contains("unexpected commit digest \(Self.manifestDigest), expected \(wrong)")
        }
    }

    @Test func dockerContentDigestHeaderIsVerified() async throws {
        let lie = Digest(hex: String(repeating: "b", count: 64))
        let transport = ScriptedTransport { request in
            request.method == "HEAD" ? .status(200) : .ok(Self.manifest, headers: [("Docker-Content-Digest", "\(lie)")])
        }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("localhost:5000/app:1"))
        } throws: { "\($0)".contains("expected \(lie)") }
    }

    @Test func oversizedManifestsAreRefusedWithOrWithoutContentLength() async throws {
        let big = CannedResponse(status: 200, headers: [("Content-Length", "9999")], chunks: [])
        let chunked = CannedResponse(
            status: 200, chunks: Array(repeating: Array(repeating: 0x20, count: 600), count: 50))
        for answer in [big, chunked] {
            let transport = ScriptedTransport { request in request.method == "HEAD" ? .status(200) : answer }
            let client = Fixture.client(transport, settings: Fixture.settings(maximumManifestBytes: 1000))
            await #expect {
                _ = try await client.resolve(ImageReference.parse("localhost:5000/app:1"))
            } throws: { "\($0)".contains("byte manifest for localhost:5000/app:1: larger than the 1000 byte limit") }
        }
    }

    @Test func unknownManifestMediaTypeIsASpecificError() async throws {
        let odd = Fixture.json(["schemaVersion": 2, "mediaType": "application/vnd.example.thing+json"])
        let transport = ScriptedTransport { request in request.method == "HEAD" ? .status(200) : .ok(odd) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("localhost:5000/app:1"))
        } throws: {
            "\($0)".hasSuffix(
                #"unsupported manifest media type "application/vnd.example.thing+json" for localhost:5000/app:1"#)
        }
    }

    @Test func schemaOneIsRefused() async throws {
        let old = Fixture.json(["schemaVersion": 1, "name": "x"])
        let transport = ScriptedTransport { request in request.method == "HEAD" ? .status(200) : .ok(old) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("localhost:5000/app:1"))
        } throws: { "\($0)".contains("unsupported manifest schema version 1") }
    }

    @Test func indexWithoutThisPlatformSaysSoInDockersWords() async throws {
        let only = Fixture.index([Fixture.entry(Self.arm, os: "linux", architecture: "arm64")])
        let transport = ScriptedTransport { request in request.method == "HEAD" ? .status(200) : .ok(only) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("localhost:5000/app:1"))
        } throws: { "\($0)".hasSuffix(": no matching manifest for linux/amd64 in the manifest list entries") }
    }

    @Test func serverErrorsAreRetriedPerPolicyAndNotFoundIsNot() async throws {
        let calls = Mutex(0)
        let registry = Self.registry()
        let transport = ScriptedTransport { request in
            let count = calls.withLock { value -> Int in
                value += 1
                return value
            }
            return count <= 2 ? .status(503) : registry(request)
        }
        let sleeps = SleepRecorder()
        let client = Fixture.client(transport, settings: Fixture.settings(retry: .ecsAgent), sleeps: sleeps)
        _ = try await client.resolve(ImageReference.parse("nginx"))
        #expect(sleeps.recorded == [1.1, 2.2])

        let missing = ScriptedTransport { _ in .status(404) }
        let noSleeps = SleepRecorder()
        let second = Fixture.client(missing, settings: Fixture.settings(retry: .ecsAgent), sleeps: noSleeps)
        await #expect(throws: RegistryError.self) { _ = try await second.resolve(ImageReference.parse("nginx")) }
        #expect(missing.requests.count == 1 && noSleeps.recorded.isEmpty)
    }

    @Test func dockerHubRateLimitReadsAsContainerd() async throws {
        let transport = ScriptedTransport { request in
            request.method == "HEAD"
                ? .status(200)
                : .status(
                    429,
                    body: #"{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}"#
                )
        }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("nginx"))
        } throws: { "\($0)".hasSuffix(": toomanyrequests: You have reached your pull rate limit.") }
    }

    @Test func unexpectedStatusNamesMethodURLAndStatus() async throws {
        let transport = ScriptedTransport { _ in .status(403) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("nginx"))
        } throws: {
            "\($0)"
                == #"failed to resolve reference "docker.io/library/nginx:latest": unexpected status from HEAD request to https://registry-1.docker.io/v2/library/nginx/manifests/latest: 403 Forbidden"#
        }
    }

    @Test func tagsResolveOnThePrimaryAndDigestsComeFromTheMirror() async throws {
        let registry = Self.registry()
        let transport = ScriptedTransport { request in
            if request.url.host == "mirror.internal" {
                return request.url.pathAndQuery.contains("/manifests/latest") ? .status(500) : registry(request)
            }
            return request.method == "HEAD" ? registry(request) : .status(500)
        }
        let conf = try RegistriesConf.parse(
            """
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            [[registry.mirror]]
            location = "mirror.internal"
            """, file: "test.conf")
        let image = try await Fixture.client(transport, conf: conf).resolve(ImageReference.parse("nginx"))
        #expect(image.registry == "mirror.internal")
        let hosts = transport.requests.map { "\($0.method) \($0.url.host)" }
        #expect(
            hosts == ["HEAD registry-1.docker.io", "GET mirror.internal", "GET mirror.internal", "GET mirror.internal"])
    }

    @Test func blockedRegistryFailsWithoutARequest() async throws {
        let transport = ScriptedTransport { _ in .status(200) }
        let conf = try RegistriesConf.parse(
            "[[registry]]\nlocation = \"docker.io\"\nblocked = true\n", file: "/etc/r.conf")
        await #expect {
            _ = try await Fixture.client(transport, conf: conf).resolve(ImageReference.parse("nginx"))
        } throws: { "\($0)".hasSuffix("registry docker.io/library/nginx is blocked in /etc/r.conf") }
        #expect(transport.requests.isEmpty)
    }

    @Test func refusedConnectionReadsAsGo() async throws {
        let transport = ScriptedTransport { _ in CannedResponse(status: 0) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("127.0.0.1:1/app:1"))
        } throws: {
            "\($0)".hasSuffix(
                #": failed to do request: Head "https://127.0.0.1:1/v2/app/manifests/1": dial tcp 127.0.0.1:1: connect: connection refused"#
            )
        }
    }

    @Test func aTLSFailureNamesTheHostAndSuggestsCertsDOrInsecure() async throws {
        let transport = ScriptedTransport { _ in CannedResponse(status: -1) }
        await #expect {
            _ = try await Fixture.client(transport).resolve(ImageReference.parse("registry.example:5000/app:1"))
        } throws: {
            "\($0)".hasSuffix(
                #": failed to do request: Head "https://registry.example:5000/v2/app/manifests/1": tls: certificate verify failed; if registry.example:5000 uses a private CA, put it in /etc/containers/certs.d/registry.example:5000/ca.crt, or mark the registry insecure in registries.conf"#
            )
        }
        #expect(transport.requests.count == 1)
    }

    @Test func anInsecureRegistryThatFailsTLSIsAskedOverPlainHTTPFromThenOn() async throws {
        let registry = Self.registry()
        let transport = ScriptedTransport { request in
            request.url.scheme == "https" ? CannedResponse(status: -1) : registry(request)
        }
        let conf = try RegistriesConf.parse(
            "[[registry]]\nprefix = \"docker.io\"\nlocation = \"docker.io\"\ninsecure = true\n", file: "test.conf")
        _ = try await Fixture.client(transport, conf: conf).resolve(ImageReference.parse("nginx"))
        #expect(transport.requests.map { $0.url.scheme } == ["https", "http", "http", "http", "http"])
    }
}
