/// How berth's network is laid out. Every kernel object derives from these names, so a test (or a second
/// berthd) with its own table, prefixes and CIDR never touches another instance's objects.
public struct NetworkConfiguration: Sendable {
    public var vpcID: String
    public var vpcCIDR: IPv4CIDR
    /// The size of subnets carved from the VPC when none is given (AWS's console default is /24 too).
    public var subnetPrefixLength: Int
    /// The nftables table: `inet <table>`.
    public var table: String
    /// Bridges are `<bridgePrefix><n>` (berth0, berth1, …).
    public var bridgePrefix: String
    /// Host ends of task veths are `<vethPrefix><task id>` cut to 15 characters (bv1a2b3c4d5e6f7).
    public var vethPrefix: String
    /// Turn on net.ipv4.ip_forward at start, as Docker does, so published ports answer other machines and
    /// ENABLED tasks reach the world. Off: only berth's bridges forward (tests use this).
    public var enableGlobalForwarding: Bool
    /// Where tasks find the task metadata endpoint: the one service of the host's that tasks reach without
    /// `hostAccess`. Port mappings never capture its address.
    public var metadata: MetadataEndpoint
    /// Let tasks reach every service on the host (through their gateway, `host.berth.internal` inside them). Off,
    /// a task reaches only the metadata endpoint and its DNS resolvers on the host's own addresses, as on
    /// Fargate, where a task has no host to reach.
    public var hostAccess: Bool
    /// The host's resolvers that tasks are given (its non-loopback nameservers): reachable by DNS even when
    /// one of them is an address of the host's.
    public var nameservers: [IPv4Address]

    public var metadataAddress: IPv4Address { metadata.address }

    public static let defaultVPCCIDR = IPv4CIDR("10.88.0.0/16")!

    public init(
        vpcID: String = "vpc-0be47bd000000000a", vpcCIDR: IPv4CIDR = defaultVPCCIDR,
        subnetPrefixLength: Int = 24, table: String = "berth", bridgePrefix: String = "berth",
        vethPrefix: String = "bv", enableGlobalForwarding: Bool = true,
        metadata: MetadataEndpoint = .ecsDefault, hostAccess: Bool = false, nameservers: [IPv4Address] = []
    ) {
        self.vpcID = vpcID
        self.vpcCIDR = vpcCIDR
        self.subnetPrefixLength = subnetPrefixLength
        self.table = table
        self.bridgePrefix = bridgePrefix
        self.vethPrefix = vethPrefix
        self.enableGlobalForwarding = enableGlobalForwarding
        self.metadata = metadata
        self.hostAccess = hostAccess
        self.nameservers = nameservers
    }

    /// A berthd's network instance. `berth` (the default) owns table `inet berth`, bridges berth0, berth1, …
    /// and veths bv<task id>; any other name N owns `inet berth-N`, bridges berth-N0, … and veths vN<task id>.
    /// Two berthds on one machine need different names and VPCs that do not overlap.
    public static func instance(
        _ name: String, vpcCIDR: IPv4CIDR = defaultVPCCIDR
    ) throws(NetworkError) -> NetworkConfiguration {
        guard vpcCIDR.address == vpcCIDR.network, (16...24).contains(vpcCIDR.prefixLength) else {
            throw .invalidParameter(
                "the VPC CIDR \(vpcCIDR.address)/\(vpcCIDR.prefixLength) must be a network address with a /16 to /24 "
                    + "prefix (e.g. 10.88.0.0/16; berth carves /24 subnets from it)")
        }
        if name == "berth" { return NetworkConfiguration(vpcCIDR: vpcCIDR) }
        guard (1...5).contains(name.count), name.first?.isLowercaseASCIILetter == true,
            name.allSatisfy({ $0.isLowercaseASCIILetter || ("0"..."9").contains($0) })
        else {
            throw .invalidParameter(
                "network name '\(name)' must be 1 to 5 lower-case letters or digits, starting with a letter "
                    + "(it prefixes interface names, which Linux caps at 15 characters)")
        }
        return NetworkConfiguration(
            vpcCIDR: vpcCIDR, table: "berth-\(name)", bridgePrefix: "berth-\(name)", vethPrefix: "v\(name)")
    }
}

