/// A URL split as far as redirects and credentials need it.
struct RequestURL: Sendable, Equatable, CustomStringConvertible {
    var scheme: String
    /// Lowercased host, with brackets for IPv6.
    var host: String
    var port: Int
    /// Path and query, starting with "/".
    var pathAndQuery: String

    init(scheme: String, host: String, port: Int? = nil, pathAndQuery: String) {
        self.scheme = scheme.lowercased()
        self.host = host.lowercased()
        self.port = port ?? (self.scheme == "http" ? 80 : 443)
        self.pathAndQuery = pathAndQuery.isEmpty ? "/" : pathAndQuery
    }

    /// "host" or "host:port" when the port is not the scheme's default.
    var authority: String {
        let defaultPort = scheme == "http" ? 80 : 443
        return port == defaultPort ? host : "\(host):\(port)"
    }

    var description: String { "\(scheme)://\(authority)\(pathAndQuery)" }

    /// Absolute http(s) URLs only.
    static func parse(_ text: String) -> RequestURL? {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        let pathStart = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<pathStart]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var pathAndQuery = String(rest[pathStart...])
        if let hash = pathAndQuery.firstIndex(of: "#") { pathAndQuery = String(pathAndQuery[..<hash]) }
        if pathAndQuery.hasPrefix("?") { pathAndQuery = "/" + pathAndQuery }
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                return nil
            }
            port = number
            host = authority[..<colon]
        }
        guard !host.isEmpty else { return nil }
        return RequestURL(scheme: scheme, host: String(host), port: port, pathAndQuery: pathAndQuery)
    }

    /// A Location header resolved against this URL: absolute, scheme-relative ("//host/…") or path-absolute.
    func resolving(location: String) -> RequestURL? {
        if location.hasPrefix("//") { return RequestURL.parse(scheme + ":" + location) }
        if location.hasPrefix("/") { return RequestURL(scheme: scheme, host: host, port: port, pathAndQuery: location) }
        if let absolute = RequestURL.parse(location) { return absolute }
        // Relative to the current directory: rare from registries, but cheap to honour.
        let path = pathAndQuery.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
        let directory = path.hasSuffix("/") ? path : String(path[...(path.lastIndex(of: "/") ?? path.startIndex)])
        return RequestURL(scheme: scheme, host: host, port: port, pathAndQuery: directory + location)
    }
}

/// Redirect decisions for blob downloads. The distribution spec requires clients not to forward
/// credentials on a redirect to another host; object stores behind registries reject a request that
/// carries both a presigned query and an Authorization header (S3: 400 "Only one auth mechanism allowed").
enum RedirectRules {
    static let followedStatuses: Set<Int> = [301, 302, 303, 307, 308]
    static let maximumRedirects = 10
    /// Presigned URLs expire (~5 minutes on S3): a 403 from the redirect target sends us back to the
    /// registry for a fresh one, this many times.
    static let maximumFreshRedirects = 3

    /// `Authorization` goes only to the registry's own scheme, host and port.
    static func mayForwardAuthorization(from registry: RequestURL, to target: RequestURL) -> Bool {
        registry.scheme == target.scheme && registry.host == target.host && registry.port == target.port
    }
}
