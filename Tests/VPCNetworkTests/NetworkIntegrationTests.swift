import Foundation
import Logging
import Testing

@testable import VPCNetwork

/// Root, real kernel: namespaces, veths, bridges and nft tables of their own (see `NetworkLab`), removed at
/// the end even when a check fails. Traffic goes only to loopback and to namespaces the tests create.
@Suite(.serialized, .enabled(if: isRoot, "needs root"))
struct NetworkIntegrationTests {
    @Test func publishedPortAnswersOnLoopbackAndPrivateIP() throws {
        let lab = try NetworkLab(octet: 211)
        defer { lab.close() }
        let netns = try lab.namespace("web")
        let hostPort = Int.random(in: 20000..<30000)
        let eni = try lab.network.attach(
            taskID: "web0000000000000001", netnsPath: netns, subnetID: "subnet-web", securityGroupIDs: ["sg-web"],
            assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        try lab.httpServer(in: netns)
        #expect(lab.vpc.contains(eni.privateIPv4Address))
        #expect(eni.networkInterfaceID.hasPrefix("eni-"))
        #expect(eni.macAddress == AddressAllocator.macString(AddressAllocator.macAddress(for: eni.privateIPv4Address)))
        #expect(lab.reachable("http://127.0.0.1:\(hostPort)/"))
        #expect(lab.reachable("http://\(eni.privateIPv4Address)/"))
        let inside = sh(["nsenter", "--net=\(netns)", "ip", "-br", "addr", "show", "eth0"]).output
        #expect(inside.contains("\(eni.privateIPv4Address)/24"))
        #expect(sh(["nsenter", "--net=\(netns)", "ip", "route"]).output.contains("default via \(eni.gateway)"))

        try lab.network.detach(taskID: "web0000000000000001")
        #expect(!lab.reachable("http://127.0.0.1:\(hostPort)/"))
        #expect(!lab.links().contains(eni.hostLink))
    }

    @Test func securityGroupsDecideWhichTasksConnect() throws {
        let lab = try NetworkLab(octet: 212)
        defer { lab.close() }
        let network = lab.network
        let server = try network.createSecurityGroup(name: "server", description: "web")
        let client = try network.createSecurityGroup(name: "client", description: "allowed")
        let other = try network.createSecurityGroup(name: "other", description: "not allowed")
        _ = try network.authorizeIngress(
            groupID: server.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, groupIDs: [client.id])])
        let subnet = try network.createSubnet(id: "subnet-sg")

        let serverNS = try lab.namespace("server")
        let clientNS = try lab.namespace("client")
        let otherNS = try lab.namespace("other")
        let serverENI = try network.attach(
            taskID: "server", netnsPath: serverNS, subnetID: subnet.id, securityGroupIDs: [server.id],
            assignPublicIp: false, portMappings: [])
        _ = try network.attach(
            taskID: "client", netnsPath: clientNS, subnetID: subnet.id, securityGroupIDs: [client.id],
            assignPublicIp: false, portMappings: [])
        _ = try network.attach(
            taskID: "other", netnsPath: otherNS, subnetID: subnet.id, securityGroupIDs: [other.id],
            assignPublicIp: false, portMappings: [])
        try lab.httpServer(in: serverNS)
        let url = "http://\(serverENI.privateIPv4Address)/"
        #expect(lab.reachable(url, from: clientNS))
        #expect(!lab.reachable(url, from: otherNS))
        // The host is not in the client group either.
        #expect(!lab.reachable(url))

