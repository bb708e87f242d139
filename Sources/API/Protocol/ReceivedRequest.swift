import Foundation

/// A complete HTTP request as the connection read it, before any ECS meaning is given to it.
struct ReceivedRequest: Sendable {
    var method: String
    /// The request target as on the request line: path, then "?query" if any.
    var uri: String
    var headers: [(name: String, value: String)]
    var body: Data

    var path: Substring { SigV4Canonicalization.splitTarget(uri).path }

    /// The first value of the header `name` (case-insensitive).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name }?.value
    }

    var asSigV4Request: SigV4Request {
        SigV4Request(method: method, uri: uri, headers: headers, body: body)
    }
}

/// How a listener authenticates its callers.
enum CallerAuthentication: Sendable {
    /// The Unix socket: only root and group `berth` can connect, so connecting is the authentication.
    case socketPermissions
    /// Loopback TCP: anyone on the machine can connect, so every request must be signed.
    case sigV4(SigV4Verifier)
}
