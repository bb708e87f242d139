/// Renders berth's nftables scripts. Pure text, unit-tested; `Nftables` runs each script as one transaction.
///
/// One table, `inet <table>`:
/// - sets `bridges` (berth's bridge names), `tasks` and `public` (task addresses; public = ENABLED), one set
///   `sg-…` per security group holding its members' addresses (so "source group" rules follow membership
///   without rewriting anyone's rules);
/// - verdict maps from a task address to its chains (`ingress`, `egress`) and from protocol . hostPort to
///   the publishing task's DNAT chain (`publish`);
/// - per task, chains `task-<id>-in`, `task-<id>-out`, `task-<id>-dnat`: everything of a task is named after
///   it, so detaching (or reconciling after a crash) removes exactly its chains and map elements.
///
/// Tasks' bridge ports are isolated (see `RouteRequests.isolatePort`), so task-to-task traffic is routed by
/// the host and always crosses `forward`. Security groups are stateful like EC2's: replies are accepted by
/// conntrack state before any rule.
public struct NftablesRuleset: Sendable {
    public var table: String
    public var vpc: IPv4CIDR
    /// The task metadata endpoint: its address is never captured by a port mapping, and it is the one host
    /// service tasks reach without `hostAccess`.
    public var metadata: MetadataEndpoint
    /// Tasks may reach every service on the host (subject to their egress rules).
    public var hostAccess: Bool
    /// The host's resolvers given to tasks: DNS to them is let through even when they are the host's own.
    public var nameservers: [IPv4Address]

    public init(
        table: String, vpc: IPv4CIDR, metadata: MetadataEndpoint = .ecsDefault, hostAccess: Bool = false,
        nameservers: [IPv4Address] = []
    ) {
        self.table = table
        self.vpc = vpc
        self.metadata = metadata
        self.hostAccess = hostAccess
        self.nameservers = nameservers
    }

    public init(_ configuration: NetworkConfiguration) {
        self.init(
            table: configuration.table, vpc: configuration.vpcCIDR, metadata: configuration.metadata,
            hostAccess: configuration.hostAccess, nameservers: configuration.nameservers)
    }

    /// Port mappings never capture the address tasks reach the metadata endpoint at.
    var metadataExclusion: String { metadata.taskFacingAddress.map { "ip daddr != \($0) " } ?? "" }

    var family: String { "inet \(table)" }

