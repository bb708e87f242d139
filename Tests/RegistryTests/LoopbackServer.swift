import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// What the loopback server answers to one request.
struct ServerAnswer: Sendable {
    var status: HTTPResponseStatus
    var headers: [(String, String)] = []
    var body: [UInt8] = []
    /// Close the connection after this many body bytes, although Content-Length promised all of them.
    var closeAfter: Int?
}

/// The head of a request the server saw.
struct SeenRequest: Sendable {
    var method: String
    var uri: String
    var headers: [(String, String)]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// A plain HTTP/1.1 server on 127.0.0.1 with an ephemeral port, answering from a test's closure: the
/// real AsyncHTTPClient path (streaming, short bodies, redirects) without leaving the machine.
final class LoopbackServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel
    private let seen: RequestLog
    let port: Int

    var requests: [SeenRequest] { seen.all }
    var authority: String { "127.0.0.1:\(port)" }

    init(_ respond: @escaping @Sendable (SeenRequest) -> ServerAnswer) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let seen = RequestLog()
        let record: @Sendable (SeenRequest) -> ServerAnswer = { request in
            seen.append(request)
            return respond(request)
        }
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(AnsweringHandler(respond: record))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.group = group
        self.seen = seen
        port = channel.localAddress?.port ?? 0
    }

    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

private final class AnsweringHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let respond: @Sendable (SeenRequest) -> ServerAnswer
    private var head: HTTPRequestHead?

    init(respond: @escaping @Sendable (SeenRequest) -> ServerAnswer) { self.respond = respond }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            let answer = respond(
                SeenRequest(
                    method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }))
            var headers = HTTPHeaders(answer.headers)
            if !headers.contains(name: "Content-Length") {
                headers.add(name: "Content-Length", value: "\(answer.body.count)")
            }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: answer.status, headers: headers))),
                promise: nil)
            let sent = head.method == .HEAD ? [] : Array(answer.body.prefix(answer.closeAfter ?? answer.body.count))
            // Several writes, so the client sees a stream of chunks rather than one buffer.
            var offset = 0
            while offset < sent.count {
                let end = min(offset + 1024, sent.count)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: sent[offset..<end])))), promise: nil)
                offset = end
            }
            if answer.closeAfter != nil {
                // Closed once every byte is written, so the client sees exactly `closeAfter` of them.
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer())))).whenComplete { _ in
                    channel.close(promise: nil)
                }
            } else {
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
            self.head = nil
        }
    }
}

private final class RequestLog: Sendable {
    private let requests = Mutex<[SeenRequest]>([])

    var all: [SeenRequest] { requests.withLock { $0 } }

    func append(_ request: SeenRequest) { requests.withLock { $0.append(request) } }
}
