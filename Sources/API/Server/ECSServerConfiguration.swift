import Foundation
import NIOCore

/// Where and how `ECSServer` listens.
public struct ECSServerConfiguration: Sendable {
    /// The loopback TCP listener: every request over it must be signed with `credential` (SigV4).
    public struct TCPListener: Sendable {
        public var endpoint: LoopbackEndpoint
        public var credential: DaemonCredential

        /// Refuses any host that is not a literal loopback address (see `LoopbackEndpoint`).
        public init(host: String = "127.0.0.1", port: Int, credential: DaemonCredential) throws(ECSServerError) {
            self.endpoint = try LoopbackEndpoint(host: host, port: port)
            self.credential = credential
        }
    }

    /// The Unix socket (e.g. /run/berth/berthd.sock): mode 0660, owner root, group `socketGroup`.
    public var unixSocketPath: String
    public var tcp: TCPListener?
    /// The group allowed to use the Unix socket, if it exists on this machine.
    public var socketGroup = "berth"
    public var maximumBodyBytes = AWSJSONProtocol.defaultMaximumBodyBytes
    /// How far a SigV4 timestamp may be from berthd's clock.
    public var allowedClockSkew: TimeInterval = 15 * 60
    /// How long `stop()` lets requests in progress finish before closing their connections.
    public var shutdownGracePeriod: Duration = .seconds(10)
    public var eventLoopThreads = System.coreCount

    public init(unixSocketPath: String, tcp: TCPListener? = nil) {
        self.unixSocketPath = unixSocketPath
        self.tcp = tcp
    }
}
