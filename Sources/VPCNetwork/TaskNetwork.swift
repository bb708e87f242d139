import Foundation
import Logging
import Store

/// awsvpc networking for berthd: what the engine calls per task, and the EC2 verbs over subnets and security
/// groups. All state lives in the Store (leases, ports, groups), so a restarted berthd finds it again and
/// `reconcile(keep:)` can remove what a killed berthd left behind.
///
/// Calls are serialized by one lock: each holds it for a few milliseconds of netlink and one nft transaction.
///
/// ```swift
/// let network = try TaskNetwork(store: store, logger: logger)
/// try network.reconcile(keep: runningTaskIDs)          // at startup, before any task starts
/// let eni = try network.attach(
///     taskID: id, netnsPath: "/run/berth/netns/\(id)", subnetID: "subnet-12345678",
///     securityGroupIDs: ["sg-12345678"], assignPublicIp: true,
///     portMappings: [PortBinding(ipProtocol: "tcp", containerPort: 80, hostPort: 8080)])
/// // eni.privateIPv4Address, eni.macAddress, eni.ecsDetails -> the task's attachments
/// try network.detach(taskID: id)                       // at DEPROVISIONING, before the netns is unpinned
/// ```
public final class TaskNetwork: @unchecked Sendable {
    public let configuration: NetworkConfiguration
    let store: BerthStore
    let logger: Logger
    let nft: any NftablesRunner
    let ruleset: NftablesRuleset
    let lock = NSLock()
    let links: TaskLinks

    /// `reclaimingStaleObjects`: the caller holds the instance's lock (berthd), so this instance's bridges
    /// that the store does not know were left by a berthd that is gone: unused ones are deleted, ones that
    /// still carry tasks make `init` refuse (`StaleInstanceObjects`).
    public init(
        store: BerthStore, configuration: NetworkConfiguration = NetworkConfiguration(), logger: Logger,
        nftables: (any NftablesRunner)? = nil, reclaimingStaleObjects: Bool = false
    ) throws {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.nft = try nftables ?? LibNftables()
        ruleset = NftablesRuleset(configuration)
        links = TaskLinks(host: RouteNetlink(socket: try KernelNetlinkSocket()))
        let ownBridges = Set(try Self.mapStore { try store.subnets() }.map(\.bridge))
        if reclaimingStaleObjects { try reclaimStaleObjects(ownBridges: ownBridges) }
        if let route = HostRoutes.conflict(with: configuration.vpcCIDR, ignoring: ownBridges) {
            throw NetworkError.invalidParameter(
                "the VPC CIDR \(configuration.vpcCIDR) overlaps the host's route to \(route.destination) on "
                    + "\(route.interface) (another network, or another berthd's VPC); tasks could not reach it "
                    + "or it them. Choose another VPC CIDR (berthd --vpc-cidr, e.g. 10.89.0.0/16), or, if nothing "
                    + "uses \(route.interface) any more, remove it with `ip link delete \(route.interface)`")
        }
        let vpc = try Self.mapStore {
            try store.ensureVPC(id: configuration.vpcID, cidr: configuration.vpcCIDR.description, createdAt: Date())
        }
        guard vpc.cidr == configuration.vpcCIDR.description else {
            throw NetworkError.invalidParameter(
                "VPC \(vpc.id) in this state directory has CIDR \(vpc.cidr), not \(configuration.vpcCIDR): "
                    + "its subnets and leases are carved from it; start with --vpc-cidr \(vpc.cidr), or use another "
                    + "state directory for another VPC")
        }
        if configuration.enableGlobalForwarding { try HostSysctl.set("ipv4.ip_forward", "1") }
    }

    private func reclaimStaleObjects(ownBridges: Set<String>) throws {
        let stale = StaleInstanceObjects.find(
            in: try links.host.links(), bridgePrefix: configuration.bridgePrefix, ownBridges: ownBridges)
        if let refusal = stale.refusal { throw NetworkError.invalidParameter(refusal) }
        for bridge in stale.reclaimable where try links.host.deleteLink(named: bridge) {
            logger.info(
                "reclaimed a bridge a berthd that is gone left behind",
                metadata: ["bridge": "\(bridge)", "table": "inet \(configuration.table)"])
        }
    }

