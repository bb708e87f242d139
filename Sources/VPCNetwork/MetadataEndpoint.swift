/// Where berthd serves the task metadata endpoint, and so where every task reaches it. The one home of ECS's
/// address: berthd's `--metadata-listen`, the address put on the host's loopback, the firewall's exception
/// for it and the port-mapping rules all read it from here.
public struct MetadataEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: IPv4Address
    public var port: Int

    /// ECS's link-local endpoint (the agent's 169.254.170.2:80): what `ECS_CONTAINER_METADATA_URI_V4` names on
    /// Fargate.
    public static let ecsDefault = MetadataEndpoint(address: IPv4Address("169.254.170.2")!, port: 80)

    public init(address: IPv4Address, port: Int) {
        self.address = address
        self.port = port
    }

    /// `ADDRESS:PORT` as `--metadata-listen` takes it. No port 0: the firewall's exception for the endpoint is
    /// written before it binds.
    public init(parsing text: String) throws(NetworkError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), let port = Int(parts[1]),
            (1...65535).contains(port)
        else {
            throw .invalidParameter(
                "the metadata endpoint takes IPV4-ADDRESS:PORT (e.g. \(Self.ecsDefault)), not '\(text)'")
        }
        self.init(address: address, port: port)
    }

    /// 127.0.0.0/8: only the host reaches it (tests), so nothing is added to `lo` for it.
    public var isLoopback: Bool { address.value >> 24 == 127 }

    /// The address tasks reach the endpoint at, which port mappings must never capture and the host-port
    /// check must not count: nil for a loopback endpoint, which no task reaches (and whose address,
    /// 127.0.0.1, is where published ports must answer).
    public var taskFacingAddress: IPv4Address? { isLoopback ? nil : address }

    /// The base of `ECS_CONTAINER_METADATA_URI_V4`.
    public var baseURL: String { "http://\(address)" + (port == 80 ? "" : ":\(port)") }

    public var description: String { "\(address):\(port)" }
}