extension Character {
    fileprivate var isLowercaseASCIILetter: Bool { ("a"..."z").contains(self) }
}

/// What ECS reports about a task's elastic network interface (DescribeTasks `attachments`, containers'
/// `networkInterfaces` and `networkBindings`).
public struct NetworkAttachment: Sendable, Equatable {
    public var taskID: String
    /// The attachment's `id` (a UUID) and the containers' `networkInterfaces[].attachmentId`.
    public var attachmentID: String
    public var networkInterfaceID: String
    public var subnetID: String
    public var subnetCIDR: IPv4CIDR
    public var privateIPv4Address: IPv4Address
    public var macAddress: String
    public var gateway: IPv4Address
    public var prefixLength: Int
    public var securityGroups: [String]
    public var assignPublicIp: Bool
    /// The host end of the veth pair.
    public var hostLink: String
    public var bindings: [PortBinding]

    /// `attachments[].details` as Fargate reports them (note `privateIPv4Address` with upper-case IP here,
    /// `privateIpv4Address` in `networkInterfaces`).
    public var ecsDetails: [(name: String, value: String)] {
        [
            ("subnetId", subnetID), ("networkInterfaceId", networkInterfaceID), ("macAddress", macAddress),
            ("privateDnsName", "ip-" + privateIPv4Address.description.replacingOccurrences(of: ".", with: "-")),
            ("privateIPv4Address", privateIPv4Address.description),
        ]
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.taskID == rhs.taskID && lhs.attachmentID == rhs.attachmentID
            && lhs.privateIPv4Address == rhs.privateIPv4Address
            && lhs.bindings == rhs.bindings && lhs.macAddress == rhs.macAddress && lhs.subnetID == rhs.subnetID
    }
}

public struct Subnet: Sendable, Equatable {
    public var id: String
    public var vpcID: String
    public var cidr: IPv4CIDR
    public var bridge: String
    public var availableIpAddressCount: Int
    public var autoCreated: Bool
}

public struct SecurityGroupRule: Sendable, Equatable {
    public var id: String
    public var groupID: String
    public var isEgress: Bool
    public var ipProtocol: String
    public var fromPort: Int
    public var toPort: Int
    public var cidr: String?
    public var peerGroupID: String?
    public var description: String?
}

public struct SecurityGroup: Sendable, Equatable {
    public var id: String
    public var vpcID: String
    public var name: String
    public var description: String
    public var autoCreated: Bool
    public var ingress: [SecurityGroupRule]
    public var egress: [SecurityGroupRule]
}

/// EC2's IpPermission: one protocol and port range, any number of CIDR and group peers.
public struct IpPermission: Sendable, Equatable {
    public var ipProtocol: String
    public var fromPort: Int
    public var toPort: Int
    public var cidrs: [String]
    public var groupIDs: [String]
    public var description: String?

    public init(
        ipProtocol: String, fromPort: Int = -1, toPort: Int = -1, cidrs: [String] = [], groupIDs: [String] = [],
        description: String? = nil
    ) {
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidrs = cidrs
        self.groupIDs = groupIDs
        self.description = description
    }

    /// EC2 accepts names and numbers; berth keeps tcp, udp, icmp and -1 (all).
    static func normalizedProtocol(_ text: String) -> String? {
        switch text.lowercased() {
        case "tcp", "6": "tcp"
        case "udp", "17": "udp"
        case "icmp", "1": "icmp"
        case "-1", "all": "-1"
        default: nil
        }
    }
}

/// What `reconcile` removed.
public struct ReconcileReport: Sendable, Equatable {
    public var releasedTasks: [String] = []
    public var deletedLinks: [String] = []
}
