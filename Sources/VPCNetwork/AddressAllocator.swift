/// IPAM for one subnet, as pure functions over what the store holds.
///
/// Like a VPC subnet, the first four addresses and the last are never leased: .0 is the network, .1 the
/// gateway (the subnet's bridge, the task's default route), .2 and .3 are reserved as AWS reserves them
/// (DNS, future use; berth puts both on the bridge as `gatewaySource` and `loopbackSource`), the last is the broadcast address.
public enum AddressAllocator {
    public static let reservedAtStart: UInt32 = 4

    public static func gateway(of subnet: IPv4CIDR) -> IPv4Address { IPv4Address(subnet.network.value + 1) }

    /// .3, on the bridge as a /32: connections from the host's 127.0.0.1 to a published port are SNATed to
    /// it. Not the gateway, which the host uses for its own connections to task IPs: both would share the
    /// task's 4-tuples with unrelated TCP timestamps, and PAWS in the task's TIME_WAIT sockets would drop
    /// the reused ones' SYNs (1 s retries; see docs/ARCHITECTURE.md).
    public static func loopbackSource(of subnet: IPv4CIDR) -> IPv4Address {
        IPv4Address(subnet.network.value + 3)
    }

    /// .2, also a /32 on the bridge: the host's connections to a published port on the gateway address are
    /// SNATed to it, for the same reason (they would start from .1 like the host's direct connections).
    public static func gatewaySource(of subnet: IPv4CIDR) -> IPv4Address {
        IPv4Address(subnet.network.value + 2)
    }

    /// The addresses a task may get in `subnet`.
    public static func leasable(in subnet: IPv4CIDR) -> ClosedRange<UInt32>? {
        guard subnet.prefixLength <= 28 else { return nil }
        return (subnet.network.value + reservedAtStart)...(subnet.broadcast.value - 1)
    }

    /// The next free address after `lastLeased`, wrapping round: an address just released is the last to be
    /// handed out again, so a stale peer (a conntrack entry, an ARP cache) rarely meets a new task on it.
    /// Never returns an address in `held`; nil when every leasable address is held.
    public static func next(in subnet: IPv4CIDR, held: Set<UInt32>, lastLeased: UInt32) -> UInt32? {
        guard let range = leasable(in: subnet) else { return nil }
        let count = range.upperBound - range.lowerBound + 1
        let start = range.contains(lastLeased) ? lastLeased - range.lowerBound + 1 : 0
        for step in 0..<count {
            let candidate = range.lowerBound + (start + step) % count
            if !held.contains(candidate) { return candidate }
        }
        return nil
    }

    /// The first /`prefixLength` inside `vpc` that overlaps none of `taken` (subnets carved from the VPC).
    public static func nextSubnet(in vpc: IPv4CIDR, prefixLength: Int, taken: [IPv4CIDR]) -> IPv4CIDR? {
        guard prefixLength >= vpc.prefixLength, prefixLength <= 28 else { return nil }
        let step = UInt64(1) << (32 - prefixLength)
        var base = UInt64(vpc.network.value)
        let end = UInt64(vpc.network.value) + vpc.size
        while base < end {
            let candidate = IPv4CIDR(address: IPv4Address(UInt32(base)), prefixLength: prefixLength)
            if !taken.contains(where: { $0.overlaps(candidate) }) { return candidate }
            base += step
        }
        return nil
    }

    /// A locally administered unicast MAC derived from the address (0a:58 plus the four address bytes, as
    /// Kubernetes' bridge plugins do), so a task's MAC follows its IP and never collides inside berth.
    public static func macAddress(for address: IPv4Address) -> [UInt8] { [0x0a, 0x58] + address.bytes }

    public static func macString(_ mac: [UInt8]) -> String {
        mac.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
