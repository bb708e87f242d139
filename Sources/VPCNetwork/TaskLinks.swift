import Foundation
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// The kernel side of a task's interface: the subnet bridge on the host, the veth pair, and the setup
/// inside the task's namespace. All through rtnetlink; no `ip` process.
struct TaskLinks {
    let host: RouteNetlink

    /// The subnet's bridge with its gateway address (and the /32s that the host's own connections to
    /// published ports come from), up, routing for its tasks.
    func ensureBridge(
        name: String, gateway: IPv4Address, prefixLength: Int, sources: [IPv4Address]
    ) throws(NetworkError) {
        if try host.link(named: name) == nil {
            try host.execute(RouteRequests.newBridge(name: name), step: "create bridge \(name)")
        }
        let index = try host.index(of: name)
        for (address, length) in [(gateway, prefixLength)] + sources.map({ ($0, 32) }) {
            do {
                try host.execute(
                    RouteRequests.addAddress(index: index, address: address, prefixLength: length),
                    step: "add \(address)/\(length) to \(name)")
            } catch .netlink(_, let errno) where errno == EEXIST {}
        }
        try host.execute(RouteRequests.setUp(index: index), step: "set \(name) up")
        // forwarding: per input interface, so only berth's bridges route (see NetworkConfiguration).
        // route_localnet: DNAT of 127.0.0.1:hostPort may leave through the bridge (masqueraded there).
        // proxy_arp_pvlan: ports are isolated, so the host answers ARP for a neighbour task and routes.
        // send_redirects 0: the host must stay on the path (redirects would tell tasks to go direct).
        try HostSysctl.set("ipv4.conf.\(name).forwarding", "1")
        try HostSysctl.set("ipv4.conf.\(name).route_localnet", "1")
        try HostSysctl.set("ipv4.conf.\(name).proxy_arp_pvlan", "1")
        try HostSysctl.set("ipv4.conf.\(name).send_redirects", "0")
        // Proxy ARP replies are otherwise delayed by up to 0.8 s (proxy_delay), stalling a task's first
        // packet to a neighbour.
        try HostSysctl.set("ipv4.neigh.\(name).proxy_delay", "0")
    }

    /// The veth pair: host end `hostLink` on `bridge` (isolated port, up); the peer born as eth0 inside the
    /// namespace pinned at `netnsPath`, with MAC, address, default route; lo up.
    func createInterface(
        hostLink: String, bridge: String, netnsPath: String, mac: [UInt8], address: IPv4Address,
        prefixLength: Int, gateway: IPv4Address
    ) throws(NetworkError) {
        let namespace = open(netnsPath, O_RDONLY | O_CLOEXEC)
        guard namespace >= 0 else { throw .kernel(SyscallError("open network namespace \(netnsPath)")) }
        defer { close(namespace) }
        try host.execute(
            RouteRequests.newVeth(host: hostLink, peer: "eth0", peerMAC: mac, peerNamespaceFD: namespace),
            step: "create veth \(hostLink) with eth0 in \(netnsPath)")
        let index = try host.index(of: hostLink)
        let bridgeIndex = try host.index(of: bridge)
        try host.execute(
            RouteRequests.setMaster(index: index, master: bridgeIndex), step: "attach \(hostLink) to \(bridge)")
        try host.execute(RouteRequests.isolatePort(index: index), step: "isolate bridge port \(hostLink)")
        try host.execute(RouteRequests.setUp(index: index), step: "set \(hostLink) up")

        let inside = RouteNetlink(socket: try KernelNetlinkSocket.open(inNamespace: netnsPath))
        let eth0 = try inside.index(of: "eth0")
        try inside.execute(
            RouteRequests.addAddress(index: eth0, address: address, prefixLength: prefixLength),
            step: "add \(address)/\(prefixLength) to eth0 in \(netnsPath)")
        try inside.execute(RouteRequests.setUp(index: eth0), step: "set eth0 up in \(netnsPath)")
        let loopback = try inside.index(of: "lo")
        try inside.execute(RouteRequests.setUp(index: loopback), step: "set lo up in \(netnsPath)")
        try inside.execute(
            RouteRequests.addDefaultRoute(gateway: gateway, index: eth0),
            step: "add default route via \(gateway) in \(netnsPath)")
    }
}
