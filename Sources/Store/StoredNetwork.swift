import Foundation
import GRDB

/// The VPC every subnet and security group belongs to. berth has one, created on first use.
public struct StoredVPC: Sendable, Equatable {
    public var id: String
    public var cidr: String
    public var createdAt: Date

    public init(id: String, cidr: String, createdAt: Date) {
        self.id = id
        self.cidr = cidr
        self.createdAt = createdAt
    }

    init(row: Row) {
        self.init(id: row["id"], cidr: row["cidr"], createdAt: Date(storedValue: row["created_at"]))
    }
}

/// A subnet: a CIDR inside the VPC with the Linux bridge that carries it.
public struct StoredSubnet: Sendable, Equatable {
    public var id: String
    public var vpcID: String
    public var cidr: String
    public var bridge: String
    /// The address most recently leased (0 before the first lease).
    public var lastLeased: UInt32
    public var autoCreated: Bool
    public var createdAt: Date

    public init(
        id: String, vpcID: String, cidr: String, bridge: String, lastLeased: UInt32 = 0, autoCreated: Bool,
        createdAt: Date
    ) {
        self.id = id
        self.vpcID = vpcID
        self.cidr = cidr
        self.bridge = bridge
        self.lastLeased = lastLeased
        self.autoCreated = autoCreated
        self.createdAt = createdAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], vpcID: row["vpc_id"], cidr: row["cidr"], bridge: row["bridge"],
            lastLeased: UInt32(truncatingIfNeeded: row["last_leased"] as Int64), autoCreated: row["auto_created"],
            createdAt: Date(storedValue: row["created_at"]))
    }
}

/// A security group; its rules are `StoredSecurityGroupRule`s.
public struct StoredSecurityGroup: Sendable, Equatable {
    public var id: String
    public var vpcID: String
    public var name: String
    public var description: String
    public var autoCreated: Bool
    public var createdAt: Date
    public var rules: [StoredSecurityGroupRule]

    public init(
        id: String, vpcID: String, name: String, description: String, autoCreated: Bool, createdAt: Date,
        rules: [StoredSecurityGroupRule] = []
    ) {
        self.id = id
        self.vpcID = vpcID
        self.name = name
        self.description = description
        self.autoCreated = autoCreated
        self.createdAt = createdAt
        self.rules = rules
    }

    init(row: Row, rules: [StoredSecurityGroupRule]) {
        self.init(
            id: row["id"], vpcID: row["vpc_id"], name: row["name"], description: row["description"],
            autoCreated: row["auto_created"], createdAt: Date(storedValue: row["created_at"]), rules: rules)
    }
}

/// One ingress or egress rule of a security group (EC2's SecurityGroupRule).
public struct StoredSecurityGroupRule: Sendable, Equatable {
    public var id: String
    public var groupID: String
    /// "ingress" or "egress".
    public var direction: String
    /// "tcp", "udp", "icmp" or "-1" (all).
    public var ipProtocol: String
    public var fromPort: Int
    public var toPort: Int
    public var cidr: String?
    public var peerGroupID: String?
    public var description: String?

    public init(
        id: String, groupID: String, direction: String, ipProtocol: String, fromPort: Int, toPort: Int,
        cidr: String?, peerGroupID: String?, description: String?
    ) {
        self.id = id
        self.groupID = groupID
        self.direction = direction
        self.ipProtocol = ipProtocol
        self.fromPort = fromPort
        self.toPort = toPort
        self.cidr = cidr
        self.peerGroupID = peerGroupID
        self.description = description
    }

    init(row: Row) {
        self.init(
            id: row["id"], groupID: row["group_id"], direction: row["direction"], ipProtocol: row["protocol"],
            fromPort: row["from_port"], toPort: row["to_port"], cidr: row["cidr"], peerGroupID: row["peer_group_id"],
            description: row["description"])
    }
}

/// A published host port of a task.
public struct StoredPortReservation: Sendable, Equatable, Hashable {
    /// "tcp" or "udp".
    public var ipProtocol: String
    public var hostPort: Int
    public var containerPort: Int

    public init(ipProtocol: String, hostPort: Int, containerPort: Int) {
        self.ipProtocol = ipProtocol
        self.hostPort = hostPort
        self.containerPort = containerPort
    }
}

/// A task's network attachment: its address lease, its interface and its published ports.
public struct StoredNetworkAttachment: Sendable, Equatable {
    public var taskID: String
    public var subnetID: String
    public var address: UInt32
    public var mac: String
    public var eniID: String
    public var attachmentID: String
    public var hostLink: String
    public var netnsPath: String
    public var assignPublicIp: Bool
    public var securityGroups: [String]
    public var ports: [StoredPortReservation]
    public var createdAt: Date

    public init(
        taskID: String, subnetID: String, address: UInt32, mac: String, eniID: String, attachmentID: String,
        hostLink: String, netnsPath: String, assignPublicIp: Bool, securityGroups: [String],
        ports: [StoredPortReservation], createdAt: Date
    ) {
        self.taskID = taskID
        self.subnetID = subnetID
        self.address = address
        self.mac = mac
        self.eniID = eniID
        self.attachmentID = attachmentID
        self.hostLink = hostLink
        self.netnsPath = netnsPath
        self.assignPublicIp = assignPublicIp
        self.securityGroups = securityGroups
        self.ports = ports
        self.createdAt = createdAt
    }
}
