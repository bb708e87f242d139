import Logging
import NIOCore
import NIOHTTP1

/// Answers bytes that are not HTTP/1.1 with a 400 in the ECS error format, then closes the connection.
///
/// NIO's own `HTTPServerProtocolErrorHandler` answers with an empty 400; this one says what was wrong,
/// in the `{"__type", "message"}` body every other error of berthd has. A parse error after berthd has
/// already answered the current request (a 413 sent while the client was still uploading) only closes.
final class MalformedHTTPResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let logger: Logger
    /// Between a request's head and its end.
    private var requestInProgress = false
    /// A response (head) was written since the current request's head arrived.
    private var answeredCurrentRequest = false
    /// A response head was written and its end was not.
    private var responseInProgress = false

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestInProgress = true
            answeredCurrentRequest = false
        case .body:
            break
        case .end:
            requestInProgress = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200:  // 100 Continue: the real answer is still to come
            break
        case .head:
            responseInProgress = true
            answeredCurrentRequest = true
        case .body:
            break
        case .end:
            responseInProgress = false
        }
        context.write(data, promise: promise)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        logger.debug("malformed HTTP request", metadata: ["error": "\(parserError)"])
        guard !responseInProgress, !(requestInProgress && answeredCurrentRequest) else {
            context.close(promise: nil)
            return
        }
        let requestId = HTTPReply.newRequestId()
        let reply = HTTPReply.failure(ProtocolRejection.malformedHTTP("\(parserError)"), requestId: requestId)
        var headers = HTTPHeaders(reply.headers)
        headers.add(name: "Content-Length", value: "\(reply.body.count)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: reply.body)))), promise: nil)
        // The decoder refuses every later byte, so the connection is over once the answer is out.
        let loopBoundContext = context.loopBound
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            loopBoundContext.value.close(promise: nil)
        }
    }
}
