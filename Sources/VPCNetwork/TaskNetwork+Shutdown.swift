import Foundation

extension TaskNetwork {
    /// Puts the metadata endpoint's address (ECS's 169.254.170.2) on the host's loopback as a /32 (once; an
    /// existing one is kept): tasks reach it through their default route, the host delivers it locally.
    public func ensureMetadataAddress() throws {
        guard !configuration.metadata.isLoopback else { return }
        lock.lock()
        defer { lock.unlock() }
        let index = try links.host.index(of: "lo")
        do {
            try links.host.execute(
                RouteRequests.addAddress(index: index, address: configuration.metadataAddress, prefixLength: 32),
                step: "add \(configuration.metadataAddress)/32 to lo")
        } catch {
            guard case .netlink(_, let code) = error, code == EEXIST else { throw error }
        }
    }

    /// berthd exiting with no task left: the `inet <table>` table, the subnets' bridges and the metadata
    /// address go (all are rebuilt on demand), so a stopped berthd leaves no link, address or rule behind. The
    /// address stays while another berthd's endpoint still listens on it.
    /// Subnets and security groups stay in the store. Does nothing while any task holds an address.
    public func removeKernelStateIfIdle() throws {
        lock.lock()
        defer { lock.unlock() }
        guard try Self.mapStore({ try store.networkAttachments() }).isEmpty else { return }
        try? nft.run("table \(ruleset.family) {}\ndelete table \(ruleset.family)\n")
        for subnet in try Self.mapStore({ try store.subnets() }) {
            _ = try links.host.deleteLink(named: subnet.bridge)
        }
        if !configuration.metadata.isLoopback, !HostPortProbe.hasListener(on: configuration.metadataAddress),
            let index = try? links.host.index(of: "lo")
        {
            try? links.host.execute(
                RouteRequests.deleteAddress(index: index, address: configuration.metadataAddress, prefixLength: 32),
                step: "remove \(configuration.metadataAddress)/32 from lo")
        }
    }
}