    /// Gives the task at `netnsPath` (a pinned network namespace) its interface in `subnetID`, filtered by
    /// `securityGroupIDs`, with `portMappings` published on the host. Unknown subnet and group IDs are created
    /// with logged defaults (a new /24; a group allowing the mapped container ports from anywhere, all
    /// egress). A hostPort held by another task or bound on the host is refused with `.hostPortInUse`.
    public func attach(
        taskID: String, netnsPath: String, subnetID: String, securityGroupIDs: [String], assignPublicIp: Bool,
        portMappings: [PortBinding]
    ) throws -> NetworkAttachment {
        lock.lock()
        defer { lock.unlock() }
        if let existing = try Self.mapStore({ try store.networkAttachment(taskID: taskID) }) {
            return try attachment(existing)
        }
        try validate(portMappings)
        let subnet = try ensureSubnetLocked(id: subnetID)
        let groups = securityGroupIDs.isEmpty ? ["sg-default"] : securityGroupIDs
        for group in groups { try ensureGroupLocked(id: group, openPorts: portMappings) }
        try ensureHostPortsFreeLocked(portMappings)
        let cidr = IPv4CIDR(subnet.cidr)!
        let stored = try Self.mapStore {
            try store.leaseAddress(
                subnetID: subnet.id,
                chooseAddress: { held, last in AddressAllocator.next(in: cidr, held: held, lastLeased: last) },
                makeAttachment: { address in
                    StoredNetworkAttachment(
                        taskID: taskID, subnetID: subnet.id, address: address,
                        mac: AddressAllocator.macString(AddressAllocator.macAddress(for: IPv4Address(address))),
                        eniID: "eni-" + Self.randomHex(17), attachmentID: UUID().uuidString.lowercased(),
                        hostLink: hostLinkName(taskID: taskID), netnsPath: netnsPath, assignPublicIp: assignPublicIp,
                        securityGroups: groups,
                        ports: portMappings.map {
                            StoredPortReservation(
                                ipProtocol: $0.ipProtocol, hostPort: $0.hostPort, containerPort: $0.containerPort)
                        }, createdAt: Date())
                })
        }
        let result = try attachment(stored)
        do {
            let gateway = AddressAllocator.gateway(of: cidr)
            try links.ensureBridge(
                name: subnet.bridge, gateway: gateway, prefixLength: cidr.prefixLength,
                sources: [AddressAllocator.gatewaySource(of: cidr), AddressAllocator.loopbackSource(of: cidr)])
            try links.createInterface(
                hostLink: stored.hostLink, bridge: subnet.bridge, netnsPath: netnsPath,
                mac: AddressAllocator.macAddress(for: result.privateIPv4Address), address: result.privateIPv4Address,
                prefixLength: cidr.prefixLength, gateway: gateway)
            try nft.run(
                ruleset.attachScript(
                    try firewall(stored),
                    bridge: BridgeFirewall(name: subnet.bridge, subnet: cidr)))
        } catch {
            logger.error(
                "network attach failed; undoing", metadata: ["task": "\(taskID)", "error": "\(error)"])
            _ = try? links.host.deleteLink(named: stored.hostLink)
            _ = try? store.releaseNetworkAttachment(taskID: taskID)
            try? rebuildFirewallLocked()
            throw error
        }
        logger.info(
            "network attached",
            metadata: [
                "task": "\(taskID)", "ip": "\(result.privateIPv4Address)", "subnet": "\(subnet.id)",
                "link": "\(stored.hostLink)",
            ])
        return result
    }

