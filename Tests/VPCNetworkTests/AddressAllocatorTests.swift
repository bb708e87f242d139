import Testing

@testable import VPCNetwork

@Suite struct AddressAllocatorTests {
    let subnet = IPv4CIDR("10.88.3.0/24")!

    @Test func parsesAndPrintsAddresses() {
        #expect(IPv4Address("10.88.0.4")?.value == 0x0a58_0004)
        #expect(IPv4Address("10.88.0.256") == nil)
        #expect(IPv4Address("10.88.0") == nil)
        #expect(IPv4CIDR("10.88.0.7/16")?.description == "10.88.0.0/16")
        #expect(IPv4CIDR("10.88.0.0/33") == nil)
        #expect(IPv4CIDR("10.88.0.0/16")!.contains(IPv4CIDR("10.88.200.0/24")!))
        #expect(!IPv4CIDR("10.88.0.0/16")!.contains(IPv4Address("10.89.0.1")!))
    }

    @Test func leasesSkipTheAddressesAWSReserves() {
        #expect(AddressAllocator.gateway(of: subnet).description == "10.88.3.1")
        let first = AddressAllocator.next(in: subnet, held: [], lastLeased: 0)
        #expect(first.map { IPv4Address($0).description } == "10.88.3.4")
        #expect(AddressAllocator.leasable(in: subnet)?.count == 251)
    }

    @Test func neverHandsOutAHeldAddressAndMovesRound() {
        var held = Set<UInt32>()
        var last: UInt32 = 0
        for _ in 0..<251 {
            let address = AddressAllocator.next(in: subnet, held: held, lastLeased: last)!
            #expect(!held.contains(address))
            held.insert(address)
            last = address
        }
        #expect(AddressAllocator.next(in: subnet, held: held, lastLeased: last) == nil)
        // Releasing one makes exactly that one available, even though allocation wrapped.
        let released = IPv4Address("10.88.3.100")!.value
        held.remove(released)
        #expect(AddressAllocator.next(in: subnet, held: held, lastLeased: last) == released)
        // Just after a release the allocator moves on instead of reusing the released address.
        let fresh = Set<UInt32>()
        let after = AddressAllocator.next(in: subnet, held: fresh, lastLeased: IPv4Address("10.88.3.9")!.value)
        #expect(after == IPv4Address("10.88.3.10")!.value)
    }

    @Test func subnetsAreCarvedWithoutOverlap() {
        let vpc = IPv4CIDR("10.88.0.0/16")!
        let taken = [IPv4CIDR("10.88.0.0/24")!, IPv4CIDR("10.88.1.0/25")!]
        #expect(AddressAllocator.nextSubnet(in: vpc, prefixLength: 24, taken: taken)?.description == "10.88.2.0/24")
        #expect(AddressAllocator.nextSubnet(in: IPv4CIDR("10.88.0.0/24")!, prefixLength: 24, taken: [taken[0]]) == nil)
    }

    @Test func macFollowsTheAddress() {
        let mac = AddressAllocator.macAddress(for: IPv4Address("10.88.0.4")!)
        #expect(AddressAllocator.macString(mac) == "0a:58:0a:58:00:04")
        #expect(mac[0] & 0x02 != 0 && mac[0] & 0x01 == 0)  // locally administered, unicast
    }

    @Test func hostPortTablesAreParsed() {
        let table = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
               1: 0100007F:D431 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 2 1
            """
        #expect(HostPortProbe.boundPorts(table: table, listeningOnly: true) == [8080])
        #expect(HostPortProbe.boundPorts(table: table, listeningOnly: false) == [8080, 54321])
    }
}
