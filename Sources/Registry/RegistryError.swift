/// Every way a pull, login or credential lookup fails. Descriptions read as containerd's do, so the
/// daemon can put them after `CannotPullContainerError: ` as Fargate does. None ever holds a password,
/// token or Authorization header.
public indirect enum RegistryError: Error, Sendable, CustomStringConvertible {
    /// The reference's manifest does not exist: `docker.io/library/nginx:nope: not found`.
    case notFound(reference: String)
    /// Anything that went wrong while resolving `reference`, in containerd's wrapping.
    case failedToResolve(reference: String, RegistryError)
    /// A 401 that survived a fresh token or the registry's Basic credentials; also a failed `login`.
    case unauthorized(method: String, url: String, serverMessage: String?)
    /// 403, 404 of a blob, 5xx and any other status the protocol does not expect.
    case unexpectedStatus(method: String, url: String, status: Int, reason: String, serverMessage: String?)
    /// 429: Docker Hub's pull rate limit, as containerd reports it (`toomanyrequests: …`).
    case tooManyRequests(message: String)
    /// The request never got an answer: refused, reset, timed out, DNS. `reason` is Go's wording.
    case transport(method: String, url: String, reason: String)
    /// The TLS handshake failed: usually a private CA.
    case tls(host: String, method: String, url: String, reason: String)
    /// Content did not hash to what named it.
    case digestMismatch(what: String, expected: String, actual: String)
    /// A blob was longer or shorter than its descriptor says.
    case sizeMismatch(digest: String, expected: Int64, actual: Int64)
    case manifestTooLarge(reference: String, size: Int?, limit: Int)
    case unsupportedMediaType(reference: String, mediaType: String)
    case unsupportedSchemaVersion(reference: String, version: Int)
    case invalidManifest(reference: String, reason: String)
    /// No entry of an index fits this host; Docker's text.
    case noMatchingPlatform(platform: String)
    case tooManyRedirects(url: String)
    /// The registry answered something the protocol does not allow (a bad token answer, a malformed header).
    case invalidResponse(url: String, reason: String)
    /// registries.conf marks the registry `blocked = true`.
    case blocked(registry: String, file: String)
    /// A configuration file (registries.conf, a certs.d file) cannot be used.
    case configuration(file: String, reason: String)
    /// An auth file or credential helper failed.
    case credentials(source: String, reason: String)
    /// Writing the blob to disk failed.
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let reference):
            return "\(reference): not found"
        case .failedToResolve(let reference, let cause):
            return "failed to resolve reference \"\(reference)\": \(cause)"
        case .unauthorized(let method, let url, let serverMessage):
            return "unexpected status from \(method) request to \(url): 401 Unauthorized"
                + (serverMessage.map { ": \($0)" } ?? "")
        case .unexpectedStatus(let method, let url, let status, let reason, let serverMessage):
            return "unexpected status from \(method) request to \(url): \(status) \(reason)"
                + (serverMessage.map { ": \($0)" } ?? "")
        case .tooManyRequests(let message):
            return "toomanyrequests: \(message)"
        case .transport(let method, let url, let reason):
            return "failed to do request: \(goMethod(method)) \"\(url)\": \(reason)"
        case .tls(let host, let method, let url, let reason):
            return
                "failed to do request: \(goMethod(method)) \"\(url)\": tls: \(reason); if \(host) uses a private CA, put it in"
                + " /etc/containers/certs.d/\(host)/ca.crt, or mark the registry insecure in registries.conf"
        case .digestMismatch(let what, let expected, let actual):
            return "unexpected commit digest \(actual), expected \(expected) for \(what): failed precondition"
        case .sizeMismatch(let digest, let expected, let actual):
            return "unexpected commit size \(actual), expected \(expected) for \(digest): failed precondition"
        case .manifestTooLarge(let reference, let size, let limit):
            return
                "rejecting \(size.map(String.init) ?? "more than \(limit)") byte manifest for \(reference): larger than the \(limit) byte limit"
        case .unsupportedMediaType(let reference, let mediaType):
            return "unsupported manifest media type \"\(mediaType)\" for \(reference)"
        case .unsupportedSchemaVersion(let reference, let version):
            return "unsupported manifest schema version \(version) for \(reference): only schema 2 is supported"
        case .invalidManifest(let reference, let reason):
            return "invalid manifest for \(reference): \(reason)"
        case .noMatchingPlatform(let platform):
            return "no matching manifest for \(platform) in the manifest list entries"
        case .tooManyRedirects(let url):
            return "stopped after too many redirects fetching \(url)"
        case .invalidResponse(let url, let reason):
            return "invalid response from \(url): \(reason)"
        case .blocked(let registry, let file):
            return "registry \(registry) is blocked in \(file)"
        case .configuration(let file, let reason):
            return "\(file): \(reason)"
        case .credentials(let source, let reason):
            return "credentials from \(source): \(reason)"
        case .file(let path, let reason):
            return "\(path): \(reason)"
        }
    }

    /// Whether another attempt may succeed: transport failures, 5xx and 429 (the registry's own retry
    /// advice); never 401/403/404 or bad content, which would fail the same way again.
    public var isRetryable: Bool {
        switch self {
        case .transport, .tooManyRequests: return true
        case .unexpectedStatus(_, _, let status, _, _): return status >= 500
        case .failedToResolve(_, let cause): return cause.isRetryable
        default: return false
        }
    }

    /// The cause under containerd's "failed to resolve reference" wrapping.
    public var underlying: RegistryError {
        if case .failedToResolve(_, let cause) = self { return cause.underlying }
        return self
    }

    /// Go's net/http spells methods this way in `Head "https://…"`.
    private func goMethod(_ method: String) -> String {
        method.prefix(1).uppercased() + method.dropFirst().lowercased()
    }
}
