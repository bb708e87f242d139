import Testing

@testable import VPCNetwork

@Suite struct NetlinkEncodingTests {
    @Test func bridgeRequestIsEncodedLikeIproute2() {
        let bytes = RouteRequests.newBridge(name: "berth0").encoded(sequence: 7)
        #expect(bytes.count == bytes.u32(at: 0).asInt)
        #expect(bytes.u16(at: 4) == 16)  // RTM_NEWLINK
        #expect(bytes.u16(at: 6) == 0x1 | 0x4 | 0x400 | 0x200)
        #expect(bytes.u32(at: 8) == 7)
        // ifinfomsg (16 bytes), then IFLA_IFNAME "berth0\0" (len 11, padded to 12), then nested IFLA_LINKINFO.
        #expect(Array(bytes[32..<36]) == [11, 0, 3, 0])
        #expect(Array(bytes[36..<43]) == Array("berth0\0".utf8))
        #expect(bytes.u16(at: 44) == 4 + 12)  // linkinfo holding IFLA_INFO_KIND "bridge\0"
        #expect(bytes.u16(at: 46) == 18 | 0x8000)
        #expect(Array(bytes[52..<59]) == Array("bridge\0".utf8))
        #expect(bytes.count == 60)
    }

    @Test func vethPeerCarriesNameMACAndNamespaceFD() {
        let mac: [UInt8] = [0x0a, 0x58, 10, 88, 0, 4]
        let bytes = RouteRequests.newVeth(host: "bvabc", peer: "eth0", peerMAC: mac, peerNamespaceFD: 42)
            .encoded(sequence: 1)
        let attributes = netlinkAttributes(bytes[32...])
        #expect(attributes.map(\.type) == [3, 18])
        let info = netlinkAttributes(attributes[1].payload)
        #expect(info.map(\.type) == [1, 2])
        let peer = netlinkAttributes(info[1].payload)
        #expect(peer.map(\.type) == [1])
        // The peer's payload is its own ifinfomsg followed by its attributes.
        let peerAttributes = netlinkAttributes(peer[0].payload.dropFirst(16))
        #expect(peerAttributes.map(\.type) == [3, 1, 28])
        #expect(Array(peerAttributes[1].payload) == mac)
        #expect(peerAttributes[2].payload.u32(at: peerAttributes[2].payload.startIndex) == 42)
    }

    @Test func addressAndRouteRequests() {
        let address = RouteRequests.addAddress(index: 5, address: IPv4Address("10.88.0.4")!, prefixLength: 24)
        #expect(address.type == 20)
        #expect(Array(address.body[0..<4]) == [2, 24, 0, 0])
        #expect(address.body.u32(at: 4) == 5)
        let attributes = netlinkAttributes(address.body[8...])
        #expect(attributes.map(\.type) == [2, 1, 4])
        #expect(Array(attributes[2].payload) == [10, 88, 0, 255])

        let route = RouteRequests.addDefaultRoute(gateway: IPv4Address("10.88.0.1")!, index: 3)
        #expect(Array(route.body[0..<8]) == [2, 0, 0, 0, 254, 3, 0, 1])
        let routeAttributes = netlinkAttributes(route.body[12...])
        #expect(routeAttributes.map(\.type) == [5, 4])
        #expect(Array(routeAttributes[0].payload) == [10, 88, 0, 1])
    }

    @Test func isolatedPortUsesBridgeFamilyAndProtinfo() {
        let request = RouteRequests.isolatePort(index: 9)
        #expect(request.type == 19)
        #expect(request.body[0] == 7)
        let protinfo = netlinkAttributes(request.body[16...])
        #expect(protinfo.map(\.type) == [12])
        #expect(netlinkAttributes(protinfo[0].payload).map(\.type) == [33])
    }

    @Test func repliesAreParsedAndErrorsReported() throws {
        let socket = ReplayNetlinkSocket(replies: [Replies.ack(sequence: 1), Replies.error(sequence: 2, errno: 17)])
        let route = RouteNetlink(socket: socket)
        try route.execute(RouteRequests.setUp(index: 1), step: "up")
        #expect(throws: NetworkError.netlink(step: "second", errno: 17)) {
            try route.execute(RouteRequests.setUp(index: 1), step: "second")
        }
        #expect(socket.sent.count == 2)
        #expect(socket.sent[1].u32(at: 8) == 2)
    }

    @Test func linkDumpIsDecoded() throws {
        let socket = ReplayNetlinkSocket(replies: [
            Replies.link(sequence: 1, index: 1, name: "lo", kind: nil)
                + Replies.link(sequence: 1, index: 7, name: "bv123", kind: "veth"),
            Replies.done(sequence: 1),
        ])
        let links = try RouteNetlink(socket: socket).links()
        #expect(links.map(\.name) == ["lo", "bv123"])
        #expect(links.map(\.kind) == [nil, "veth"])
        #expect(links[1].index == 7)
    }

    @Test func missingLinkIsNil() throws {
        let socket = ReplayNetlinkSocket(replies: [Replies.error(sequence: 1, errno: 19)])
        #expect(try RouteNetlink(socket: socket).link(named: "nope") == nil)
    }
}

extension UInt32 {
    var asInt: Int { Int(self) }
}

/// Replays canned kernel datagrams and records what was sent.
final class ReplayNetlinkSocket: NetlinkSocket {
    var replies: [[UInt8]]
    var sent: [[UInt8]] = []

    init(replies: [[UInt8]]) { self.replies = replies }

    func send(_ datagram: [UInt8]) throws(NetworkError) { sent.append(datagram) }

    func receive() throws(NetworkError) -> [UInt8] {
        guard !replies.isEmpty else { throw .netlink(step: "replay", errno: 61) }
        return replies.removeFirst()
    }
}

enum Replies {
    static func message(type: UInt16, flags: UInt16 = 0, sequence: UInt32, payload: [UInt8]) -> [UInt8] {
        var writer = NetlinkWriter()
        writer.u32(UInt32(16 + payload.count))
        writer.u16(type)
        writer.u16(flags)
        writer.u32(sequence)
        writer.u32(0)
        writer.bytes += payload
        writer.pad()
        return writer.bytes
    }

    static func error(sequence: UInt32, errno: Int32) -> [UInt8] {
        var payload = NetlinkWriter()
        payload.i32(-errno)
        payload.bytes += [UInt8](repeating: 0, count: 16)
        return message(type: 2, sequence: sequence, payload: payload.bytes)
    }

    static func ack(sequence: UInt32) -> [UInt8] { error(sequence: sequence, errno: 0) }

    static func done(sequence: UInt32) -> [UInt8] {
        message(type: 3, flags: 2, sequence: sequence, payload: [0, 0, 0, 0])
    }

    static func link(sequence: UInt32, index: Int32, name: String, kind: String?) -> [UInt8] {
        var payload = NetlinkWriter()
        payload.ifinfomsg(index: index)
        payload.attribute(3, string: name)
        if let kind { payload.nested(18) { $0.attribute(1, string: kind) } }
        return message(type: 16, flags: 2, sequence: sequence, payload: payload.bytes)
    }
}
