/// Who is calling and how: handed to the `ECSOperationHandler` with every operation.
public struct RequestContext: Sendable, Equatable {
    /// How the request reached berthd, and what that says about the caller.
    public enum Caller: Sendable, Equatable {
        /// The Unix socket: the file's permissions (root and group `berth`) were the authentication.
        case unixSocket
        /// Loopback TCP with a verified SigV4 signature by `accessKeyId`, scoped to `region`
        /// (any region is accepted; it is the one the client's SDK signed for, useful for ARNs).
        case tcp(accessKeyId: String, region: String)
    }

    /// The `x-amzn-RequestId` of the response (a lowercase UUID), for log lines about this request.
    public var requestId: String
    public var caller: Caller

    public init(requestId: String, caller: Caller) {
        self.requestId = requestId
        self.caller = caller
    }

    /// The access key id that signed the request; nil over the Unix socket.
    public var accessKeyId: String? {
        if case .tcp(let accessKeyId, _) = caller { return accessKeyId }
        return nil
    }

    /// The region of the signature's credential scope; nil over the Unix socket.
    public var signingRegion: String? {
        if case .tcp(_, let region) = caller { return region }
        return nil
    }

    public var isUnixSocket: Bool { caller == .unixSocket }
}
