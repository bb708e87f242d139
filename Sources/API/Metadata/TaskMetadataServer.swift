import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers the task metadata endpoint (ECS's TMDE v3/v4) for the containers of berth's tasks.
public protocol TaskMetadataHandler: Sendable {
    /// `path` is the request path ("/v4/<container id>/task"), `client` the address the request came from
    /// (a task answers only for itself); returns the status and the JSON body.
    func metadata(path: String, from client: String?) async -> (status: Int, body: Data)
}

/// A small GET-only HTTP/1.1 server for the metadata endpoint. Every container of a task reaches it at
/// `ECS_CONTAINER_METADATA_URI_V4` (http://169.254.170.2/v4/<container id>); the path names the container,
/// and the connection's source address says which task asks, so a task learns nothing of another. Plain channel handlers rather than NIOAsyncChannel: nothing here
/// needs backpressure, and a connection dropped at shutdown is just closed.
public final class TaskMetadataServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    public var port: Int { channel.localAddress?.port ?? 0 }

    public init(host: String, port: Int, handler: any TaskMetadataHandler, logger: Logger) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(
                            MetadataRequestHandler(handler: handler, logger: logger))
                    }
                }
                .bind(to: try SocketAddress(ipAddress: host, port: port)).get()
        } catch {
            try? await group.shutdownGracefully()
            throw ECSServerError("cannot serve the task metadata endpoint on \(host):\(port): \(error)")
        }
    }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

private final class MetadataRequestHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: any TaskMetadataHandler
    let logger: Logger
    private var head: HTTPRequestHead?

    init(handler: any TaskMetadataHandler, logger: Logger) {
        self.handler = handler
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = String(head.uri.split(separator: "?", maxSplits: 1).first ?? "")
            let keepAlive = head.isKeepAlive
            let version = head.version
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let handler = self.handler
            let method = head.method
            let eventLoop = context.eventLoop
            let client = context.channel.remoteAddress?.ipAddress
            Task {
                let (status, body) =
                    method == .GET
                    ? await handler.metadata(path: path, from: client)
                    : (405, Data(#"{"error":"the task metadata endpoint answers GET only"}"#.utf8))
                eventLoop.execute {
                    let (this, context) = loopBound.value
                    this.respond(context: context, version: version, status: status, body: body, keepAlive: keepAlive)
                }
            }
        }
    }

    private func respond(
        context: ChannelHandlerContext, version: HTTPVersion, status: Int, body: Data, keepAlive: Bool
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(body.count))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        if !keepAlive { done.futureResult.whenComplete { _ in channel.close(promise: nil) } }
    }
}
