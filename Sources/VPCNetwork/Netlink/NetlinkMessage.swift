/// rtnetlink wire constants (linux/netlink.h, linux/rtnetlink.h, linux/if_link.h, linux/veth.h). They are
/// kernel ABI, so they are spelled here once instead of pulled from headers Swift's Glibc does not import.
enum RT {
    static let NLMSG_ERROR: UInt16 = 2
    static let NLMSG_DONE: UInt16 = 3
    static let RTM_NEWLINK: UInt16 = 16
    static let RTM_DELLINK: UInt16 = 17
    static let RTM_GETLINK: UInt16 = 18
    static let RTM_SETLINK: UInt16 = 19
    static let RTM_NEWADDR: UInt16 = 20
    static let RTM_DELADDR: UInt16 = 21
    static let RTM_NEWROUTE: UInt16 = 24

    static let NLM_F_REQUEST: UInt16 = 0x1
    static let NLM_F_MULTI: UInt16 = 0x2
    static let NLM_F_ACK: UInt16 = 0x4
    static let NLM_F_DUMP: UInt16 = 0x300
    static let NLM_F_EXCL: UInt16 = 0x200
    static let NLM_F_CREATE: UInt16 = 0x400
    static let NLA_F_NESTED: UInt16 = 0x8000

    static let AF_UNSPEC: UInt8 = 0
    static let AF_INET: UInt8 = 2
    static let AF_BRIDGE: UInt8 = 7
    static let IFF_UP: UInt32 = 0x1

    static let IFLA_ADDRESS: UInt16 = 1
    static let IFLA_IFNAME: UInt16 = 3
    static let IFLA_MASTER: UInt16 = 10
    static let IFLA_PROTINFO: UInt16 = 12
    static let IFLA_LINKINFO: UInt16 = 18
    static let IFLA_NET_NS_FD: UInt16 = 28
    static let IFLA_INFO_KIND: UInt16 = 1
    static let IFLA_INFO_DATA: UInt16 = 2
    static let VETH_INFO_PEER: UInt16 = 1
    static let IFLA_BRPORT_ISOLATED: UInt16 = 33

    static let IFA_ADDRESS: UInt16 = 1
    static let IFA_LOCAL: UInt16 = 2
    static let IFA_BROADCAST: UInt16 = 4

    static let RTA_OIF: UInt16 = 4
    static let RTA_GATEWAY: UInt16 = 5
    static let RT_TABLE_MAIN: UInt8 = 254
    static let RTPROT_BOOT: UInt8 = 3
    static let RT_SCOPE_UNIVERSE: UInt8 = 0
    static let RTN_UNICAST: UInt8 = 1
}