    /// Removes the task's rules, veth and lease. Safe to call twice, and after the namespace is gone.
    public func detach(taskID: String) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let stored = try Self.mapStore({ try store.networkAttachment(taskID: taskID) }) else { return }
        do {
            try nft.run(ruleset.detachScript(try firewall(stored)))
        } catch {
            // The table no longer matches the store (an operator's `nft flush`, a crash mid-way): rebuild it
            // from the store without this task, in one transaction.
            logger.warning(
                "nft detach failed, rebuilding the table", metadata: ["task": "\(taskID)", "error": "\(error)"])
            _ = try Self.mapStore { try store.releaseNetworkAttachment(taskID: taskID) }
            try rebuildFirewallLocked()
        }
        try links.host.deleteLink(named: stored.hostLink)
        _ = try Self.mapStore { try store.releaseNetworkAttachment(taskID: taskID) }
        logger.info("network detached", metadata: ["task": "\(taskID)"])
    }

    /// After a berthd restart (or SIGKILL): releases the leases and ports of tasks not in `keep`, deletes every
    /// veth on this instance's bridges that no kept task owns, and rebuilds `inet <table>` from the store in one
    /// transaction. Bridges stay (they carry no task state).
    @discardableResult
    public func reconcile(keep: Set<String>) throws -> ReconcileReport {
        lock.lock()
        defer { lock.unlock() }
        var report = ReconcileReport()
        for stored in try Self.mapStore({ try store.networkAttachments() }) where !keep.contains(stored.taskID) {
            _ = try links.host.deleteLink(named: stored.hostLink)
            _ = try Self.mapStore { try store.releaseNetworkAttachment(taskID: stored.taskID) }
            report.releasedTasks.append(stored.taskID)
        }
        // Only veths on this instance's bridges: another berthd's (on its own bridges) are none of its business.
        let owned = Set(try Self.mapStore { try store.networkAttachments() }.map(\.hostLink))
        let bridgeNames = Set(try Self.mapStore { try store.subnets() }.map(\.bridge))
        let all = try links.host.links()
        let bridges = Set(all.filter { bridgeNames.contains($0.name) }.map(\.index))
        for link in all
        where link.kind == "veth" && link.masterIndex.map(bridges.contains) == true && !owned.contains(link.name) {
            if try links.host.deleteLink(named: link.name) { report.deletedLinks.append(link.name) }
        }
        try rebuildFirewallLocked()
        if !report.releasedTasks.isEmpty || !report.deletedLinks.isEmpty {
            logger.info(
                "network reconciled",
                metadata: ["released": "\(report.releasedTasks)", "deletedLinks": "\(report.deletedLinks)"])
        }
        return report
    }

    /// The task's attachment, if it holds one.
    public func attachment(taskID: String) throws -> NetworkAttachment? {
        try Self.mapStore { try store.networkAttachment(taskID: taskID) }.map { try attachment($0) }
    }

    /// Removes `inet <table>` entirely (for tests and `berth daemon` teardown of an instance).
    public func removeFirewall() throws {
        try nft.run("table \(ruleset.family) {}\ndelete table \(ruleset.family)\n")
    }

    // MARK: - internals

    func rebuildFirewallLocked() throws {
        let attachments = try Self.mapStore { try store.networkAttachments() }
        let subnets = try Self.mapStore { try store.subnets() }
        let groups = try Self.mapStore { try store.securityGroups() }.map(\.id)
        try nft.run(
            ruleset.fullScript(
                bridges: subnets.compactMap { subnet in
                    IPv4CIDR(subnet.cidr).map {
                        BridgeFirewall(name: subnet.bridge, subnet: $0)
                    }
                }, tasks: try attachments.map { try firewall($0) }, groups: groups))
    }

    func firewall(_ stored: StoredNetworkAttachment) throws -> TaskFirewall {
        var ingress: [FirewallRule] = []
        var egress: [FirewallRule] = []
        for id in stored.securityGroups {
            guard let group = try Self.mapStore({ try store.securityGroup(id: id) }) else { continue }
            for rule in group.rules {
                let peer: FirewallRule.Peer =
                    if let peerGroup = rule.peerGroupID { .group(peerGroup) } else {
                        .cidr(IPv4CIDR(rule.cidr ?? "0.0.0.0/0") ?? IPv4CIDR("0.0.0.0/0")!)
                    }
                let converted = FirewallRule(
                    ipProtocol: rule.ipProtocol, fromPort: rule.fromPort, toPort: rule.toPort, peer: peer)
                if rule.direction == "egress" { egress.append(converted) } else { ingress.append(converted) }
            }
        }
        return TaskFirewall(
            taskID: stored.taskID, address: IPv4Address(stored.address), securityGroups: stored.securityGroups,
            ingress: ingress, egress: egress, publicEgress: stored.assignPublicIp,
            ports: stored.ports.map {
                PortBinding(ipProtocol: $0.ipProtocol, containerPort: $0.containerPort, hostPort: $0.hostPort)
            })
    }

    func attachment(_ stored: StoredNetworkAttachment) throws -> NetworkAttachment {
        guard let subnet = try Self.mapStore({ try store.subnet(id: stored.subnetID) }),
            let cidr = IPv4CIDR(subnet.cidr)
        else { throw NetworkError.notFound("subnet \(stored.subnetID) of task \(stored.taskID)") }
        return NetworkAttachment(
            taskID: stored.taskID, attachmentID: stored.attachmentID, networkInterfaceID: stored.eniID,
            subnetID: stored.subnetID, subnetCIDR: cidr, privateIPv4Address: IPv4Address(stored.address),
            macAddress: stored.mac, gateway: AddressAllocator.gateway(of: cidr), prefixLength: cidr.prefixLength,
            securityGroups: stored.securityGroups, assignPublicIp: stored.assignPublicIp, hostLink: stored.hostLink,
            bindings: stored.ports.map {
                PortBinding(ipProtocol: $0.ipProtocol, containerPort: $0.containerPort, hostPort: $0.hostPort)
            })
    }

    func hostLinkName(taskID: String) -> String {
        let id = taskID.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.lowercased()
        return String((configuration.vethPrefix + id).prefix(15))
    }

    private func validate(_ ports: [PortBinding]) throws {
        var seen = Set<String>()
        for port in ports {
            guard port.ipProtocol == "tcp" || port.ipProtocol == "udp" else {
                throw NetworkError.invalidParameter("port mapping protocol must be tcp or udp, not \(port.ipProtocol)")
            }
            guard (1...65535).contains(port.hostPort), (1...65535).contains(port.containerPort) else {
                throw NetworkError.invalidParameter("port \(port.hostPort):\(port.containerPort) is out of range")
            }
            guard seen.insert("\(port.ipProtocol)/\(port.hostPort)").inserted else {
                throw NetworkError.invalidParameter("host port \(port.hostPort)/\(port.ipProtocol) is mapped twice")
            }
        }
    }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }

    static func mapStore<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as StoreError {
            switch error {
            case .notFound(let what): throw NetworkError.notFound(what)
            case .conflict(let what) where what.hasPrefix("host port"): throw NetworkError.hostPortInUse(what)
            case .conflict(let what) where what.contains("no free address"): throw NetworkError.exhausted(what)
            default: throw NetworkError.store(error.description)
            }
        }
    }
}
