import NIOSSL

/// The seam between the distribution protocol (HEAD then GET, challenges, redirects, resumes) and the
/// network: `AsyncHTTPTransport` in production, a scripted fake in unit tests. A transport sends exactly
/// the request it is given: no redirects, no retries, no auth.
protocol HTTPTransport: Sendable {
    func send(_ request: TransportRequest) async throws(TransportError) -> TransportResponse
    func shutdown() async throws
}

struct TransportRequest: Sendable {
    var method: String
    var url: RequestURL
    var headers: HeaderFields
    /// For https: the roots and verification to use for this registry.
    var tls: TLSConfiguration?
    /// Only the OAuth2 token exchange sends one.
    var body: [UInt8]?

    init(
        method: String, url: RequestURL, headers: HeaderFields = HeaderFields(), tls: TLSConfiguration? = nil,
        body: [UInt8]? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.tls = tls
        self.body = body
    }
}

struct TransportResponse: Sendable {
    var status: Int
    var reason: String
    var headers: HeaderFields
    var body: ResponseBody
}

/// Header fields in order; names compare case-insensitively.
struct HeaderFields: Sendable, ExpressibleByDictionaryLiteral {
    var fields: [(name: String, value: String)]

    init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    subscript(name: String) -> String? { values(name).first }

    func values(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return fields.filter { $0.name.lowercased() == lowered }.map(\.value)
    }

    mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    mutating func remove(_ name: String) {
        let lowered = name.lowercased()
        fields.removeAll { $0.name.lowercased() == lowered }
    }
}

/// A response body read chunk by chunk, so a layer never sits whole in memory. Read by one task at a time.
final class ResponseBody: @unchecked Sendable {
    private let pull: () async throws(TransportError) -> [UInt8]?
    private let cancel: () -> Void

    init(pull: @escaping () async throws(TransportError) -> [UInt8]?, cancel: @escaping () -> Void = {}) {
        self.pull = pull
        self.cancel = cancel
    }

    static let empty = ResponseBody(pull: { nil })

    /// The next chunk, nil at the end; throws if the connection broke off.
    func next() async throws(TransportError) -> [UInt8]? { try await pull() }

    /// Drops what is left unread, so the connection does not hold it.
    func discard() { cancel() }

    /// At most `limit` bytes; nil (and reading stopped) if the body is longer.
    func collect(upTo limit: Int) async throws(TransportError) -> [UInt8]? {
        var bytes: [UInt8] = []
        while let chunk = try await next() {
            guard bytes.count + chunk.count <= limit else {
                discard()
                return nil
            }
            bytes += chunk
        }
        return bytes
    }
}

/// Why a request got no (complete) answer, in Go's net wording where the daemon shows it to users.
struct TransportError: Error, Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Refused, unreachable, DNS, connect timeout.
        case connect
        case tls
        /// The connection broke off mid-response: retry, resuming if it was a blob.
        case interrupted
        case other
    }

    var kind: Kind
    /// "dial tcp 127.0.0.1:1: connect: connection refused", "unexpected EOF".
    var reason: String
}