/// Little helpers for the native-endian, 4-byte-aligned netlink encoding.
struct NetlinkWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    mutating func pad() { while bytes.count % 4 != 0 { bytes.append(0) } }

    /// An attribute with a raw payload.
    mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        u16(UInt16(4 + payload.count))
        u16(type)
        bytes.append(contentsOf: payload)
        pad()
    }

    mutating func attribute(_ type: UInt16, string: String) { attribute(type, Array(string.utf8) + [0]) }
    mutating func attribute(_ type: UInt16, u32 value: UInt32) {
        attribute(type, withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// A nested attribute whose payload `body` writes; its length is patched in afterwards.
    mutating func nested(_ type: UInt16, _ body: (inout NetlinkWriter) -> Void) {
        let start = bytes.count
        u16(0)
        u16(type | RT.NLA_F_NESTED)
        body(&self)
        pad()
        let length = UInt16(bytes.count - start)
        bytes[start] = UInt8(length & 0xff)
        bytes[start + 1] = UInt8(length >> 8)
    }

    /// struct ifinfomsg (16 bytes).
    mutating func ifinfomsg(family: UInt8 = RT.AF_UNSPEC, index: Int32 = 0, flags: UInt32 = 0, change: UInt32 = 0) {
        u8(family)
        u8(0)
        u16(0)
        i32(index)
        u32(flags)
        u32(change)
    }
}

/// One request: nlmsghdr + body. `encoded` fills in the length, sequence number and port 0 (the kernel).
public struct NetlinkRequest: Sendable, Equatable {
    public var type: UInt16
    public var flags: UInt16
    public var body: [UInt8]

    public func encoded(sequence: UInt32) -> [UInt8] {
        var writer = NetlinkWriter()
        writer.u32(UInt32(16 + body.count))
        writer.u16(type)
        writer.u16(flags)
        writer.u32(sequence)
        writer.u32(0)
        writer.bytes += body
        return writer.bytes
    }
}

/// A message the kernel sent: its header fields and payload (after the 16-byte header).
public struct NetlinkReply: Sendable, Equatable {
    public var type: UInt16
    public var flags: UInt16
    public var sequence: UInt32
    public var payload: [UInt8]

    /// Splits a datagram into messages. A truncated message ends the parse.
    public static func parse(_ datagram: [UInt8]) -> [NetlinkReply] {
        var replies: [NetlinkReply] = []
        var offset = 0
        while offset + 16 <= datagram.count {
            let length = Int(datagram.u32(at: offset))
            guard length >= 16, offset + length <= datagram.count else { break }
            replies.append(
                NetlinkReply(
                    type: datagram.u16(at: offset + 4), flags: datagram.u16(at: offset + 6),
                    sequence: datagram.u32(at: offset + 8), payload: Array(datagram[offset + 16..<offset + length])))
            offset += (length + 3) & ~3
        }
        return replies
    }

    /// For NLMSG_ERROR: the (positive) errno, or 0 for an acknowledgement.
    public var errorCode: Int32? {
        guard type == RT.NLMSG_ERROR, payload.count >= 4 else { return nil }
        return -Int32(bitPattern: payload.u32(at: 0))
    }
}

/// Attributes (type, payload) of a region, nested flag stripped.
func netlinkAttributes(_ bytes: ArraySlice<UInt8>) -> [(type: UInt16, payload: ArraySlice<UInt8>)] {
    var result: [(UInt16, ArraySlice<UInt8>)] = []
    var offset = bytes.startIndex
    while offset + 4 <= bytes.endIndex {
        let length = Int(bytes.u16(at: offset))
        guard length >= 4, offset + length <= bytes.endIndex else { break }
        result.append((bytes.u16(at: offset + 2) & 0x3fff, bytes[offset + 4..<offset + length]))
        offset += (length + 3) & ~3
    }
    return result
}

extension Collection where Element == UInt8, Index == Int {
    func u16(at offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(at offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16
            | UInt32(self[offset + 3]) << 24
    }
}

/// A link as RTM_GETLINK reports it.
public struct LinkInfo: Sendable, Equatable {
    public var index: Int32
    public var name: String
    /// IFLA_INFO_KIND: "veth", "bridge", … (nil for physical devices and lo).
    public var kind: String?
    public var masterIndex: Int32?
    public var flags: UInt32

    /// Decodes an RTM_NEWLINK payload (ifinfomsg + attributes).
    static func decode(_ payload: [UInt8]) -> LinkInfo? {
        guard payload.count >= 16 else { return nil }
        var info = LinkInfo(
            index: Int32(bitPattern: payload.u32(at: 4)), name: "", kind: nil, masterIndex: nil,
            flags: payload.u32(at: 8))
        for (type, value) in netlinkAttributes(payload[16...]) {
            switch type {
            case RT.IFLA_IFNAME: info.name = String(decoding: value.prefix { $0 != 0 }, as: UTF8.self)
            case RT.IFLA_MASTER where value.count >= 4:
                info.masterIndex = Int32(bitPattern: value.u32(at: value.startIndex))
            case RT.IFLA_LINKINFO:
                for (inner, kind) in netlinkAttributes(value) where inner == RT.IFLA_INFO_KIND {
                    info.kind = String(decoding: kind.prefix { $0 != 0 }, as: UTF8.self)
                }
            default: break
            }
        }
        return info
    }
}
