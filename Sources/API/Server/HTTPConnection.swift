import Foundation
import Logging
import NIOCore
import NIOHTTP1

typealias HTTPServerConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// Serves one accepted connection: reads requests one at a time (NIO's pipelining handler holds back
/// the next until this one is answered), collects each body up to the limit, and writes the
/// processor's reply. Keep-alive is honoured; any failure ends only this connection.
struct HTTPConnection: Sendable {
    var processor: ECSRequestProcessor
    var maximumBodyBytes: Int
    var logger: Logger

    /// How much of an oversized body is read and discarded after the 413: reading it lets the client
    /// finish sending and see the answer (closing on unread data makes the kernel reset the connection,
    /// and the client may lose the response). Beyond this, the connection is just closed.
    static let maximumDiscardedBytes = 64 << 20

    func serve(_ connection: HTTPServerConnection) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var pending: PendingRequest?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        var request = PendingRequest(head: head, maximumBodyBytes: maximumBodyBytes)
                        if request.isTooLarge {
                            // Announced too large: answer at once. A client waiting on Expect: 100-continue
                            // then never sends the body, so the exchange is over; any other is sending it,
                            // and what still comes is discarded.
                            try await write(tooLargeReply(), for: head, keepAlive: false, to: outbound)
                            await Self.endOutput(of: channel)
                            if request.expectsContinue { return }
                            request.answered = true
                        } else if request.expectsContinue {
                            try await outbound.write(.head(HTTPResponseHead(version: head.version, status: .continue)))
                        }
                        pending = request
                    case .body(let chunk):
                        guard var request = pending else { continue }
                        request.append(chunk)
                        if request.isTooLarge && !request.answered {
                            try await write(tooLargeReply(), for: request.head, keepAlive: false, to: outbound)
                            await Self.endOutput(of: channel)
                            request.answered = true
                        }
                        if request.discardedBytes > Self.maximumDiscardedBytes { return }
                        pending = request
                    case .end:
                        guard let request = pending else { continue }
                        pending = nil
                        // An oversized request was answered already; its connection ends with it.
                        if request.answered { return }
                        let reply = await processor.process(request.received)
                        try await write(reply, for: request.head, keepAlive: request.head.isKeepAlive, to: outbound)
                        if !request.head.isKeepAlive {
                            await Self.endOutput(of: channel)
                            return
                        }
                    }
                }
            }
        } catch {
            // A client that goes away mid-request is routine; nothing else is affected.
            logger.debug("connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Half-closes the connection once everything written so far has reached the socket. Closing it
    /// outright (as leaving `executeThenClose` does) would drop a large response still being written.
    private static func endOutput(of channel: any Channel) async {
        try? await channel.close(mode: .output)
    }

    private func tooLargeReply() -> HTTPReply {
        let (error, status) = ProtocolRejection.bodyTooLarge(limit: maximumBodyBytes)
        return HTTPReply.failure(error, requestId: HTTPReply.newRequestId(), status: status)
    }

    private func write(
        _ reply: HTTPReply, for request: HTTPRequestHead, keepAlive: Bool,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders(reply.headers)
        headers.add(name: "Content-Length", value: "\(reply.body.count)")
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if request.version == .http1_0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let head = HTTPResponseHead(
            version: request.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)
        try await outbound.write(contentsOf: [
            .head(head), .body(.byteBuffer(ByteBuffer(bytes: reply.body))), .end(nil),
        ])
    }
}

/// A request whose head has arrived and whose body is still coming.
private struct PendingRequest {
    let head: HTTPRequestHead
    let maximumBodyBytes: Int
    private(set) var body = ByteBuffer()
    /// Over the limit: the body is counted and dropped from here on.
    private(set) var isTooLarge: Bool
    private(set) var discardedBytes = 0
    /// The 413 has been sent.
    var answered = false

    init(head: HTTPRequestHead, maximumBodyBytes: Int) {
        self.head = head
        self.maximumBodyBytes = maximumBodyBytes
        let declaredLength = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
        self.isTooLarge = declaredLength > maximumBodyBytes
    }

    var expectsContinue: Bool {
        head.headers["expect"].contains { $0.lowercased() == "100-continue" }
    }

    mutating func append(_ chunk: ByteBuffer) {
        if !isTooLarge && body.readableBytes + chunk.readableBytes > maximumBodyBytes {
            isTooLarge = true
            discardedBytes = body.readableBytes
            body = ByteBuffer()
        }
        if isTooLarge {
            discardedBytes += chunk.readableBytes
        } else {
            body.writeImmutableBuffer(chunk)
        }
    }

    var received: ReceivedRequest {
        ReceivedRequest(
            method: head.method.rawValue, uri: head.uri,
            headers: head.headers.map { (name: $0.name, value: $0.value) },
            body: Data(body.readableBytesView))
    }
}
