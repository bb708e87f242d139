import Foundation

/// The parts of an HTTP request that a Signature Version 4 signature covers, as they arrived.
public struct SigV4Request: Sendable {
    public var method: String
    /// The request target exactly as on the request line: the path, and the query after "?" if any.
    public var uri: String
    /// Every header line in arrival order; names in any case, repeated names kept.
    public var headers: [(name: String, value: String)]
    public var body: Data

    public init(method: String, uri: String, headers: [(name: String, value: String)], body: Data) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// Every value of the header `name` (case-insensitive), in arrival order.
    func values(of name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name }.map(\.value)
    }

    /// The first value of the header `name` (case-insensitive).
    func value(of name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }
}

/// Who signed a request that verified.
public struct SigV4Identity: Sendable, Equatable {
    public var accessKeyId: String
    /// The region of the credential scope: berthd serves every region the client asks for.
    public var region: String

    public init(accessKeyId: String, region: String) {
        self.accessKeyId = accessKeyId
        self.region = region
    }
}
