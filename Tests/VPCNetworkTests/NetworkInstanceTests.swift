import Testing

@testable import VPCNetwork

/// What keeps two berthds on one machine apart, as pure functions: instance names, the host's routes, and
/// the ports another instance publishes.
@Suite struct NetworkInstanceTests {
    @Test func theDefaultInstanceKeepsBerthsNamesAndOthersGetTheirOwn() throws {
        let standard = try NetworkConfiguration.instance("berth")
        #expect(standard.table == "berth" && standard.bridgePrefix == "berth" && standard.vethPrefix == "bv")
        #expect(standard.vpcCIDR == IPv4CIDR("10.88.0.0/16")!)
        let second = try NetworkConfiguration.instance("dev2", vpcCIDR: IPv4CIDR("10.89.0.0/16")!)
        #expect(second.table == "berth-dev2" && second.bridgePrefix == "berth-dev2" && second.vethPrefix == "vdev2")
        #expect(second.vpcCIDR.description == "10.89.0.0/16")
        // The longest bridge name still fits Linux's 15 characters with three digits of subnet index.
        #expect("berth-abcde999".count <= 15)
    }

    @Test func badNamesAndCIDRsAreRefusedWithTheRule() {
        for name in ["", "toolong", "Dev", "2dev", "de-v", "dév"] {
            #expect(throws: NetworkError.self) { try NetworkConfiguration.instance(name) }
        }
        #expect(
            throws: NetworkError.invalidParameter(
                "network name 'Dev' must be 1 to 5 lower-case letters or digits, starting with a letter (it prefixes "
                    + "interface names, which Linux caps at 15 characters)")
        ) { try NetworkConfiguration.instance("Dev") }
        #expect(
            throws: NetworkError.invalidParameter(
                "the VPC CIDR 10.88.1.0/16 must be a network address with a /16 to /24 prefix (e.g. 10.88.0.0/16; "
                    + "berth carves /24 subnets from it)")
        ) { try NetworkConfiguration.instance("berth", vpcCIDR: IPv4CIDR("10.88.1.0/16")!) }
        #expect(throws: NetworkError.self) {
            try NetworkConfiguration.instance("berth", vpcCIDR: IPv4CIDR("10.0.0.0/8")!)
        }
        #expect(throws: NetworkError.self) {
            try NetworkConfiguration.instance("berth", vpcCIDR: IPv4CIDR("10.0.0.0/28")!)
        }
    }

    static let routeTable = """
        Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
        eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
        eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
        cni-podman0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
        berth0\t0001580A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
        """

    @Test func hostRoutesAreReadFromProcNetRoute() {
        let routes = HostRoutes.parse(Self.routeTable)
        #expect(routes.map(\.interface) == ["eth0", "eth0", "cni-podman0", "berth0"])
        #expect(routes.map(\.destination.description) == ["0.0.0.0/0", "192.0.2.0/24", "10.88.0.0/16", "10.88.1.0/24"])
    }

    @Test func aVPCOverlappingAnotherNetworkIsFoundButNotTheDefaultRouteOrItsOwnBridges() {
        let routes = HostRoutes.parse(Self.routeTable)
        let vpc = IPv4CIDR("10.88.0.0/16")!
        #expect(HostRoutes.conflict(with: vpc, ignoring: ["berth0"], routes: routes)?.interface == "cni-podman0")
        #expect(HostRoutes.conflict(with: vpc, ignoring: ["berth0", "cni-podman0"], routes: routes) == nil)
        #expect(HostRoutes.conflict(with: IPv4CIDR("10.88.1.0/24")!, ignoring: [], routes: routes) != nil)
        #expect(HostRoutes.conflict(with: IPv4CIDR("10.89.0.0/16")!, ignoring: [], routes: routes) == nil)
    }

    @Test func portsPublishedByAnotherInstanceAreReadFromItsMap() {
        let listing = """
            table inet berth {
            \tmap publish {
            \t\ttype inet_proto . inet_service : verdict
            \t\telements = { tcp . 80 : jump task-abc-dnat, udp . 5353 : jump task-abc-dnat,
            \t\t\t     tcp . 8080 : jump task-def-dnat }
            \t}
            }
            """
        let ports = TaskNetwork.publishedPorts(inMapListing: listing)
        #expect(ports.map { "\($0.0)/\($0.1)" } == ["tcp/80", "udp/5353", "tcp/8080"])
        #expect(TaskNetwork.publishedPorts(inMapListing: "table inet berth {\n\tmap publish {\n\t}\n}").isEmpty)
    }

    @Test func theMetadataEndpointsOwnSocketIsNotAHostPortConflict() {
        #expect(HostPortProbe.procHex(IPv4Address("169.254.170.2")!) == "02AAFEA9")
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 02AAFEA9:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1
            """
        #expect(HostPortProbe.boundPorts(table: table, listeningOnly: true) == [80, 8080])
        #expect(
            HostPortProbe.boundPorts(table: table, listeningOnly: true, ignoring: IPv4Address("169.254.170.2")!)
                == [8080])
    }
}