    /// The whole table: replaces whatever `inet <table>` holds (atomically: the old table is deleted and the
    /// new one created in the same transaction), then attaches every task in `tasks`.
    public func fullScript(bridges: [BridgeFirewall], tasks: [TaskFirewall], groups: [String]) -> String {
        var lines = ["table \(family) {}", "delete table \(family)", "table \(family) {"]
        let bridgeElements =
            bridges.isEmpty ? "" : " elements = { \(bridges.map { "\"\($0.name)\"" }.joined(separator: ", ")) };"
        let sourceElements =
            bridges.isEmpty
            ? "" : " elements = { \(bridges.map { "\"\($0.name)\" : \($0.loopbackSource)" }.joined(separator: ", ")) };"
        let gatewayElements =
            bridges.isEmpty
            ? "" : " elements = { \(bridges.map { "\($0.gateway) : \($0.gatewaySource)" }.joined(separator: ", ")) };"
        lines +=
            [
                "  set bridges { type ifname;\(bridgeElements) }",
                "  map loopback_sources { type ifname : ipv4_addr;\(sourceElements) }",
                "  map gateway_sources { type ipv4_addr : ipv4_addr;\(gatewayElements) }",
                "  set tasks { type ipv4_addr; }",
                "  set public { type ipv4_addr; }",
                "  map ingress { type ipv4_addr : verdict; }",
                "  map egress { type ipv4_addr : verdict; }",
                "  map publish { type inet_proto . inet_service : verdict; }",
                // hostPort on every local address (127.0.0.1 and the host's own) -> the task's DNAT chain; never
                // the metadata endpoint's address, which tasks reach on its port whatever is published.
                "  chain prerouting {",
                "    type nat hook prerouting priority dstnat; policy accept;",
                "    fib daddr type local meta nfproto ipv4 \(metadataExclusion)meta l4proto { tcp, udp } meta l4proto . th dport vmap @publish",
                "  }",
                "  chain nat-output {",
                "    type nat hook output priority -100; policy accept;",
                "    fib daddr type local meta nfproto ipv4 \(metadataExclusion)meta l4proto { tcp, udp } meta l4proto . th dport vmap @publish",
                "  }",
                "  chain postrouting {",
                "    type nat hook postrouting priority srcnat; policy accept;",
                // 127.0.0.1 may leave through a bridge (route_localnet) but the task must answer somewhere it can
                // route: the bridge's .3, not its gateway .1 (see AddressAllocator.loopbackSource).
                "    oifname @bridges ip saddr 127.0.0.0/8 snat ip to oifname map @loopback_sources",
                // And the host's connections to a published port on a gateway address come from .2.
                "    oifname @bridges ct status dnat snat ip to ip saddr map @gateway_sources",
                "    oifname != @bridges ip saddr @public ip daddr != \(vpc) masquerade",
                "  }",
                "  chain forward {",
                "    type filter hook forward priority filter; policy accept;",
                "    ct state established,related accept",
                "    ct state invalid drop",
                "    iifname @bridges ip saddr != @tasks drop",
                "    ip saddr vmap @egress",
                "    ip daddr vmap @ingress",
                "    oifname @bridges drop",
                "  }",
                "  chain input {",
                "    type filter hook input priority filter; policy accept;",
            ] + inputRules + [
                "  }",
                "  chain output {",
                "    type filter hook output priority filter; policy accept;",
                "    ct state established,related accept",
                // all.send_redirects overrides the bridge's 0; a redirect would take the host off the path.
                "    oifname @bridges icmp type redirect drop",
                // Not `oifname @bridges`: a packet to 127.0.0.1:hostPort is DNATed to the task in nat-output and
                // rerouted, but the hook still reports the route it had before (lo). The address map is exact.
                "    ip daddr vmap @ingress",
                "  }",
                "}",
            ]
        var script = lines.joined(separator: "\n") + "\n"
        for group in Set(groups + tasks.flatMap(referencedGroups)).sorted() {
            script += "add set \(family) \(setName(group)) { type ipv4_addr; }\n"
        }
        for task in tasks { script += attachScript(task, bridge: nil) }
        return script
    }

    /// What tasks may send to the host's own addresses (the gateways, .2 and .3, the metadata address, every
    /// other address of the host's): on Fargate a task has no host to reach, so by default only replies to
    /// the host's own connections, the metadata endpoint and DNS to the task's resolvers get through. The
    /// rest is rejected as administratively prohibited (the client fails at once, and can tell a firewall
    /// from a closed port). IPv6 too: the bridges' link-local addresses would otherwise reach services bound
    /// to [::].
    var inputRules: [String] {
        var rules = [
            "    iifname != @bridges accept",
            "    ct state established,related accept",
            "    ct state invalid drop",
            "    meta nfproto ipv4 ip saddr != @tasks drop",
            "    ip daddr \(metadata.address) tcp dport \(metadata.port) accept",
        ]
        if !nameservers.isEmpty {
            let servers = nameservers.map(\.description).joined(separator: ", ")
            rules.append("    ip daddr { \(servers) } meta l4proto { tcp, udp } th dport 53 accept")
        }
        if hostAccess {
            // Opted in: the task's egress rules decide, as for any other destination.
            rules.append("    meta nfproto ipv4 ip saddr vmap @egress")
            rules.append("    meta nfproto ipv4 accept")
        }
        rules.append("    reject with icmpx admin-prohibited")
        return rules
    }

    /// One task's chains, map elements and set memberships (and its bridge in `bridges`, if given).
    public func attachScript(_ task: TaskFirewall, bridge: BridgeFirewall?) -> String {
        var lines: [String] = []
        if let bridge {
            lines.append("add element \(family) bridges { \"\(bridge.name)\" }")
            lines.append("add element \(family) loopback_sources { \"\(bridge.name)\" : \(bridge.loopbackSource) }")
            lines.append("add element \(family) gateway_sources { \(bridge.gateway) : \(bridge.gatewaySource) }")
        }
        for group in Set(task.securityGroups + referencedGroups(task)).sorted() {
            lines.append("add set \(family) \(setName(group)) { type ipv4_addr; }")
        }
        lines += filterChains(task)
        let dnat = chain(task, "dnat")
        lines += ["add chain \(family) \(dnat)", "flush chain \(family) \(dnat)"]
        for port in task.ports {
            lines.append(
                "add rule \(family) \(dnat) meta l4proto \(port.ipProtocol) th dport \(port.hostPort) "
                    + "dnat ip to \(task.address):\(port.containerPort)")
        }
        let address = task.address
        lines.append("add element \(family) tasks { \(address) }")
        if task.publicEgress { lines.append("add element \(family) public { \(address) }") }
        for group in task.securityGroups { lines.append("add element \(family) \(setName(group)) { \(address) }") }
        lines.append("add element \(family) ingress { \(address) : jump \(chain(task, "in")) }")
        lines.append("add element \(family) egress { \(address) : jump \(chain(task, "out")) }")
        for port in task.ports {
            lines.append("add element \(family) publish { \(port.ipProtocol) . \(port.hostPort) : jump \(dnat) }")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Removes everything `attachScript` added for the task (its bridge stays in `bridges`).
    public func detachScript(_ task: TaskFirewall) -> String {
        let address = task.address
        var lines: [String] = []
        for port in task.ports {
            lines.append("delete element \(family) publish { \(port.ipProtocol) . \(port.hostPort) }")
        }
        lines.append("delete element \(family) ingress { \(address) }")
        lines.append("delete element \(family) egress { \(address) }")
        lines.append("delete element \(family) tasks { \(address) }")
        if task.publicEgress { lines.append("delete element \(family) public { \(address) }") }
        for group in task.securityGroups { lines.append("delete element \(family) \(setName(group)) { \(address) }") }
        for suffix in ["in", "out", "dnat"] { lines.append("delete chain \(family) \(chain(task, suffix))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Rewrites the filter chains of tasks whose groups' rules changed (authorize/revoke), in one transaction.
    public func refreshScript(_ tasks: [TaskFirewall]) -> String {
        var lines: [String] = []
        for group in Set(tasks.flatMap(referencedGroups)).sorted() {
            lines.append("add set \(family) \(setName(group)) { type ipv4_addr; }")
        }
        for task in tasks { lines += filterChains(task) }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    // task-<id>-in accepts what some ingress rule allows; task-<id>-out returns (so the destination's
    // ingress is checked next) what some egress rule allows; both drop the rest.
    private func filterChains(_ task: TaskFirewall) -> [String] {
        let input = chain(task, "in")
        let output = chain(task, "out")
        var lines = [
            "add chain \(family) \(input)", "flush chain \(family) \(input)",
            "add chain \(family) \(output)", "flush chain \(family) \(output)",
        ]
        for rule in task.ingress {
            lines.append(ruleLine(input, match(rule, peerField: "saddr"), "accept"))
        }
        lines.append("add rule \(family) \(input) drop")
        if !task.publicEgress {
            // assignPublicIp DISABLED: nothing leaves the VPC, whatever the egress rules say.
            lines.append("add rule \(family) \(output) ip daddr != \(vpc) drop")
        }
        for rule in task.egress {
            lines.append(ruleLine(output, match(rule, peerField: "daddr"), "return"))
        }
        lines.append("add rule \(family) \(output) drop")
        return lines
    }

    private func ruleLine(_ chain: String, _ match: String, _ verdict: String) -> String {
        "add rule \(family) \(chain) " + (match.isEmpty ? verdict : match + " " + verdict)
    }

    func match(_ rule: FirewallRule, peerField: String) -> String {
        var parts: [String] = []
        switch rule.peer {
        case .group(let group): parts.append("ip \(peerField) @\(setName(group))")
        case .cidr(let cidr) where cidr.prefixLength > 0: parts.append("ip \(peerField) \(cidr)")
        case .cidr: break
        }
        switch rule.ipProtocol {
        case "tcp", "udp":
            parts.append("meta l4proto \(rule.ipProtocol)")
            if rule.fromPort > 0 || (rule.toPort >= 0 && rule.toPort < 65535) {
                let from = max(rule.fromPort, 0)
                let to = rule.toPort < 0 ? 65535 : rule.toPort
                parts.append(from == to ? "th dport \(from)" : "th dport \(from)-\(to)")
            }
        case "icmp":
            parts.append("meta l4proto icmp")
            if rule.fromPort >= 0 { parts.append("icmp type \(rule.fromPort)") }
            if rule.fromPort >= 0 && rule.toPort >= 0 { parts.append("icmp code \(rule.toPort)") }
        case "-1": break
        default: parts.append("meta l4proto \(rule.ipProtocol)")
        }
        return parts.joined(separator: " ")
    }

    private func referencedGroups(_ task: TaskFirewall) -> [String] {
        (task.ingress + task.egress).compactMap {
            if case .group(let id) = $0.peer { id } else { nil }
        }
    }

    func setName(_ group: String) -> String {
        "sg-" + Self.identifier(group.hasPrefix("sg-") ? String(group.dropFirst(3)) : group)
    }

    func chain(_ task: TaskFirewall, _ suffix: String) -> String { Self.chainName(taskID: task.taskID, suffix) }

    static func chainName(taskID: String, _ suffix: String) -> String { "task-\(identifier(taskID))-\(suffix)" }

    /// Letters, digits and underscores only: safe inside an nft identifier whatever an ID contains.
    static func identifier(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
    }
}

/// A subnet's bridge as the firewall sees it: its name, and the addresses the host's own connections to a
/// published port are SNATed to on their way to a task behind it (.3 from 127.0.0.1, .2 from the gateway).
public struct BridgeFirewall: Sendable, Equatable {
    public var name: String
    public var loopbackSource: IPv4Address
    public var gateway: IPv4Address
    public var gatewaySource: IPv4Address

    public init(name: String, subnet: IPv4CIDR) {
        self.name = name
        loopbackSource = AddressAllocator.loopbackSource(of: subnet)
        gateway = AddressAllocator.gateway(of: subnet)
        gatewaySource = AddressAllocator.gatewaySource(of: subnet)
    }
}
