import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
    import Glibc
#endif

/// `HTTPTransport` on AsyncHTTPClient, configured so the protocol code sees every response as it is:
/// no redirects followed (Authorization must not follow them to object storage), no decompression
/// (digests are of the bytes as served), no connection retries (the pull's retry policy decides).
final class AsyncHTTPTransport: HTTPTransport, @unchecked Sendable {
    private let client: HTTPClient
    private let lock = NSLock()
    private var isShutDown = false

    init() {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        // The read timeout catches a stalled body; a layer may take long in all, so no overall deadline.
        configuration.timeout = .init(connect: .seconds(30), read: .seconds(60))
        configuration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async throws {
        guard
            lock.withLock({ () -> Bool in
                defer { isShutDown = true }
                return !isShutDown
            })
        else { return }
        try await client.shutdown()
    }

    /// A client dropped without `shutdown()` (a daemon refusing to start after making it) is shut down here:
    /// AsyncHTTPClient traps on a client that is deinitialised while still running.
    deinit {
        if !isShutDown { try? client.syncShutdown() }
    }

    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url.description)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for field in request.headers.fields { outgoing.headers.add(name: field.name, value: field.value) }
        if request.url.scheme == "https" { outgoing.tlsConfiguration = request.tls }
        if let body = request.body { outgoing.body = .bytes(body) }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, deadline: .now() + .hours(24))
        } catch {
            throw AsyncHTTPTransport.requestFailure(error, url: request.url)
        }
        let iterator = BodyIterator(response.body.makeAsyncIterator())
        let body = ResponseBody(
            pull: { () async throws(TransportError) -> [UInt8]? in
                do {
                    guard let buffer = try await iterator.next() else { return nil }
                    return Array(buffer.readableBytesView)
                } catch {
                    throw AsyncHTTPTransport.bodyFailure(error)
                }
            },
            cancel: { iterator.drop() })
        return TransportResponse(
            status: Int(response.status.code), reason: response.status.reasonPhrase,
            headers: HeaderFields(response.headers.map { (name: $0.name, value: $0.value) }), body: body)
    }

    /// Go's net wording for a request that got no answer: "dial tcp 127.0.0.1:1: connect: connection refused".
    static func requestFailure(_ error: Error, url: RequestURL) -> TransportError {
        let dial = "dial tcp \(url.host):\(url.port)"
        switch error {
        case let error as NIOConnectionError:
            if let failure = error.connectionErrors.first {
                return requestFailure(failure.error, url: url)
            }
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                return TransportError(kind: .connect, reason: "dial tcp: lookup \(url.host): no such host")
            }
            return TransportError(kind: .connect, reason: "\(dial): connect failed")
        case let error as IOError:
            return TransportError(kind: .connect, reason: "\(dial): connect: \(goErrnoText(error.errnoCode))")
        case ChannelError.connectTimeout:
            return TransportError(kind: .connect, reason: "\(dial): i/o timeout")
        case let error as HTTPClientError where error == .connectTimeout:
            return TransportError(kind: .connect, reason: "\(dial): i/o timeout")
        case let error as HTTPClientError where error == .readTimeout:
            return TransportError(kind: .interrupted, reason: "read tcp \(url.authority): i/o timeout")
        case let error as HTTPClientError where error == .remoteConnectionClosed:
            return TransportError(kind: .interrupted, reason: "EOF")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return TransportError(kind: .tls, reason: "\(error)")
        default:
            return TransportError(kind: .other, reason: "\(error)")
        }
    }

    /// A body that broke off: Go's io.ErrUnexpectedEOF, or the socket's own error.
    static func bodyFailure(_ error: Error) -> TransportError {
        if let error = error as? IOError {
            return TransportError(kind: .interrupted, reason: "read: \(goErrnoText(error.errnoCode))")
        }
        return TransportError(kind: .interrupted, reason: "unexpected EOF")
    }

    /// strerror in Go's style: "connection refused", lowercase.
    static func goErrnoText(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// Holds the response body's iterator for the one task that reads it.
private final class BodyIterator: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator?

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> ByteBuffer? {
        guard var current = iterator else { return nil }
        let buffer = try await current.next()
        iterator = current
        return buffer
    }

    /// Dropping the iterator cancels the rest of the body in AsyncHTTPClient.
    func drop() { iterator = nil }
}
