import Foundation
import Images
import Synchronization
import Testing

@testable import Registry

@Suite struct DownloadTests {
    static let layer = Fixture.layer
    static let digest = Fixture.digest(layer)

    static func image(
        _ reference: String = "registry.example/team/app:1", layerType: String = MediaType.ociLayerGzip,
        urls: [String]? = nil
    ) throws -> RemoteImage {
        let manifestBytes = Fixture.manifest(layerType: layerType, urls: urls)
        let manifest = try JSONDecoder().decode(ImageManifest.self, from: Data(manifestBytes))
        return RemoteImage(
            reference: try ImageReference.parse(reference), registry: "registry.example",
            digest: Fixture.digest(manifestBytes), manifestDigest: Fixture.digest(manifestBytes),
            manifestMediaType: MediaType.ociManifest, manifestBytes: manifestBytes, manifest: manifest,
            configBytes: Fixture.config)
    }

    func download(_ client: RegistryClient, image: RemoteImage, to path: String) async throws -> [Int64] {
        let seen = Mutex<[Int64]>([])
        try await client.download(layer: image.manifest.layers[0], of: image, to: path) { bytes in
            seen.withLock { $0.append(bytes) }
        }
        return seen.withLock { $0 }
    }

    func contents(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    @Test func crossHostRedirectDropsAuthorizationAndSameHostKeepsIt() async throws {
        let transport = ScriptedTransport { request in
            switch (request.url.host, request.url.pathAndQuery) {
            case ("registry.example", "/v2/team/app/blobs/\(Self.digest)"):
                guard request.headers["Authorization"] != nil else {
                    return .status(401, [("WWW-Authenticate", #"Basic realm="r""#)])
                }
                return .status(307, [("Location", "/v2/team/app/blobs/moved")])
            case ("registry.example", "/v2/team/app/blobs/moved"):
                return .status(307, [("Location", "https://storage.example/blob?X-Amz-Signature=sig")])
            case ("storage.example", _):
                return .ok(Self.layer)
            default:
                return .status(404)
            }
        }
        let home = Fixture.temporaryDirectory()
        let auth = Data("u:p".utf8).base64EncodedString()
        try FileManager.default.createDirectory(atPath: home + "/.docker", withIntermediateDirectories: true)
        try Data(#"{"auths":{"registry.example":{"auth":"\#(auth)"}}}"#.utf8)
            .write(to: URL(fileURLWithPath: home + "/.docker/config.json"))
        let client = Fixture.client(transport, settings: Fixture.settings(environment: ["HOME": home]))
        let path = home + "/blob"
        let progress = try await download(client, image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)
        #expect(progress.last == Int64(Self.layer.count))
        let requests = transport.requests
        #expect(
            requests.map { $0.url.host } == [
                "registry.example", "registry.example", "registry.example", "storage.example",
            ])
        #expect(requests[2].headers["Authorization"] == "Basic \(auth)")
        #expect(requests[3].headers["Authorization"] == nil)
    }

    @Test func forbiddenRedirectTargetSendsUsBackToTheRegistry() async throws {
        let storageCalls = Mutex(0)
        let transport = ScriptedTransport { request in
            if request.url.host == "registry.example" {
                return .status(307, [("Location", "https://storage.example/blob")])
            }
            let count = storageCalls.withLock { value -> Int in
                value += 1
                return value
            }
            return count == 1 ? .status(403) : .ok(Self.layer)
        }
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(Fixture.client(transport), image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)
        #expect(
            transport.requests.map { $0.url.host } == [
                "registry.example", "storage.example", "registry.example", "storage.example",
            ])
    }

    @Test func aPrefixOnDiskIsContinuedWithRange() async throws {
        let transport = ScriptedTransport { request in
            guard request.headers["Range"] == "bytes=1000-" else { return .ok(Self.layer) }
            return CannedResponse(
                status: 206, headers: [("Content-Range", "bytes 1000-4999/5000")], chunks: [Array(Self.layer[1000...])])
        }
        let path = Fixture.temporaryDirectory() + "/blob"
        FileManager.default.createFile(atPath: path, contents: Data(Self.layer[..<1000]))
        let progress = try await download(Fixture.client(transport), image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)
        #expect(progress == [5000])
        #expect(transport.requests.count == 1)
    }

    @Test func aWholeBodyToARangeRequestStartsOver() async throws {
        let transport = ScriptedTransport { _ in .ok(Self.layer) }
        let path = Fixture.temporaryDirectory() + "/blob"
        // A prefix that is not the blob's: the 200 must replace it, not follow it.
        FileManager.default.createFile(atPath: path, contents: Data(repeating: 0xee, count: 1000))
        _ = try await download(Fixture.client(transport), image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)
        #expect(transport.requests[0].headers["Range"] == "bytes=1000-")
    }

    @Test func anInterruptedBodyIsRetriedFromWhereItBrokeOff() async throws {
        let transport = ScriptedTransport { request in
            if let range = request.headers["Range"] {
                #expect(range == "bytes=2000-")
                return CannedResponse(
                    status: 206, headers: [("Content-Range", "bytes 2000-4999/5000")],
                    chunks: [Array(Self.layer[2000...])])
            }
            return CannedResponse(status: 200, chunks: [Array(Self.layer[..<2000])], breaksOff: true)
        }
        let sleeps = SleepRecorder()
        let client = Fixture.client(transport, settings: Fixture.settings(retry: .ecsAgent), sleeps: sleeps)
        let path = Fixture.temporaryDirectory() + "/blob"
        let progress = try await download(client, image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)
        #expect(progress == [2000, 5000])
        #expect(sleeps.recorded == [1.1])
    }

    @Test func aShortBodyIsRetriedAndALongOneIsRefused() async throws {
        let calls = Mutex(0)
        let short = ScriptedTransport { request in
            let count = calls.withLock { value -> Int in
                value += 1
                return value
            }
            if count == 1 { return CannedResponse(status: 200, chunks: [Array(Self.layer[..<10])]) }
            return .ok(Self.layer)
        }
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(
            Fixture.client(short, settings: Fixture.settings(retry: .ecsAgent)), image: try Self.image(), to: path)
        #expect(contents(path) == Self.layer)

        let long = ScriptedTransport { _ in .ok(Self.layer + [1, 2, 3]) }
        let other = Fixture.temporaryDirectory() + "/blob"
        await #expect {
            _ = try await download(Fixture.client(long), image: try Self.image(), to: other)
        } throws: { "\($0)" == "unexpected commit size 5003, expected 5000 for \(Self.digest): failed precondition" }
    }

    @Test func corruptContentIsADigestMismatchAndNotRetried() async throws {
        var corrupt = Self.layer
        corrupt[17] ^= 0xff
        let transport = ScriptedTransport { [corrupt] _ in .ok(corrupt) }
        let path = Fixture.temporaryDirectory() + "/blob"
        await #expect {
            _ = try await download(
                Fixture.client(transport, settings: Fixture.settings(retry: .ecsAgent)), image: try Self.image(),
                to: path)
        } throws: { "\($0)".contains("expected \(Self.digest)") }
        #expect(transport.requests.count == 1)
        #expect(contents(path).isEmpty)
    }

    @Test func foreignLayerURLsAreTriedFirstThenTheRegistry() async throws {
        let transport = ScriptedTransport { request in
            request.url.host == "foreign.example" ? .status(404) : .ok(Self.layer)
        }
        let image = try Self.image(
            layerType: Fixture.foreignLayerType, urls: ["https://foreign.example/layer", "ftp://ignored.example/x"])
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(Fixture.client(transport), image: image, to: path)
        #expect(contents(path) == Self.layer)
        #expect(transport.requests.map { $0.url.host } == ["foreign.example", "registry.example"])
        #expect(transport.requests[0].headers["Authorization"] == nil)
    }

    @Test func anOrdinaryLayersURLsAreNeverRequested() async throws {
        let transport = ScriptedTransport { request in
            request.url.host == "registry.example" ? .ok(Self.layer) : .status(404)
        }
        let image = try Self.image(urls: ["https://elsewhere.example/layer", "https://169.254.169.254/latest"])
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(Fixture.client(transport), image: image, to: path)
        #expect(contents(path) == Self.layer)
        #expect(transport.requests.map { $0.url.host } == ["registry.example"])
    }

    @Test func aForeignLayersPlainHTTPAndLinkLocalURLsAreSkipped() async throws {
        let transport = ScriptedTransport { request in
            switch request.url.host {
            case "registry.example": .ok(Self.layer)
            case "foreign.example": .status(307, [("Location", "https://169.254.169.254/latest/meta-data/")])
            default: .status(404)
            }
        }
        let image = try Self.image(
            layerType: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
            urls: [
                "http://plain.example/layer", "https://169.254.170.2/v2/credentials", "http://169.254.170.2/",
                "https://[fe80::1]/layer", "https://2852039170/layer", "https://foreign.example/layer",
            ])
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(Fixture.client(transport), image: image, to: path)
        #expect(contents(path) == Self.layer)
        // foreign.example is asked, but not where it redirects.
        #expect(transport.requests.map { $0.url.host } == ["foreign.example", "registry.example"])
    }

    @Test func aForeignLayersPlainHTTPURLIsAskedWhenItsHostIsInsecure() async throws {
        let transport = ScriptedTransport { request in
            request.url.host == "plain.example" ? .ok(Self.layer) : .status(404)
        }
        let conf = try RegistriesConf.parse(
            #"[[registry]]\#nlocation = "plain.example"\#ninsecure = true\#n"#, file: "registries.conf")
        let image = try Self.image(layerType: Fixture.foreignLayerType, urls: ["http://plain.example/layer"])
        let path = Fixture.temporaryDirectory() + "/blob"
        _ = try await download(Fixture.client(transport, conf: conf), image: image, to: path)
        #expect(contents(path) == Self.layer)
        #expect(transport.requests.map { $0.url.description } == ["http://plain.example/layer"])
    }

    @Test(arguments: [
        ("169.254.170.2", true), ("169.254.169.254", true), ("2852039170", true), ("0xa9.0xfe.0xaa.2", true),
        ("[fe80::1]", true), ("[febf::1]", true), ("[fd00:ec2::254]", true), ("[::ffff:169.254.169.254]", true),
        ("instance-data.", true), ("169.255.0.1", false), ("[fec0::1]", false), ("registry.example", false),
        ("10.0.0.1", false),
    ])
    func linkLocalAndMetadataHostsAreRecognised(host: String, refused: Bool) {
        #expect(ForeignLayerRules.isLinkLocalOrMetadata(host: host) == refused)
    }
}
