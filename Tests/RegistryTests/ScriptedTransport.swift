import Foundation
import Images
import Logging
import Synchronization

@testable import Registry

/// A canned answer for the scripted transport.
struct CannedResponse: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var chunks: [[UInt8]] = []
    /// After the chunks, the connection breaks off instead of ending the body.
    var breaksOff = false

    static func ok(_ body: [UInt8], headers: [(String, String)] = []) -> CannedResponse {
        CannedResponse(status: 200, headers: [("Content-Length", "\(body.count)")] + headers, chunks: [body])
    }

    static func status(_ status: Int, _ headers: [(String, String)] = [], body: String = "") -> CannedResponse {
        CannedResponse(status: status, headers: headers, chunks: body.isEmpty ? [] : [Array(body.utf8)])
    }
}

/// Records each request and answers it from a test's handler: the protocol logic without a network.
final class ScriptedTransport: HTTPTransport {
    private let handler: @Sendable (TransportRequest) -> CannedResponse
    private let log = Mutex<[TransportRequest]>([])

    init(_ handler: @escaping @Sendable (TransportRequest) -> CannedResponse) { self.handler = handler }

    var requests: [TransportRequest] { log.withLock { $0 } }

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        log.withLock { $0.append(request) }
        let canned = handler(request)
        if canned.status == 0 {
            throw TransportError(
                kind: .connect, reason: "dial tcp \(request.url.authority): connect: connection refused")
        }
        if canned.status == -1 { throw TransportError(kind: .tls, reason: "certificate verify failed") }
        let chunks = Mutex(canned.chunks)
        let breaksOff = canned.breaksOff
        let body = ResponseBody(pull: { () async throws(TransportError) -> [UInt8]? in
            let next: [UInt8]? = chunks.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            if next == nil, breaksOff { throw TransportError(kind: .interrupted, reason: "unexpected EOF") }
            return next
        })
        return TransportResponse(
            status: canned.status, reason: reasonPhrase(canned.status),
            headers: HeaderFields(canned.headers.map { (name: $0.0, value: $0.1) }), body: body)
    }

    func shutdown() async throws {}
}

func reasonPhrase(_ status: Int) -> String {
    switch status {
    case 200: "OK"
    case 206: "Partial Content"
    case 307: "Temporary Redirect"
    case 401: "Unauthorized"
    case 403: "Forbidden"
    case 404: "Not Found"
    case 429: "Too Many Requests"
    case 503: "Service Unavailable"
    default: "Status"
    }
}

/// Log lines, kept so tests can prove no secret reaches them.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        Logger(label: "registry-test") { _ in CapturingHandler(log: self) }
    }
}

private struct CapturingHandler: LogHandler {
    let log: CapturedLog
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String, line: UInt
    ) {
        log.append("\(level) \(message) \(self.metadata.merging(metadata ?? [:]) { $1 })")
    }
}

/// Test content: JSON documents and their digests.
enum Fixture {
    static func digest(_ bytes: [UInt8]) -> Digest { Digest(of: Data(bytes)) }

    static func json(_ object: Any) -> [UInt8] {
        Array(try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    static let config: [UInt8] = json([
        "architecture": "amd64", "os": "linux", "rootfs": ["type": "layers", "diff_ids": []],
    ])
    static let layer: [UInt8] = Array((0..<5000).map { UInt8($0 % 251) })

    static let foreignLayerType = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"

    static func manifest(
        config: [UInt8] = config, layer: [UInt8] = layer, layerType: String = MediaType.ociLayerGzip,
        urls: [String]? = nil
    ) -> [UInt8] {
        var layerDescriptor: [String: Any] = [
            "mediaType": layerType, "digest": "\(digest(layer))",
            "size": layer.count,
        ]
        if let urls { layerDescriptor["urls"] = urls }
        return json([
            "schemaVersion": 2, "mediaType": MediaType.ociManifest,
            "config": ["mediaType": MediaType.ociConfig, "digest": "\(digest(config))", "size": config.count],
            "layers": [layerDescriptor],
        ])
    }

    static func index(_ entries: [[String: Any]]) -> [UInt8] {
        json(["schemaVersion": 2, "mediaType": MediaType.ociIndex, "manifests": entries])
    }

    static func entry(
        _ manifest: [UInt8], os: String, architecture: String, variant: String? = nil,
        mediaType: String = MediaType.ociManifest, annotations: [String: String]? = nil
    ) -> [String: Any] {
        var platform: [String: Any] = ["os": os, "architecture": architecture]
        if let variant { platform["variant"] = variant }
        var entry: [String: Any] = [
            "mediaType": mediaType, "digest": "\(digest(manifest))", "size": manifest.count, "platform": platform,
        ]
        if let annotations { entry["annotations"] = annotations }
        return entry
    }

    static func settings(
        retry: RetryPolicy = .once, environment: [String: String] = [:], maximumManifestBytes: Int = 4 << 20
    ) -> RegistrySettings {
        RegistrySettings(
            registriesConfPath: "/nonexistent/registries.conf", certsDirectories: [], environment: environment,
            retry: retry, maximumManifestBytes: maximumManifestBytes)
    }

    static func client(
        _ transport: ScriptedTransport, settings: RegistrySettings = settings(), conf: RegistriesConf = .empty,
        log: CapturedLog = CapturedLog(), sleeps: SleepRecorder = SleepRecorder()
    ) -> RegistryClient {
        let recorder = sleeps
        return RegistryClient(
            settings: settings, logger: log.logger, conf: conf, transport: transport,
            platform: PlatformMatcher(os: "linux", architecture: "x86_64"), clock: { 1000 },
            sleep: { seconds in recorder.record(seconds) }, random: { 0 })
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "registry-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// The delays the retry loop asked for, instead of sleeping them.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Double]>([])

    var recorded: [Double] { delays.withLock { $0 } }

    func record(_ seconds: Double) { delays.withLock { $0.append(seconds) } }
}
