import Foundation
import Testing

@testable import VPCNetwork

/// Root, real kernel: what a task reaches of the host it runs on. A server on the host bound to every
/// address is out of a task's reach unless berthd opts in; the metadata endpoint always answers, and the
/// host still reaches the task.
@Suite(.serialized, .enabled(if: isRoot, "needs root"))
struct HostAccessTests {
    @Test(arguments: [false, true])
    func aTaskReachesTheHostsServicesOnlyWithHostAccess(hostAccess: Bool) throws {
        let octet = hostAccess ? 216 : 215
        // The lab's metadata endpoint is a port on its subnet's gateway, served by a listener of the test's.
        let gateway = IPv4Address("10.\(octet).0.1")!
        let metadataPort = NetworkLab.freePort()
        let lab = try NetworkLab(
            octet: octet, hostAccess: hostAccess, metadata: MetadataEndpoint(address: gateway, port: metadataPort))
        defer { lab.close() }
        let netns = try lab.namespace("task")
        let eni = try lab.network.attach(
            taskID: "hostaccess\(octet)", netnsPath: netns, subnetID: "subnet-host", securityGroupIDs: ["sg-host"],
            // The mapping makes the auto-created group admit port 80, for the host's connection below.
            assignPublicIp: false, portMappings: [PortBinding(containerPort: 80, hostPort: NetworkLab.freePort())])
        #expect(eni.gateway == gateway)
        let hostPort = try lab.hostServer()
        try lab.hostServer(port: metadataPort)
        // Every address of the host's that a task can name: its gateway, and the bridge's .3 (and .2).
        let loopbackSource = AddressAllocator.loopbackSource(of: eni.subnetCIDR)
        #expect(lab.reachable("http://\(gateway):\(hostPort)/", from: netns) == hostAccess)
        #expect(lab.reachable("http://\(loopbackSource):\(hostPort)/", from: netns) == hostAccess)
        // The metadata endpoint answers whatever the setting; only its port.
        #expect(lab.reachable("http://\(gateway):\(metadataPort)/", from: netns))
        if !hostAccess {
            // Refused (ICMP admin-prohibited), not silently dropped: curl's "could not connect" (7), not its
            // time-out (28).
            let attempt = sh([
                "nsenter", "--net=\(netns)", "curl", "-sS", "--max-time", "5", "http://\(gateway):\(hostPort)/",
            ])
            #expect(attempt.status == 7, "\(attempt.output)")
        }
        // The host's own connections into the task still work, both ways of the setting.
        try lab.httpServer(in: netns)
        #expect(lab.reachable("http://\(eni.privateIPv4Address)/"))
    }
}
