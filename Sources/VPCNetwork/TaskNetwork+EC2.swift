import Foundation
import Store

/// The EC2 verbs berth mirrors: create/describe subnets and security groups, authorize/revoke rules.
/// A rule change rewrites the filter chains of every task in the group, in one nft transaction.
extension TaskNetwork {
    /// CreateSubnet. `cidr` nil: the next free /`subnetPrefixLength` of the VPC. `id` nil: a new subnet-….
    public func createSubnet(id: String? = nil, cidr: String? = nil) throws -> Subnet {
        lock.lock()
        defer { lock.unlock() }
        return try createSubnetLocked(id: id ?? "subnet-" + Self.randomHex(17), cidr: cidr, autoCreated: false)
    }

    public func describeSubnets(ids: [String] = []) throws -> [Subnet] {
        let all = try Self.mapStore { try store.subnets() }
        for id in ids where !all.contains(where: { $0.id == id }) {
            throw NetworkError.notFound("The subnet ID '\(id)' does not exist")
        }
        let held = try Self.mapStore { try store.networkAttachments() }
        return all.filter { ids.isEmpty || ids.contains($0.id) }.map { subnet in
            let cidr = IPv4CIDR(subnet.cidr)!
            let total = AddressAllocator.leasable(in: cidr).map { Int($0.upperBound - $0.lowerBound + 1) } ?? 0
            return Subnet(
                id: subnet.id, vpcID: subnet.vpcID, cidr: cidr, bridge: subnet.bridge,
                availableIpAddressCount: total - held.filter { $0.subnetID == subnet.id }.count,
                autoCreated: subnet.autoCreated)
        }
    }

    /// CreateSecurityGroup: no ingress, all egress (EC2's defaults for a new group).
    public func createSecurityGroup(name: String, description: String, id: String? = nil) throws -> SecurityGroup {
        lock.lock()
        defer { lock.unlock() }
        let id = id ?? "sg-" + Self.randomHex(17)
        try insertGroupLocked(id: id, name: name, description: description, ingress: [], autoCreated: false)
        return try describeSecurityGroups(ids: [id])[0]
    }

    public func describeSecurityGroups(ids: [String] = []) throws -> [SecurityGroup] {
        let all = try Self.mapStore { try store.securityGroups() }
        for id in ids where !all.contains(where: { $0.id == id }) {
            throw NetworkError.notFound("The security group '\(id)' does not exist")
        }
        return all.filter { ids.isEmpty || ids.contains($0.id) }.map(Self.securityGroup)
    }

    public func authorizeIngress(groupID: String, permissions: [IpPermission]) throws -> [SecurityGroupRule] {
        try authorize(groupID: groupID, direction: "ingress", permissions: permissions)
    }

    public func authorizeEgress(groupID: String, permissions: [IpPermission]) throws -> [SecurityGroupRule] {
        try authorize(groupID: groupID, direction: "egress", permissions: permissions)
    }

    /// RevokeSecurityGroupIngress: removes the rules matching `permissions` (protocol, ports and peer).
    public func revokeIngress(groupID: String, permissions: [IpPermission]) throws {
        try revoke(groupID: groupID, direction: "ingress", permissions: permissions)
    }

    public func revokeEgress(groupID: String, permissions: [IpPermission]) throws {
        try revoke(groupID: groupID, direction: "egress", permissions: permissions)
    }

    /// Revoke…(--security-group-rule-ids).
    public func revokeRules(groupID: String, ruleIDs: [String]) throws {
        lock.lock()
        defer { lock.unlock() }
        _ = try Self.mapStore { try store.removeSecurityGroupRules(ids: ruleIDs, groupID: groupID) }
        try refreshGroupLocked(groupID)
    }

    // MARK: - internals

    private func authorize(groupID: String, direction: String, permissions: [IpPermission]) throws
        -> [SecurityGroupRule]
    {
        lock.lock()
        defer { lock.unlock() }
        let rules = try permissions.flatMap { try storedRules(groupID: groupID, direction: direction, $0) }
        let existing = try Self.mapStore { try store.securityGroup(id: groupID) }
        guard let existing else { throw NetworkError.notFound("The security group '\(groupID)' does not exist") }
        for rule in rules where existing.rules.contains(where: { Self.sameRule($0, rule) }) {
            throw NetworkError.invalidParameter(
                "the specified rule \"peer: \(rule.cidr ?? rule.peerGroupID ?? ""), \(rule.ipProtocol), "
                    + "from port: \(rule.fromPort), to port: \(rule.toPort)\" already exists")
        }
        _ = try Self.mapStore { try store.addSecurityGroupRules(rules, groupID: groupID) }
        try refreshGroupLocked(groupID)
        return rules.map(Self.securityGroupRule)
    }

