import Foundation

extension TaskNetwork {
    /// ECS's task metadata endpoint address: tasks reach it through their default route (the bridge's
    /// gateway), and the host delivers it locally because berth puts it on `lo` as a /32.
    public static let metadataAddress = IPv4Address("169.254.170.2")!

    /// Puts the metadata address on the host's loopback (once; an existing one is kept).
    public func ensureMetadataAddress() throws {
        lock.lock()
        defer { lock.unlock() }
        let index = try links.host.index(of: "lo")
        do {
            try links.host.execute(
                RouteRequests.addAddress(index: index, address: Self.metadataAddress, prefixLength: 32),
                step: "add \(Self.metadataAddress)/32 to lo")
        } catch {
            guard case .netlink(_, let code) = error, code == EEXIST else { throw error }
        }
    }

    /// berthd exiting with no task left: the `inet <table>` table, the subnets' bridges and the metadata
    /// address go (all are rebuilt on demand), so a stopped berthd leaves no link, address or rule behind.
    /// Subnets and security groups stay in the store. Does nothing while any task holds an address.
    public func removeKernelStateIfIdle() throws {
        lock.lock()
        defer { lock.unlock() }
        guard try Self.mapStore({ try store.networkAttachments() }).isEmpty else { return }
        try? nft.run("table \(ruleset.family) {}\ndelete table \(ruleset.family)\n")
        for subnet in try Self.mapStore({ try store.subnets() }) {
            _ = try links.host.deleteLink(named: subnet.bridge)
        }
        if let index = try? links.host.index(of: "lo") {
            try? links.host.execute(
                RouteRequests.deleteAddress(index: index, address: Self.metadataAddress, prefixLength: 32),
                step: "remove \(Self.metadataAddress)/32 from lo")
        }
    }
}
