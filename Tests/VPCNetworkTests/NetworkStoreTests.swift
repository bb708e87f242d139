import Foundation
import Store
import Testing

@testable import VPCNetwork

/// Leases and reservations as the Store keeps them: no double lease, persistence across a reopen, release.
@Suite struct NetworkStoreTests {
    let directory = NSTemporaryDirectory() + "berth-network-store-" + UUID().uuidString
    var path: String { directory + "/state.db" }
    let subnet = IPv4CIDR("10.88.0.0/24")!

    func open() throws -> BerthStore {
        let store = try BerthStore(path: path)
        _ = try store.ensureVPC(id: "vpc-1", cidr: "10.88.0.0/16", createdAt: Date())
        if try store.subnet(id: "subnet-1") == nil {
            try store.createSubnet(
                StoredSubnet(
                    id: "subnet-1", vpcID: "vpc-1", cidr: subnet.description, bridge: "berth0", autoCreated: true,
                    createdAt: Date()))
        }
        return store
    }

    func lease(_ store: BerthStore, _ task: String, ports: [StoredPortReservation] = []) throws
        -> StoredNetworkAttachment
    {
        try store.leaseAddress(
            subnetID: "subnet-1",
            chooseAddress: { held, last in AddressAllocator.next(in: subnet, held: held, lastLeased: last) },
            makeAttachment: { address in
                StoredNetworkAttachment(
                    taskID: task, subnetID: "subnet-1", address: address, mac: "m", eniID: "eni-\(task)",
                    attachmentID: task, hostLink: "bv\(task)", netnsPath: "/run/x", assignPublicIp: false,
                    securityGroups: ["sg-1"], ports: ports, createdAt: Date())
            })
    }

    @Test func leasesAreUniquePersistentAndReleased() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var store = try open()
        let a = try lease(
            store, "a", ports: [StoredPortReservation(ipProtocol: "tcp", hostPort: 8080, containerPort: 80)])
        let b = try lease(store, "b")
        #expect(a.address != b.address)
        // A restarted berthd sees the same leases and keeps handing out fresh addresses.
        store = try open()
        #expect(try store.networkAttachments().map(\.taskID) == ["a", "b"])
        #expect(try store.networkAttachment(taskID: "a")?.ports.first?.hostPort == 8080)
        #expect(try store.networkAttachment(taskID: "a")?.securityGroups == ["sg-1"])
        let c = try lease(store, "c")
        #expect(![a.address, b.address].contains(c.address))
        #expect(throws: StoreError.conflict("host port 8080/tcp is already published by task a")) {
            try lease(store, "d", ports: [StoredPortReservation(ipProtocol: "tcp", hostPort: 8080, containerPort: 80)])
        }
        #expect(try store.networkAttachment(taskID: "d") == nil)
        #expect(try store.releaseNetworkAttachment(taskID: "a"))
        #expect(try store.portHolder(ipProtocol: "tcp", hostPort: 8080) == nil)
        #expect(try !store.releaseNetworkAttachment(taskID: "a"))
    }

    @Test func aFullSubnetRefusesAnotherLease() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        for index in 0..<251 { _ = try lease(store, "t\(index)") }
        #expect(Set(try store.networkAttachments().map(\.address)).count == 251)
        #expect(throws: StoreError.conflict("subnet subnet-1 has no free address")) { try lease(store, "overflow") }
    }

    @Test func securityGroupRulesRoundTrip() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try open()
        try store.createSecurityGroup(
            StoredSecurityGroup(
                id: "sg-1", vpcID: "vpc-1", name: "web", description: "d", autoCreated: false, createdAt: Date()))
        let rule = StoredSecurityGroupRule(
            id: "sgr-1", groupID: "sg-1", direction: "ingress", ipProtocol: "tcp", fromPort: 80, toPort: 80,
            cidr: "0.0.0.0/0", peerGroupID: nil, description: nil)
        #expect(try store.addSecurityGroupRules([rule], groupID: "sg-1").rules == [rule])
        #expect(try store.removeSecurityGroupRules(ids: ["sgr-1"], groupID: "sg-1").rules.isEmpty)
        #expect(throws: StoreError.notFound("security group sg-2")) {
            try store.addSecurityGroupRules([], groupID: "sg-2")
        }
    }
}