    private func revoke(groupID: String, direction: String, permissions: [IpPermission]) throws {
        lock.lock()
        defer { lock.unlock() }
        guard let group = try Self.mapStore({ try store.securityGroup(id: groupID) }) else {
            throw NetworkError.notFound("The security group '\(groupID)' does not exist")
        }
        let wanted = try permissions.flatMap { try storedRules(groupID: groupID, direction: direction, $0) }
        let ids = group.rules.filter { rule in wanted.contains { Self.sameRule($0, rule) } }.map(\.id)
        guard !ids.isEmpty else {
            throw NetworkError.invalidParameter("the specified rule does not exist in this security group")
        }
        _ = try Self.mapStore { try store.removeSecurityGroupRules(ids: ids, groupID: groupID) }
        try refreshGroupLocked(groupID)
    }

    /// Rewrites the chains of the group's member tasks in one transaction.
    func refreshGroupLocked(_ groupID: String) throws {
        let members = try Self.mapStore { try store.networkAttachments() }.filter {
            $0.securityGroups.contains(groupID)
        }
        let script = ruleset.refreshScript(try members.map { try firewall($0) })
        if !script.isEmpty { try nft.run(script) }
    }

    private func storedRules(groupID: String, direction: String, _ permission: IpPermission) throws
        -> [StoredSecurityGroupRule]
    {
        guard let ipProtocol = IpPermission.normalizedProtocol(permission.ipProtocol) else {
            throw NetworkError.invalidParameter("invalid protocol \(permission.ipProtocol): use tcp, udp, icmp or -1")
        }
        var from = permission.fromPort
        var to = permission.toPort
        if ipProtocol == "-1" {
            (from, to) = (-1, -1)
        } else if ipProtocol != "icmp" {
            guard (0...65535).contains(from), (from...65535).contains(to) else {
                throw NetworkError.invalidParameter("invalid port range \(from)-\(to)")
            }
        }
        for cidr in permission.cidrs where IPv4CIDR(cidr) == nil {
            throw NetworkError.invalidParameter("invalid CIDR \(cidr)")
        }
        let peers: [(String?, String?)] =
            permission.cidrs.map { (IPv4CIDR($0)!.description, nil) }
            + permission.groupIDs.map { (nil, $0) }
        guard !peers.isEmpty else { throw NetworkError.invalidParameter("a rule needs a CIDR or a source group") }
        return peers.map { cidr, group in
            StoredSecurityGroupRule(
                id: "sgr-" + Self.randomHex(17), groupID: groupID, direction: direction, ipProtocol: ipProtocol,
                fromPort: from, toPort: to, cidr: cidr, peerGroupID: group, description: permission.description)
        }
    }

    static func sameRule(_ a: StoredSecurityGroupRule, _ b: StoredSecurityGroupRule) -> Bool {
        a.direction == b.direction && a.ipProtocol == b.ipProtocol && a.fromPort == b.fromPort && a.toPort == b.toPort
            && a.cidr == b.cidr && a.peerGroupID == b.peerGroupID
    }

    func ensureSubnetLocked(id: String) throws -> StoredSubnet {
        if let subnet = try Self.mapStore({ try store.subnet(id: id) }) { return subnet }
        let created = try createSubnetLocked(id: id, cidr: nil, autoCreated: true)
        logger.notice(
            "created unknown subnet on first use", metadata: ["subnet": "\(id)", "cidr": "\(created.cidr)"])
        return try Self.mapStore { try store.subnet(id: id) }!
    }

