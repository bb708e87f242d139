import NIOCore
import NIOHTTP1
import NIOPosix

/// One request as the lab's servers see it, body collected.
struct LabHTTPRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
}

/// A whole response. `cutAfter` sends the head (with the full Content-Length) and only that many body
/// bytes, then closes the connection: a transfer that breaks midway.
struct LabHTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers = HTTPHeaders()
    var body = ByteBuffer()
    /// Content-Length to announce when it is not the body's size (a HEAD answer has no body).
    var contentLength: Int?
    var cutAfter: Int?
    /// Answer this much later (the event loop stays free meanwhile): a slow storage backend.
    var delay: TimeAmount?

    init(status: HTTPResponseStatus, headers: HTTPHeaders = HTTPHeaders(), body: String = "") {
        self.status = status
        self.headers = headers
        self.body = ByteBuffer(string: body)
    }
}

/// A small HTTP/1.1 server on a loopback address and a port the kernel picks; the lab's token realm and
/// blob server. The responder runs on the event loop: it must not block for long.
final class LabHTTPServer: Sendable {
    let channel: any Channel
    let host: String
    let port: Int

    static func start(
        host: String, responder: @escaping @Sendable (LabHTTPRequest) -> LabHTTPResponse
    ) throws -> LabHTTPServer {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(LabHTTPHandler(responder: responder))
                }
            }
        let channel: any Channel
        do { channel = try bootstrap.bind(host: host, port: 0).wait() } catch {
            throw RegistryLabError(step: "listen on \(host)", detail: "\(error)")
        }
        return LabHTTPServer(channel: channel, host: host, port: channel.localAddress?.port ?? 0)
    }

    private init(channel: any Channel, host: String, port: Int) {
        self.channel = channel
        self.host = host
        self.port = port
    }

    var baseURL: String { "http://\(host):\(port)" }

    func stop() {
        // Closing an already closed channel fails harmlessly; stop runs from deinit too.
        try? channel.close().wait()
    }
}

private final class LabHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: @Sendable (LabHTTPRequest) -> LabHTTPResponse
    private var head: HTTPRequestHead?

    init(responder: @escaping @Sendable (LabHTTPRequest) -> LabHTTPResponse) {
        self.responder = responder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead): head = requestHead
        case .body: break  // the lab's endpoints take no bodies
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let response = responder(LabHTTPRequest(method: head.method, uri: head.uri, headers: head.headers))
        if let delay = response.delay {
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            var later = response
            later.delay = nil
            context.eventLoop.scheduleTask(in: delay) { bound.value.0.send(later, to: head, context: bound.value.1) }
            return
        }
        send(response, to: head, context: context)
    }

    private func send(_ response: LabHTTPResponse, to head: HTTPRequestHead, context: ChannelHandlerContext) {
        var headers = response.headers
        if !headers.contains(name: "content-length") {
            headers.add(name: "content-length", value: "\(response.contentLength ?? response.body.readableBytes)")
        }
        if response.cutAfter != nil { headers.replaceOrAdd(name: "connection", value: "close") }
        let responseHead = HTTPResponseHead(version: head.version, status: response.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if let cutAfter = response.cutAfter {
            var body = response.body
            let part = body.readSlice(length: min(cutAfter, body.readableBytes)) ?? ByteBuffer()
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            // No .end: the connection closes with the body short of its Content-Length.
            context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(part)))).whenComplete { _ in
                bound.value.close(promise: nil)
            }
            return
        }
        if head.method != .HEAD, response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
