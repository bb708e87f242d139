/// Builders for the rtnetlink requests berth sends. Pure: unit-tested byte for byte.
public enum RouteRequests {
    private static let create = RT.NLM_F_REQUEST | RT.NLM_F_ACK | RT.NLM_F_CREATE | RT.NLM_F_EXCL
    private static let change = RT.NLM_F_REQUEST | RT.NLM_F_ACK

    /// `ip link add NAME type bridge`.
    public static func newBridge(name: String) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg()
        body.attribute(RT.IFLA_IFNAME, string: name)
        body.nested(RT.IFLA_LINKINFO) { $0.attribute(RT.IFLA_INFO_KIND, string: "bridge") }
        return NetlinkRequest(type: RT.RTM_NEWLINK, flags: create, body: body.bytes)
    }

    /// `ip link add HOST type veth peer name PEER address MAC netns FD`: the peer is born inside the task's
    /// namespace (IFLA_NET_NS_FD in the peer's own ifinfomsg attributes), so it never appears on the host
    /// and can be called eth0 straight away.
    public static func newVeth(host: String, peer: String, peerMAC: [UInt8], peerNamespaceFD: Int32)
        -> NetlinkRequest
    {
        var body = NetlinkWriter()
        body.ifinfomsg()
        body.attribute(RT.IFLA_IFNAME, string: host)
        body.nested(RT.IFLA_LINKINFO) { info in
            info.attribute(RT.IFLA_INFO_KIND, string: "veth")
            info.nested(RT.IFLA_INFO_DATA) { data in
                data.nested(RT.VETH_INFO_PEER) { peerInfo in
                    peerInfo.ifinfomsg()
                    peerInfo.attribute(RT.IFLA_IFNAME, string: peer)
                    peerInfo.attribute(RT.IFLA_ADDRESS, peerMAC)
                    peerInfo.attribute(RT.IFLA_NET_NS_FD, u32: UInt32(bitPattern: peerNamespaceFD))
                }
            }
        }
        return NetlinkRequest(type: RT.RTM_NEWLINK, flags: create, body: body.bytes)
    }

    /// `ip link set INDEX master BRIDGE`.
    public static func setMaster(index: Int32, master: Int32) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg(index: index)
        body.attribute(RT.IFLA_MASTER, u32: UInt32(bitPattern: master))
        return NetlinkRequest(type: RT.RTM_NEWLINK, flags: change, body: body.bytes)
    }

    /// `ip link set INDEX up`.
    public static func setUp(index: Int32) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg(index: index, flags: RT.IFF_UP, change: RT.IFF_UP)
        return NetlinkRequest(type: RT.RTM_NEWLINK, flags: change, body: body.bytes)
    }

    /// `bridge link set dev INDEX isolated on`: isolated ports cannot talk to each other at layer 2, so
    /// every packet between two tasks is routed by the host and passes the `inet berth` forward chain
    /// whether or not br_netfilter is loaded.
    public static func isolatePort(index: Int32) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg(family: RT.AF_BRIDGE, index: index)
        body.nested(RT.IFLA_PROTINFO) { $0.attribute(RT.IFLA_BRPORT_ISOLATED, [1]) }
        return NetlinkRequest(type: RT.RTM_SETLINK, flags: change, body: body.bytes)
    }

    /// `ip address add ADDRESS/PREFIX broadcast + dev INDEX`.
    public static func addAddress(index: Int32, address: IPv4Address, prefixLength: Int) -> NetlinkRequest {
        var body = addressBody(index: index, address: address, prefixLength: prefixLength)
        let cidr = IPv4CIDR(address: address, prefixLength: prefixLength)
        body.attribute(RT.IFA_BROADCAST, cidr.broadcast.bytes)
        return NetlinkRequest(type: RT.RTM_NEWADDR, flags: create, body: body.bytes)
    }

    /// `ip address del ADDRESS/PREFIX dev INDEX`.
    public static func deleteAddress(index: Int32, address: IPv4Address, prefixLength: Int) -> NetlinkRequest {
        let body = addressBody(index: index, address: address, prefixLength: prefixLength)
        return NetlinkRequest(type: RT.RTM_DELADDR, flags: change, body: body.bytes)
    }

    /// struct ifaddrmsg (AF_INET, prefix, no flags, global scope, the link) with IFA_LOCAL and IFA_ADDRESS.
    private static func addressBody(index: Int32, address: IPv4Address, prefixLength: Int) -> NetlinkWriter {
        var body = NetlinkWriter()
        body.u8(RT.AF_INET)
        body.u8(UInt8(prefixLength))
        body.u8(0)
        body.u8(0)
        body.u32(UInt32(bitPattern: index))
        body.attribute(RT.IFA_LOCAL, address.bytes)
        body.attribute(RT.IFA_ADDRESS, address.bytes)
        return body
    }

    /// `ip route add default via GATEWAY dev INDEX`.
    public static func addDefaultRoute(gateway: IPv4Address, index: Int32) -> NetlinkRequest {
        var body = NetlinkWriter()
        for byte in [RT.AF_INET, 0, 0, 0, RT.RT_TABLE_MAIN, RT.RTPROT_BOOT, RT.RT_SCOPE_UNIVERSE, RT.RTN_UNICAST] {
            body.u8(byte)
        }
        body.u32(0)
        body.attribute(RT.RTA_GATEWAY, gateway.bytes)
        body.attribute(RT.RTA_OIF, u32: UInt32(bitPattern: index))
        return NetlinkRequest(type: RT.RTM_NEWROUTE, flags: create, body: body.bytes)
    }

    /// `ip link del NAME`.
    public static func deleteLink(name: String) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg()
        body.attribute(RT.IFLA_IFNAME, string: name)
        return NetlinkRequest(type: RT.RTM_DELLINK, flags: change, body: body.bytes)
    }

    /// `ip link show NAME`: answered by one RTM_NEWLINK (or ENODEV).
    public static func getLink(name: String) -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg()
        body.attribute(RT.IFLA_IFNAME, string: name)
        return NetlinkRequest(type: RT.RTM_GETLINK, flags: RT.NLM_F_REQUEST, body: body.bytes)
    }

    /// `ip link show`: a multipart dump ending in NLMSG_DONE.
    public static func dumpLinks() -> NetlinkRequest {
        var body = NetlinkWriter()
        body.ifinfomsg()
        return NetlinkRequest(type: RT.RTM_GETLINK, flags: RT.NLM_F_REQUEST | RT.NLM_F_DUMP, body: body.bytes)
    }
}