    /// An unknown group gets EC2's defaults (all egress) plus ingress on the task's mapped container ports
    /// from anywhere, so the seed's run-task with a made-up sg-… publishes what it maps.
    func ensureGroupLocked(id: String, openPorts: [PortBinding]) throws {
        if try Self.mapStore({ try store.securityGroup(id: id) }) != nil { return }
        let ingress = Set(openPorts.map { "\($0.ipProtocol)/\($0.containerPort)" }).sorted().map { key in
            let parts = key.split(separator: "/")
            return IpPermission(
                ipProtocol: String(parts[0]), fromPort: Int(parts[1])!, toPort: Int(parts[1])!, cidrs: ["0.0.0.0/0"])
        }
        try insertGroupLocked(
            id: id, name: id, description: "created by berth on first use", ingress: ingress, autoCreated: true)
        logger.notice(
            "created unknown security group on first use",
            metadata: ["group": "\(id)", "ingress": "\(ingress.map { "\($0.ipProtocol)/\($0.fromPort)" })"])
    }

    private func insertGroupLocked(
        id: String, name: String, description: String, ingress: [IpPermission], autoCreated: Bool
    ) throws {
        guard id.hasPrefix("sg-") else { throw NetworkError.invalidParameter("invalid security group id \(id)") }
        var rules = try ingress.flatMap { try storedRules(groupID: id, direction: "ingress", $0) }
        rules += try storedRules(groupID: id, direction: "egress", IpPermission(ipProtocol: "-1", cidrs: ["0.0.0.0/0"]))
        try Self.mapStore {
            try store.createSecurityGroup(
                StoredSecurityGroup(
                    id: id, vpcID: configuration.vpcID, name: name, description: description, autoCreated: autoCreated,
                    createdAt: Date(), rules: rules))
        }
        try nft.run("add set \(ruleset.family) \(ruleset.setName(id)) { type ipv4_addr; }\n")
    }

    private func createSubnetLocked(id: String, cidr: String?, autoCreated: Bool) throws -> Subnet {
        guard id.hasPrefix("subnet-") else { throw NetworkError.invalidParameter("invalid subnet id \(id)") }
        let existing = try Self.mapStore { try store.subnets() }
        let taken = existing.compactMap { IPv4CIDR($0.cidr) }
        let block: IPv4CIDR
        if let cidr {
            guard let parsed = IPv4CIDR(cidr), parsed.address == parsed.network else {
                throw NetworkError.invalidParameter("invalid CIDR block \(cidr)")
            }
            guard configuration.vpcCIDR.contains(parsed), parsed.prefixLength <= 28 else {
                throw NetworkError.invalidParameter("The CIDR '\(cidr)' is invalid for VPC \(configuration.vpcCIDR)")
            }
            guard !taken.contains(where: { $0.overlaps(parsed) }) else {
                throw NetworkError.invalidParameter("The CIDR '\(cidr)' conflicts with another subnet")
            }
            block = parsed
        } else {
            guard
                let next = AddressAllocator.nextSubnet(
                    in: configuration.vpcCIDR, prefixLength: configuration.subnetPrefixLength, taken: taken)
            else { throw NetworkError.exhausted("no free /\(configuration.subnetPrefixLength) left in the VPC") }
            block = next
        }
        let bridges = Set(existing.map(\.bridge))
        let bridge = (0...).lazy.map { "\(self.configuration.bridgePrefix)\($0)" }.first { !bridges.contains($0) }!
        try Self.mapStore {
            try store.createSubnet(
                StoredSubnet(
                    id: id, vpcID: configuration.vpcID, cidr: block.description, bridge: bridge,
                    autoCreated: autoCreated,
                    createdAt: Date()))
        }
        return try describeSubnets(ids: [id])[0]
    }

    static func securityGroup(_ stored: StoredSecurityGroup) -> SecurityGroup {
        let rules = stored.rules.map(securityGroupRule)
        return SecurityGroup(
            id: stored.id, vpcID: stored.vpcID, name: stored.name, description: stored.description,
            autoCreated: stored.autoCreated, ingress: rules.filter { !$0.isEgress }, egress: rules.filter(\.isEgress))
    }

    static func securityGroupRule(_ rule: StoredSecurityGroupRule) -> SecurityGroupRule {
        SecurityGroupRule(
            id: rule.id, groupID: rule.groupID, isEgress: rule.direction == "egress", ipProtocol: rule.ipProtocol,
            fromPort: rule.fromPort, toPort: rule.toPort, cidr: rule.cidr, peerGroupID: rule.peerGroupID,
            description: rule.description)
    }
}
