/// rtnetlink operations over a `NetlinkSocket`: each request waits for the kernel's acknowledgement and
/// turns an NLMSG_ERROR into `NetworkError.netlink` naming the step.
public final class RouteNetlink {
    private let socket: any NetlinkSocket
    private var sequence: UInt32 = 0

    public init(socket: any NetlinkSocket) { self.socket = socket }

    /// Sends `request` and waits for its acknowledgement.
    public func execute(_ request: NetlinkRequest, step: @autoclosure () -> String) throws(NetworkError) {
        _ = try exchange(request, step: step())
    }

    /// Sends `request` and collects the replies up to its acknowledgement, NLMSG_DONE, or (for a plain get)
    /// the single answer.
    @discardableResult
    func exchange(_ request: NetlinkRequest, step: String) throws(NetworkError) -> [NetlinkReply] {
        sequence &+= 1
        let sequence = sequence
        try socket.send(request.encoded(sequence: sequence))
        var collected: [NetlinkReply] = []
        let dump = request.flags & RT.NLM_F_DUMP == RT.NLM_F_DUMP
        let wantsAck = request.flags & RT.NLM_F_ACK != 0
        while true {
            let replies = NetlinkReply.parse(try socket.receive())
            if replies.isEmpty { throw .netlink(step: step, errno: 71) }  // EPROTO: a datagram that is no message
            for reply in replies where reply.sequence == sequence {
                if let code = reply.errorCode {
                    if code != 0 { throw .netlink(step: step, errno: code) }
                    return collected
                }
                if reply.type == RT.NLMSG_DONE { return collected }
                collected.append(reply)
                if !dump && !wantsAck { return collected }
            }
        }
    }

    public func link(named name: String) throws(NetworkError) -> LinkInfo? {
        do {
            let replies = try exchange(RouteRequests.getLink(name: name), step: "find link \(name)")
            return replies.first.flatMap { LinkInfo.decode($0.payload) }
        } catch .netlink(_, let errno) where errno == 19 {  // ENODEV
            return nil
        }
    }

    public func links() throws(NetworkError) -> [LinkInfo] {
        try exchange(RouteRequests.dumpLinks(), step: "list links").compactMap { reply in
            reply.type == RT.RTM_NEWLINK ? LinkInfo.decode(reply.payload) : nil
        }
    }

    /// The index of an existing link, or `.netlink(ENODEV)`.
    public func index(of name: String) throws(NetworkError) -> Int32 {
        guard let link = try link(named: name) else { throw .netlink(step: "find link \(name)", errno: 19) }
        return link.index
    }

    /// Deletes a link; false if it did not exist (a veth vanishes with its namespace).
    @discardableResult
    public func deleteLink(named name: String) throws(NetworkError) -> Bool {
        do {
            try execute(RouteRequests.deleteLink(name: name), step: "delete link \(name)")
            return true
        } catch .netlink(_, let errno) where errno == 19 {
            return false
        }
    }
}