        try network.revokeIngress(
            groupID: server.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, groupIDs: [client.id])])
        #expect(!lab.reachable(url, from: clientNS))

        _ = try network.authorizeIngress(
            groupID: server.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["0.0.0.0/0"])])
        #expect(lab.reachable(url, from: otherNS))
        #expect(lab.reachable(url))
    }

    /// A published port is a way into the task like its IP: the task's groups decide over both. The host's
    /// 127.0.0.1 counts as a source like any other (0.0.0.0/0 covers it; 10.0.0.0/8 does not).
    @Test func securityGroupsFilterConnectionsThroughAPublishedPort() throws {
        let lab = try NetworkLab(octet: 218)
        defer { lab.close() }
        let network = lab.network
        let group = try network.createSecurityGroup(name: "narrow", description: "allows 81 only")
        _ = try network.authorizeIngress(
            groupID: group.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 81, toPort: 81, cidrs: ["0.0.0.0/0"])])
        let netns = try lab.namespace("narrow")
        let hostPort = Int.random(in: 20000..<30000)
        let eni = try network.attach(
            taskID: "narrow", netnsPath: netns, subnetID: "subnet-narrow", securityGroupIDs: [group.id],
            assignPublicIp: false,
            portMappings: [
                PortBinding(containerPort: 80, hostPort: hostPort),
                PortBinding(containerPort: 81, hostPort: hostPort + 1),
            ])
        try lab.httpServer(in: netns, port: 80)
        try lab.httpServer(in: netns, port: 81)
        #expect(!lab.reachable("http://127.0.0.1:\(hostPort)/"), "port 80 is not in the group")
        #expect(!lab.reachable("http://\(eni.privateIPv4Address):80/"))
        #expect(lab.reachable("http://127.0.0.1:\(hostPort + 1)/"))
        #expect(lab.reachable("http://\(eni.privateIPv4Address):81/"))

        _ = try network.authorizeIngress(
            groupID: group.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["10.0.0.0/8"])])
        #expect(!lab.reachable("http://127.0.0.1:\(hostPort)/"), "127.0.0.1 is not in 10.0.0.0/8")
        _ = try network.authorizeIngress(
            groupID: group.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["0.0.0.0/0"])])
        #expect(lab.reachable("http://127.0.0.1:\(hostPort)/"))
        try network.revokeIngress(
            groupID: group.id,
            permissions: [IpPermission(ipProtocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["0.0.0.0/0"])])
        #expect(!lab.reachable("http://127.0.0.1:\(hostPort)/"), "revoked")
    }

    /// Two berthds on one machine: each reconciles, publishes and cleans up only its own objects, a hostPort
    /// published by one is refused to the other, and a VPC overlapping the other's is refused at start.
    @Test func twoInstancesOnOneMachineKeepToThemselves() throws {
        let first = try NetworkLab(octet: 219)
        defer { first.close() }
        let second = try NetworkLab(octet: 220)
        defer { second.close() }
        let hostPort = Int.random(in: 20000..<30000)
        let firstNS = try first.namespace("one")
        let secondNS = try second.namespace("two")
        let firstENI = try first.network.attach(
            taskID: "one", netnsPath: firstNS, subnetID: "subnet-one", securityGroupIDs: [], assignPublicIp: false,
            portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        let secondENI = try second.network.attach(
            taskID: "two", netnsPath: secondNS, subnetID: "subnet-two", securityGroupIDs: [], assignPublicIp: false,
            portMappings: [PortBinding(containerPort: 80, hostPort: hostPort + 1)])
        try first.httpServer(in: firstNS)
        try second.httpServer(in: secondNS)
        #expect(first.reachesAll(["http://127.0.0.1:\(hostPort)/", "http://\(firstENI.privateIPv4Address)/"]))
        #expect(second.reachesAll(["http://127.0.0.1:\(hostPort + 1)/", "http://\(secondENI.privateIPv4Address)/"]))

        let table = first.network.configuration.table
        let thirdNS = try second.namespace("three")
        #expect(
            throws: NetworkError.hostPortInUse(
                "host port \(hostPort)/tcp is already published by another berthd (nft table inet \(table))")
        ) {
            try second.network.attach(
                taskID: "three", netnsPath: thirdNS, subnetID: "subnet-two", securityGroupIDs: [],
                assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        }

        // The first instance restarts knowing none of its tasks: it removes its own veth, not the other's.
        let report = try first.network.reconcile(keep: [])
        #expect(report.deletedLinks.isEmpty && report.releasedTasks == ["one"])
        #expect(!first.links().contains(firstENI.hostLink))
        #expect(second.links().contains(secondENI.hostLink))
        #expect(second.reachesAll(["http://127.0.0.1:\(hostPort + 1)/", "http://\(secondENI.privateIPv4Address)/"]))

        // A third instance whose VPC covers the second's subnet is refused before it touches anything.
        var overlapping = try NetworkConfiguration.instance("tover", vpcCIDR: IPv4CIDR("10.220.0.0/16")!)
        overlapping.enableGlobalForwarding = false
        let bridge = try second.network.describeSubnets()[0].bridge
        #expect(
            throws: NetworkError.invalidParameter(
                "the VPC CIDR 10.220.0.0/16 overlaps the host's route to 10.220.0.0/24 on \(bridge) (another "
                    + "network, or another berthd's VPC); tasks could not reach it or it them. Choose another VPC "
                    + "CIDR (berthd --vpc-cidr, e.g. 10.89.0.0/16), or, if nothing uses \(bridge) any more, remove it "
                    + "with `ip link delete \(bridge)`")
        ) {
            _ = try TaskNetwork(store: first.store, configuration: overlapping, logger: Logger(label: "test"))
        }
    }

    /// The host reaches a task two ways: at its IP (from the gateway, .1) and through a published port on
    /// 127.0.0.1 (SNATed on the way). Were both to come from .1, a client port reused across the two would
    /// land on the task's TIME_WAIT socket of the other with unrelated TCP timestamps, PAWS would drop the
    /// SYN half the time and the client would retry a second later (DESIGN §5's collapse). Loopback
    /// connections come from .3 instead: the same source ports, both ways, and no SYN is ever dropped.
    @Test func loopbackAndDirectConnectionsNeverShareATasksFourTuple() throws {
        let lab = try NetworkLab(octet: 221)
        defer { lab.close() }
        let netns = try lab.namespace("paws")
        let hostPort = Int.random(in: 20000..<30000)
        let eni = try lab.network.attach(
            taskID: "paws", netnsPath: netns, subnetID: "subnet-paws", securityGroupIDs: [], assignPublicIp: false,
            portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        try lab.httpServer(in: netns)
        let gateway = AddressAllocator.gateway(of: eni.subnetCIDR)
        let loopbackSource = AddressAllocator.loopbackSource(of: eni.subnetCIDR)
        let first = Int.random(in: 45000..<59000)
        for port in first..<first + 8 {
            // busybox httpd closes first, so each connection leaves a TIME_WAIT socket in the task.
            #expect(lab.reachable("http://\(eni.privateIPv4Address)/", local: ("\(gateway)", port)))
            #expect(lab.reachable("http://127.0.0.1:\(hostPort)/", local: ("127.0.0.1", port)))
        }
        #expect(lab.counter("TcpExtPAWSTimewait", in: netns) == 0)
        // ss prints busybox's dual-stack socket's peers as [::ffff:a.b.c.d]:port.
        let peers = sh(["nsenter", "--net=\(netns)", "ss", "-Htn", "state", "time-wait"]).output
            .replacingOccurrences(of: "[::ffff:", with: "").replacingOccurrences(of: "]:", with: ":")
        // Whichever side closed first holds the TIME_WAIT; the task's come from exactly these two addresses.
        let sources = Set(
            peers.split(separator: "\n").compactMap {
                $0.split(separator: " ", omittingEmptySubsequences: true).last?.split(separator: ":").first.map(
                    String.init)
            })
        #expect(sources.contains(loopbackSource.description), "\(peers)")
        #expect(sources.isSubset(of: [gateway.description, loopbackSource.description]), "\(peers)")
    }

    @Test func egressLeavesTheVPCOnlyWithAPublicIP() throws {
        let lab = try NetworkLab(octet: 213)
        defer { lab.close() }
        let upstream = try lab.upstream(octet: 213)
        let publicNS = try lab.namespace("public")
        let privateNS = try lab.namespace("private")
        _ = try lab.network.attach(
            taskID: "public", netnsPath: publicNS, subnetID: "subnet-egress", securityGroupIDs: ["sg-egress"],
            assignPublicIp: true, portMappings: [])
        _ = try lab.network.attach(
            taskID: "private", netnsPath: privateNS, subnetID: "subnet-egress", securityGroupIDs: ["sg-egress"],
            assignPublicIp: false, portMappings: [])
        #expect(lab.reachable("http://\(upstream)/", from: publicNS))
        #expect(!lab.reachable("http://\(upstream)/", from: privateNS))
    }

    @Test func hostPortConflictsAreRefused() throws {
        let lab = try NetworkLab(octet: 214)
        defer { lab.close() }
        let first = try lab.namespace("first")
        let second = try lab.namespace("second")
        let hostPort = Int.random(in: 30000..<40000)
        _ = try lab.network.attach(
            taskID: "first", netnsPath: first, subnetID: "subnet-ports", securityGroupIDs: [], assignPublicIp: false,
            portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        #expect(throws: NetworkError.hostPortInUse("host port \(hostPort)/tcp is already published by task first")) {
            try lab.network.attach(
                taskID: "second", netnsPath: second, subnetID: "subnet-ports", securityGroupIDs: [],
                assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: hostPort)])
        }
        // udp on the same number is another port.
        _ = try lab.network.attach(
            taskID: "second", netnsPath: second, subnetID: "subnet-ports", securityGroupIDs: [], assignPublicIp: false,
            portMappings: [PortBinding(ipProtocol: "udp", containerPort: 53, hostPort: hostPort)])

        // A port a host process listens on.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let busyPort = UInt16.random(in: 40000..<50000)
        address.sin_port = busyPort.bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(bound == 0)
        #expect(listen(listener, 1) == 0)
        let third = try lab.namespace("third")
        #expect(
            throws: NetworkError.hostPortInUse("host port \(busyPort)/tcp is already in use by a process on the host")
        ) {
            try lab.network.attach(
                taskID: "third", netnsPath: third, subnetID: "subnet-ports", securityGroupIDs: [],
                assignPublicIp: false,
                portMappings: [PortBinding(containerPort: 80, hostPort: Int(busyPort))])
        }
        #expect(try lab.network.attachment(taskID: "third") == nil)
    }

    @Test func fiftyAttachDetachCyclesLeaveNothingBehind() throws {
        let lab = try NetworkLab(octet: 215)
        defer { lab.close() }
        let netns = try lab.namespace("cycle")
        var seen = Set<IPv4Address>()
        let start = Date()
        for cycle in 0..<50 {
            let id = String(format: "cycle%011d", cycle)
            let eni = try lab.network.attach(
                taskID: id, netnsPath: netns, subnetID: "subnet-cycle", securityGroupIDs: ["sg-cycle"],
                assignPublicIp: cycle % 2 == 0, portMappings: [PortBinding(containerPort: 80, hostPort: 41000 + cycle)])
            seen.insert(eni.privateIPv4Address)
            try lab.network.detach(taskID: id)
        }
        let perCycle = Date().timeIntervalSince(start) / 50
        print("attach+detach: \(Int(perCycle * 1000)) ms per task")
        // Round-robin allocation: 50 distinct addresses, none reused right after release.
        #expect(seen.count == 50)
        #expect(try lab.store.networkAttachments().isEmpty)
        #expect(!lab.links().contains { $0.hasPrefix(lab.network.configuration.vethPrefix) })
        let rules = lab.ruleset()
        #expect(!rules.contains("task-"))
        #expect(!rules.contains("jump"))
        #expect(sh(["nsenter", "--net=\(netns)", "ip", "-o", "link"]).output.split(separator: "\n").count == 1)
    }

    @Test func reconcileRemovesWhatACrashedDaemonLeft() throws {
        let lab = try NetworkLab(octet: 216)
        defer { lab.close() }
        let keepNS = try lab.namespace("keep")
        let dropNS = try lab.namespace("drop")
        let kept = try lab.network.attach(
            taskID: "keep", netnsPath: keepNS, subnetID: "subnet-rec", securityGroupIDs: ["sg-rec"],
            assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: 42001)])
        let dropped = try lab.network.attach(
            taskID: "drop", netnsPath: dropNS, subnetID: "subnet-rec", securityGroupIDs: ["sg-rec"],
            assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: 42002)])
        // A stray veth on the instance's bridge that no record names (its record lost with a state directory);
        // and one with the instance's prefix on no bridge of its own, which reconcile must leave alone.
        let stray = lab.network.configuration.vethPrefix + "stray"
        let bridge = try lab.network.describeSubnets()[0].bridge
        #expect(
            sh(["ip", "link", "add", stray, "master", bridge, "type", "veth", "peer", "name", "p" + stray]).status == 0)
        let foreign = lab.network.configuration.vethPrefix + "other"
        #expect(sh(["ip", "link", "add", foreign, "type", "veth", "peer", "name", "p" + foreign]).status == 0)
        defer { sh(["ip", "link", "del", foreign]) }
        // A restarted berthd: a new TaskNetwork on the same store.
        let restarted = try TaskNetwork(
            store: lab.store, configuration: lab.network.configuration, logger: .init(label: "test"))
        let report = try restarted.reconcile(keep: ["keep"])
        #expect(report.releasedTasks == ["drop"])
        #expect(report.deletedLinks == [stray])
        #expect(lab.links().contains(foreign))
        #expect(lab.links().contains(kept.hostLink))
        #expect(!lab.links().contains(dropped.hostLink))
        let rules = lab.ruleset()
        #expect(rules.contains(NftablesRuleset.chainName(taskID: "keep", "in")))
        #expect(!rules.contains(NftablesRuleset.chainName(taskID: "drop", "in")))
        try lab.httpServer(in: keepNS)
        #expect(lab.reachable("http://127.0.0.1:42001/"))
    }
}
