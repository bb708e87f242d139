/// One security-group permission, as the firewall sees it (EC2's IpPermission with one peer).
public struct FirewallRule: Sendable, Equatable {
    /// "tcp", "udp", "icmp" or "-1" (every protocol).
    public var ipProtocol: String
    /// The first and last port (tcp, udp); ICMP type and code (-1: any); ignored for "-1".
    public var fromPort: Int
    public var toPort: Int
    /// The peer: a CIDR, or the members of a security group.
    public var peer: Peer

    public enum Peer: Sendable, Equatable {
        case cidr(IPv4CIDR)
        case group(String)
    }

    public init(ipProtocol: String, fromPort: Int, toPort: Int, peer: Peer) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.peer = peer
    }
}

/// A published port: hostPort on every host address (127.0.0.1 included) -> the task's containerPort.
public struct PortBinding: Sendable, Hashable {
    /// "tcp" or "udp".
    public var ipProtocol: String
    public var containerPort: Int
    public var hostPort: Int

    public init(ipProtocol: String = "tcp", containerPort: Int, hostPort: Int) {
        self.ipProtocol = ipProtocol
        self.containerPort = containerPort
        self.hostPort = hostPort
    }
}

/// Everything the firewall needs about one task: the union of its groups' rules, its address and ports.
public struct TaskFirewall: Sendable, Equatable {
    public var taskID: String
    public var address: IPv4Address
    public var securityGroups: [String]
    public var ingress: [FirewallRule]
    public var egress: [FirewallRule]
    /// assignPublicIp ENABLED: egress leaving the VPC is masqueraded; DISABLED: it is dropped.
    public var publicEgress: Bool
    public var ports: [PortBinding]

    public init(
        taskID: String, address: IPv4Address, securityGroups: [String], ingress: [FirewallRule],
        egress: [FirewallRule], publicEgress: Bool, ports: [PortBinding]
    ) {
        self.taskID = taskID
        self.address = address
        self.securityGroups = securityGroups
        self.ingress = ingress
        self.egress = egress
        self.publicEgress = publicEgress
        self.ports = ports
    }
}
