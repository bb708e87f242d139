import Foundation
import Testing

@testable import VPCNetwork

@Suite struct NftablesRulesetTests {
    let ruleset = NftablesRuleset(table: "berth", vpc: IPv4CIDR("10.88.0.0/16")!)

    func task(isPublic: Bool = false) -> TaskFirewall {
        TaskFirewall(
            taskID: "abc123", address: IPv4Address("10.88.0.4")!, securityGroups: ["sg-web"],
            ingress: [
                FirewallRule(ipProtocol: "tcp", fromPort: 80, toPort: 80, peer: .cidr(IPv4CIDR("0.0.0.0/0")!)),
                FirewallRule(ipProtocol: "udp", fromPort: 5000, toPort: 5010, peer: .group("sg-client")),
            ],
            egress: [FirewallRule(ipProtocol: "-1", fromPort: -1, toPort: -1, peer: .cidr(IPv4CIDR("0.0.0.0/0")!))],
            publicEgress: isPublic, ports: [PortBinding(containerPort: 80, hostPort: 8080)])
    }

    @Test func attachRendersChainsElementsAndDNAT() {
        let script = ruleset.attachScript(
            task(), bridge: BridgeFirewall(name: "berth0", subnet: IPv4CIDR("10.88.0.0/24")!))
        let lines = script.split(separator: "\n").map(String.init)
        #expect(lines.contains("add element inet berth bridges { \"berth0\" }"))
        #expect(lines.contains("add element inet berth loopback_sources { \"berth0\" : 10.88.0.3 }"))
        #expect(lines.contains("add element inet berth gateway_sources { 10.88.0.1 : 10.88.0.2 }"))
        #expect(lines.contains("add set inet berth sg-client { type ipv4_addr; }"))
        #expect(lines.contains("add rule inet berth task-abc123-in meta l4proto tcp th dport 80 accept"))
        #expect(
            lines.contains(
                "add rule inet berth task-abc123-in ip saddr @sg-client meta l4proto udp th dport 5000-5010 accept"))
        #expect(lines.contains("add rule inet berth task-abc123-in drop"))
        #expect(lines.contains("add rule inet berth task-abc123-out ip daddr != 10.88.0.0/16 drop"))
        #expect(lines.contains("add rule inet berth task-abc123-out return"))
        #expect(
            lines.contains(
                "add rule inet berth task-abc123-dnat meta l4proto tcp th dport 8080 dnat ip to 10.88.0.4:80"))
        #expect(lines.contains("add element inet berth sg-web { 10.88.0.4 }"))
        #expect(lines.contains("add element inet berth publish { tcp . 8080 : jump task-abc123-dnat }"))
        #expect(!lines.contains("add element inet berth public { 10.88.0.4 }"))
        // The chains exist before the map elements that jump to them.
        #expect(
            lines.firstIndex(of: "add chain inet berth task-abc123-in")! < lines.firstIndex {
                $0.contains("ingress {")
            }!)
    }

    @Test func publicTasksAreMasqueradedNotConfined() {
        let script = ruleset.attachScript(task(isPublic: true), bridge: nil)
        #expect(script.contains("add element inet berth public { 10.88.0.4 }"))
        #expect(!script.contains("ip daddr != 10.88.0.0/16 drop"))
        #expect(!script.contains("bridges"))
    }

    @Test func detachRemovesEverythingAttachAdded() {
        let script = ruleset.detachScript(task(isPublic: true))
        for expected in [
            "delete element inet berth publish { tcp . 8080 }", "delete element inet berth ingress { 10.88.0.4 }",
            "delete element inet berth egress { 10.88.0.4 }", "delete element inet berth tasks { 10.88.0.4 }",
            "delete element inet berth public { 10.88.0.4 }", "delete element inet berth sg-web { 10.88.0.4 }",
            "delete chain inet berth task-abc123-in", "delete chain inet berth task-abc123-out",
            "delete chain inet berth task-abc123-dnat",
        ] {
            #expect(script.contains(expected + "\n"), "\(expected)")
        }
        // Elements go before the chains they jump to.
        #expect(script.range(of: "publish")!.lowerBound < script.range(of: "delete chain")!.lowerBound)
    }

    @Test func fullScriptReplacesTheTableAtomically() {
        let script = ruleset.fullScript(
            bridges: [
                BridgeFirewall(name: "berth0", subnet: IPv4CIDR("10.88.0.0/24")!),
                BridgeFirewall(name: "berth1", subnet: IPv4CIDR("10.88.1.0/24")!),
            ], tasks: [task()], groups: ["sg-empty"])
        #expect(script.hasPrefix("table inet berth {}\ndelete table inet berth\ntable inet berth {\n"))
        #expect(script.contains("set bridges { type ifname; elements = { \"berth0\", \"berth1\" }; }"))
        #expect(script.contains("add set inet berth sg-empty { type ipv4_addr; }"))
        #expect(
            script.contains(
                "map loopback_sources { type ifname : ipv4_addr; elements = { \"berth0\" : 10.88.0.3, \"berth1\" : 10.88.1.3 }; }"
            ))
        #expect(script.contains("oifname @bridges ip saddr 127.0.0.0/8 snat ip to oifname map @loopback_sources"))
        #expect(script.contains("oifname @bridges ct status dnat snat ip to ip saddr map @gateway_sources"))
        #expect(
            script.contains(
                "map gateway_sources { type ipv4_addr : ipv4_addr; elements = { 10.88.0.1 : 10.88.0.2, 10.88.1.1 : 10.88.1.2 }; }"
            ))
        #expect(script.contains("add chain inet berth task-abc123-in"))
    }

    /// The input chain, rule by rule, for each way a berthd can be configured: tasks reach the host only
    /// where berth serves them, unless host access is opted in.
    @Test(arguments: [
        (
            NftablesRuleset(table: "berth", vpc: IPv4CIDR("10.88.0.0/16")!), [String](),
            ["ip saddr vmap @egress", "th dport 53"]
        ),
        (
            NftablesRuleset(
                table: "berth-dev", vpc: IPv4CIDR("10.89.0.0/16")!,
                metadata: MetadataEndpoint(address: IPv4Address("169.254.170.2")!, port: 51679),
                nameservers: [IPv4Address("192.168.5.1")!, IPv4Address("10.0.2.3")!]),
            ["ip daddr { 192.168.5.1, 10.0.2.3 } meta l4proto { tcp, udp } th dport 53 accept"],
            ["ip saddr vmap @egress", "tcp dport 80 accept"]
        ),
        (
            NftablesRuleset(table: "berth", vpc: IPv4CIDR("10.88.0.0/16")!, hostAccess: true),
            ["meta nfproto ipv4 ip saddr vmap @egress", "meta nfproto ipv4 accept"], ["th dport 53"]
        ),
    ])
    func tasksReachTheHostOnlyWhereBerthServesThem(
        ruleset: NftablesRuleset, present: [String], absent: [String]
    ) throws {
        let script = ruleset.fullScript(bridges: [], tasks: [], groups: [])
        let lines = script.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let start = try #require(lines.firstIndex(of: "chain input {"))
        let end = try #require(lines[start...].firstIndex(of: "}"))
        let chain = Array(lines[(start + 1)..<end])
        #expect(chain.first == "type filter hook input priority filter; policy accept;")
        // Only traffic from the bridges is judged, replies to the host's own connections pass first.
        #expect(chain[1] == "iifname != @bridges accept")
        #expect(chain[2] == "ct state established,related accept")
        #expect(chain.contains("meta nfproto ipv4 ip saddr != @tasks drop"))
        #expect(chain.contains("ip daddr \(ruleset.metadata.address) tcp dport \(ruleset.metadata.port) accept"))
        for rule in present { #expect(chain.contains(rule), "\(rule)") }
        for fragment in absent { #expect(!chain.contains { $0.contains(fragment) }, "\(fragment)") }
        // Everything else from a task to the host is refused, IPv6 included (no nfproto on the last rule).
        #expect(chain.last == "reject with icmpx admin-prohibited")
    }

    /// Port mappings never capture the address tasks reach the metadata endpoint at; an endpoint on loopback
    /// (which no task reaches) must not keep 127.0.0.1:hostPort from answering.
    @Test(arguments: [
        (MetadataEndpoint.ecsDefault, "ip daddr != 169.254.170.2 meta l4proto { tcp, udp }"),
        (
            MetadataEndpoint(address: IPv4Address("169.254.170.2")!, port: 51679),
            "ip daddr != 169.254.170.2 meta l4proto { tcp, udp }"
        ),
        (
            MetadataEndpoint(address: IPv4Address("127.0.0.1")!, port: 41000),
            "meta nfproto ipv4 meta l4proto { tcp, udp }"
        ),
    ])
    func portMappingsNeverCaptureTheTaskFacingMetadataAddress(metadata: MetadataEndpoint, expected: String) {
        let script = NftablesRuleset(table: "berth", vpc: IPv4CIDR("10.88.0.0/16")!, metadata: metadata)
            .fullScript(bridges: [], tasks: [], groups: [])
        let dnat = script.split(separator: "\n").filter { $0.contains("vmap @publish") }
        #expect(dnat.count == 2)
        for rule in dnat { #expect(rule.contains(expected), "\(rule)") }
        #expect(!script.contains("ip daddr != 127.0.0.1"))
    }

    @Test(arguments: [
        ("169.254.170.2:80", MetadataEndpoint.ecsDefault as MetadataEndpoint?),
        ("169.254.170.2:51679", MetadataEndpoint(address: IPv4Address("169.254.170.2")!, port: 51679)),
        ("127.0.0.1:41000", MetadataEndpoint(address: IPv4Address("127.0.0.1")!, port: 41000)),
        ("127.0.0.1:0", nil),
        ("169.254.170.2", nil), ("localhost:80", nil), ("169.254.170.2:70000", nil), (":80", nil),
    ])
    func metadataEndpointParsesAddressAndPort(text: String, expected: MetadataEndpoint?) {
        #expect((try? MetadataEndpoint(parsing: text)) == expected)
    }

    @Test func metadataEndpointURLsAndLoopback() {
        #expect(MetadataEndpoint.ecsDefault.baseURL == "http://169.254.170.2")
        #expect(MetadataEndpoint.ecsDefault.isLoopback == false)
        let test = MetadataEndpoint(address: IPv4Address("127.0.0.1")!, port: 41000)
        #expect(test.isLoopback)
        #expect(test.baseURL == "http://127.0.0.1:41000")
    }

    @Test func ruleMatchesRenderEveryProtocolForm() {
        let any = IPv4CIDR("0.0.0.0/0")!
        #expect(
            ruleset.match(
                FirewallRule(ipProtocol: "-1", fromPort: -1, toPort: -1, peer: .cidr(any)), peerField: "saddr") == "")
        #expect(
            ruleset.match(
                FirewallRule(ipProtocol: "icmp", fromPort: 8, toPort: -1, peer: .cidr(IPv4CIDR("10.0.0.0/8")!)),
                peerField: "saddr") == "ip saddr 10.0.0.0/8 meta l4proto icmp icmp type 8")
        #expect(
            ruleset.match(
                FirewallRule(ipProtocol: "tcp", fromPort: 0, toPort: 65535, peer: .cidr(any)), peerField: "daddr")
                == "meta l4proto tcp")
        #expect(NftablesRuleset.identifier("a-b.c") == "a_b_c")
    }
}

@Suite struct HostNameserversTests {
    @Test(arguments: [
        ("nameserver 10.0.2.3\n", ["10.0.2.3"]),
        ("# systemd-resolved\nnameserver 127.0.0.53\noptions edns0\n", []),
        (
            "nameserver\t192.168.1.1\nnameserver ::1\nnameserver 192.168.1.1\nnameserver 1.1.1.1 # x\n",
            ["192.168.1.1", "1.1.1.1"]
        ),
        ("search example.com\n", []),
    ])
    func nonLoopbackIPv4NameserversOnly(text: String, expected: [String]) {
        #expect(HostNameservers.parse(resolvConf: text).map(\.description) == expected)
    }
}
