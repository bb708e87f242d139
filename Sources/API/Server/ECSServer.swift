import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// berthd's ECS endpoint: the AWS JSON 1.1 protocol over a Unix socket (authenticated by its file
/// permissions) and, optionally, loopback TCP (authenticated by SigV4), each request handed to an
/// `ECSOperationHandler`.
///
/// One `MultiThreadedEventLoopGroup` does the I/O; every connection is served by its own Swift task, so a
/// slow handler call holds up only its own connection. A bad request gets its error answer and never
/// affects another connection or the listeners.
public final class ECSServer: Sendable {
    public let configuration: ECSServerConfiguration
    private let handler: any ECSOperationHandler
    private let logger: Logger
    private let connections = ConnectionRegistry()
    private let state = Mutex(Phase.idle)

    private typealias Listener = NIOAsyncChannel<HTTPServerConnection, Never>

    private struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var listeners: [Listener]
        var acceptLoops: [Task<Void, Never>]
        var socketFile: UnixSocketFile.Published
        var tcpPort: Int?
    }

    private enum Phase: Sendable {
        case idle, starting, stopping, stopped
        case running(Running)
    }

    public init(
        configuration: ECSServerConfiguration, handler: any ECSOperationHandler,
        logger: Logger = Logger(label: "berthd.api")
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
    }

    /// The TCP port actually bound (useful with port 0), once started with a TCP listener.
    public var tcpPort: Int? {
        state.withLock { phase in
            if case .running(let running) = phase { return running.tcpPort }
            return nil
        }
    }

    /// Binds the Unix socket and (if configured) the TCP listener, and starts accepting. If any step
    /// fails, nothing stays bound.
    public func start() async throws {
        try state.withLock { phase throws(ECSServerError) in
            guard case .idle = phase else { throw ECSServerError("the ECS server can be started only once") }
            phase = .starting
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        var listeners: [Listener] = []
        var socketFile: UnixSocketFile.Published?
        do {
            let (unixListener, published) = try await bindUnixSocket(group: group)
            listeners.append(unixListener)
            socketFile = published
            var tcpPort: Int?
            if let tcp = configuration.tcp {
                let tcpListener = try await bindTCP(tcp, group: group)
                listeners.append(tcpListener)
                tcpPort = tcpListener.channel.localAddress?.port
            }
            let loops = zip(listeners, [CallerAuthentication.socketPermissions] + tcpAuthentication()).map {
                listener, authentication in
                startAcceptLoop(listener, authentication: authentication)
            }
            state.withLock {
                $0 = .running(
                    Running(
                        group: group, listeners: listeners, acceptLoops: loops, socketFile: published,
                        tcpPort: tcpPort))
            }
            logger.info(
                "ECS API listening",
                metadata: [
                    "unix-socket": "\(configuration.unixSocketPath)",
                    "tcp": "\(configuration.tcp.map { "\($0.endpoint.host):\(tcpPort ?? $0.endpoint.port)" } ?? "off")",
                ])
        } catch {
            for listener in listeners { try? await listener.channel.close() }
            socketFile?.remove()
            try? await group.shutdownGracefully()
            state.withLock { $0 = .idle }
            throw error
        }
    }

    /// Stops accepting (the socket file is removed first), lets requests in progress finish and closes
    /// idle connections; past `shutdownGracePeriod`, closes what remains and cancels the handler calls
    /// still running. Then shuts the event loops down. Calling it when not running does nothing.
    public func stop() async throws {
        let running: Running? = state.withLock { phase in
            guard case .running(let running) = phase else { return nil }
            phase = .stopping
            return running
        }
        guard let running else { return }
        running.socketFile.remove()
        for listener in running.listeners { try? await listener.channel.close() }
        connections.quiesceAll()

        // Each accept loop ends when its last connection has; the deadline bounds how long that takes.
        let connections = self.connections
        let deadline = Task {
            try await Task.sleep(for: configuration.shutdownGracePeriod)
            connections.closeAll()
            connections.cancelAll()
        }
        for loop in running.acceptLoops { await loop.value }
        deadline.cancel()
        await connections.closeUnclaimed()
        try await running.group.shutdownGracefully()
        state.withLock { $0 = .stopped }
        logger.info("ECS API stopped")
    }

    private func tcpAuthentication() -> [CallerAuthentication] {
        guard let tcp = configuration.tcp else { return [] }
        return [
            .sigV4(
                SigV4Verifier(
                    credentials: [tcp.credential], service: "ecs", allowedClockSkew: configuration.allowedClockSkew))
        ]
    }

    private func bindUnixSocket(group: MultiThreadedEventLoopGroup) async throws -> (
        Listener, UnixSocketFile.Published
    ) {
        let path = configuration.unixSocketPath
        try UnixSocketFile.prepare(path)
        let directory = try UnixSocketFile.makeBindingDirectory(beside: path)
        let boundPath = "\(directory)/s"
        let listener: Listener
        do {
            listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .bind(unixDomainSocketPath: boundPath, childChannelInitializer: httpChannelInitializer)
        } catch {
            UnixSocketFile.discard(boundPath: boundPath)
            throw ECSServerError("cannot listen on \(path): \(error)")
        }
        do {
            return (
                listener,
                try UnixSocketFile.publish(boundPath: boundPath, at: path, groupName: configuration.socketGroup)
            )
        } catch {
            try? await listener.channel.close()
            UnixSocketFile.discard(boundPath: boundPath)
            throw error
        }
    }

    private func bindTCP(_ tcp: ECSServerConfiguration.TCPListener, group: MultiThreadedEventLoopGroup) async throws
        -> Listener
    {
        do {
            // A literal address: SocketAddress(ipAddress:) never consults DNS.
            let address = try SocketAddress(ipAddress: tcp.endpoint.host, port: tcp.endpoint.port)
            return try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(to: address, childChannelInitializer: httpChannelInitializer)
        } catch {
            throw ECSServerError("cannot listen on \(tcp.endpoint): \(error)")
        }
    }

    /// HTTP/1.1 with NIO's pipelining assistance (one request at a time per connection, and graceful
    /// quiescing), berth's own answer to malformed HTTP, then an async channel for `HTTPConnection`.
    private var httpChannelInitializer: @Sendable (any Channel) -> EventLoopFuture<HTTPServerConnection> {
        let logger = self.logger
        let connections = self.connections
        return { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                    withPipeliningAssistance: true, withErrorHandling: false)
                try channel.pipeline.syncOperations.addHandler(MalformedHTTPResponder(logger: logger))
                let connection = try HTTPServerConnection(wrappingChannelSynchronously: channel)
                connections.accepted(connection)
                return connection
            }
        }
    }

    private func startAcceptLoop(_ listener: Listener, authentication: CallerAuthentication) -> Task<Void, Never> {
        let connection = HTTPConnection(
            processor: ECSRequestProcessor(handler: handler, authentication: authentication, logger: logger),
            maximumBodyBytes: configuration.maximumBodyBytes, logger: logger)
        let connections = self.connections
        let logger = self.logger
        // The accept loop is never cancelled: a cancelled iteration would drop connections NIO has already
        // accepted and buffered, and an NIOAsyncChannel dropped without being served traps
        // ("Deinited NIOAsyncWriter without calling finish()"). It ends when its listener is closed;
        // past the grace period `stop()` cancels the connection tasks instead.
        return Task {
            do {
                try await listener.executeThenClose { inbound in
                    for try await client in inbound {
                        connections.claimed(client)
                        let channel = client.channel
                        connections.add(channel)
                        let task = Task {
                            await connection.serve(client)
                            connections.remove(channel)
                            connections.finished(channel)
                        }
                        connections.track(task, for: channel)
                    }
                }
            } catch {
                logger.error("stopped accepting connections", metadata: ["error": "\(error)"])
            }
            await connections.waitForAll()
        }
    }
}
