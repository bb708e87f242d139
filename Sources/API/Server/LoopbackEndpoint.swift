#if canImport(Glibc)
    import Glibc
#endif

/// The TCP address berthd may listen on: a literal loopback address (127.0.0.0/8 or ::1) and a port.
///
/// Anything else is refused, names included ("localhost" could resolve anywhere): the TCP listener
/// exists for SDKs and the aws CLI on this machine, and SigV4 over plain HTTP protects the integrity of
/// a request but not its secrecy, so it must never leave the host.
public struct LoopbackEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) throws(ECSServerError) {
        guard (0...65535).contains(port) else {
            throw ECSServerError("TCP port \(port) is out of range (0-65535; 0 picks a free port)")
        }
        guard Self.isLoopback(host) else {
            throw ECSServerError(
                "berthd listens on loopback only: '\(host)' is not a loopback IP address "
                    + "(use 127.0.0.1 or ::1; the Unix socket serves everything else on this machine)")
        }
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func isLoopback(_ host: String) -> Bool {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            // s_addr is in network byte order: its first byte in memory is the first octet.
            return withUnsafeBytes(of: ipv4.s_addr) { $0[0] } == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: ipv6) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        }
        return false
    }
}
