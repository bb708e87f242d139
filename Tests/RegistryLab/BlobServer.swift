import Foundation
import NIOCore
import NIOHTTP1

/// One request the blob server saw.
public struct BlobServerRequest: Sendable, Equatable {
    public var method: String
    /// The path asked for, e.g. `/docker/registry/v2/blobs/sha256/9c/9c24…/data`.
    public var path: String
    public var hadAuthorization: Bool
    /// The `Range` header as sent, if any.
    public var range: String?
    /// What the server answered: 200, 206, 400 (Authorization sent), 403 (a fault), 404, 416.
    public var status: Int
}

/// The object store the registry's `redirect` middleware sends blob GETs to, on another loopback host
/// (127.0.0.2) so the redirect crosses hosts. It serves the registry's own blob files and behaves like
/// S3 with a presigned URL: a request that also carries `Authorization` gets 400 ("Only one auth
/// mechanism allowed"). Faults tests switch on: the next N requests get 403 (the URL expired), or the
/// next N bodies stop after some bytes with the connection closed (the client must resume with `Range`).
final class BlobServer: Sendable {
    private let state: BlobServerState
    private let server: LabHTTPServer

    init(storageDirectory: String) throws {
        state = BlobServerState(storageDirectory: storageDirectory)
        let state = state
        server = try LabHTTPServer.start(host: "127.0.0.2") { state.respond(to: $0) }
    }

    var baseURL: String { server.baseURL }
    var requests: [BlobServerRequest] { state.log.entries }

    func failNextRequestsWith403(count: Int) { state.withFaults { $0.forbidden = count } }
    func cutNextBodies(count: Int, afterBytes: Int) { state.withFaults { $0.cuts = (count, afterBytes) } }
    func delayResponses(by delay: TimeAmount) { state.withFaults { $0.delay = delay } }

    func stop() { server.stop() }
}

private struct BlobFaults {
    var forbidden = 0
    var cuts = (count: 0, afterBytes: 0)
    var delay: TimeAmount?
}

private final class BlobServerState: @unchecked Sendable {
    let storageDirectory: String
    let log = LabLog<BlobServerRequest>()
    private let lock = NSLock()
    private var faults = BlobFaults()

    init(storageDirectory: String) { self.storageDirectory = storageDirectory }

    func withFaults<T>(_ body: (inout BlobFaults) -> T) -> T { lock.withLock { body(&faults) } }

    func respond(to request: LabHTTPRequest) -> LabHTTPResponse {
        let path = String(request.uri.prefix { $0 != "?" })
        let range = request.headers.first(name: "range")
        let hadAuthorization = request.headers.contains(name: "authorization")
        let response = answer(request, path: path, range: range, hadAuthorization: hadAuthorization)
        log.append(
            BlobServerRequest(
                method: request.method.rawValue, path: path, hadAuthorization: hadAuthorization, range: range,
                status: Int(response.status.code)))
        return response
    }

    private func answer(_ request: LabHTTPRequest, path: String, range: String?, hadAuthorization: Bool)
        -> LabHTTPResponse
    {
        if hadAuthorization {
            return Self.s3Error(
                .badRequest, code: "InvalidArgument",
                message: "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
                    + "query string parameter or the Authorization header should be specified")
        }
        let forbidden = withFaults { faults -> Bool in
            guard faults.forbidden > 0 else { return false }
            faults.forbidden -= 1
            return true
        }
        if forbidden { return Self.s3Error(.forbidden, code: "AccessDenied", message: "Request has expired") }
        guard request.method == .GET || request.method == .HEAD else {
            return LabHTTPResponse(status: .methodNotAllowed)
        }
        guard path.hasPrefix("/docker/registry/v2/blobs/"), !path.contains(".."),
            let data = FileManager.default.contents(atPath: storageDirectory + path)
        else { return Self.s3Error(.notFound, code: "NoSuchKey", message: "The specified key does not exist.") }

        var response = LabHTTPResponse(status: .ok)
        response.headers.add(name: "content-type", value: "application/octet-stream")
        response.headers.add(name: "accept-ranges", value: "bytes")
        var body = data[...]
        if let range {
            guard let (start, end) = Self.parse(range: range, size: data.count) else {
                var refused = LabHTTPResponse(status: .rangeNotSatisfiable)
                refused.headers.add(name: "content-range", value: "bytes */\(data.count)")
                return refused
            }
            response.status = .partialContent
            response.headers.add(name: "content-range", value: "bytes \(start)-\(end)/\(data.count)")
            body = data[(data.startIndex + start)...(data.startIndex + end)]
        }
        if request.method == .HEAD {
            response.contentLength = body.count
            return response
        }
        response.body = ByteBuffer(bytes: body)
        response.delay = withFaults { $0.delay }
        response.cutAfter = withFaults { faults -> Int? in
            guard faults.cuts.count > 0 else { return nil }
            faults.cuts.count -= 1
            return faults.cuts.afterBytes
        }
        return response
    }

    /// `bytes=N-` or `bytes=N-M` (one range only), clamped to the file; nil when unsatisfiable.
    static func parse(range: String, size: Int) -> (Int, Int)? {
        guard range.hasPrefix("bytes="), !range.contains(",") else { return nil }
        let bounds = range.dropFirst(6).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let start = Int(bounds[0]), start < size else { return nil }
        let end = bounds[1].isEmpty ? size - 1 : min(Int(bounds[1]) ?? -1, size - 1)
        return end >= start ? (start, end) : nil
    }

    static func s3Error(_ status: HTTPResponseStatus, code: String, message: String) -> LabHTTPResponse {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/xml")
        return LabHTTPResponse(
            status: status, headers: headers,
            body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)"
                + "</Message></Error>")
    }
}
