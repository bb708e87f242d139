/// An image reference parsed and normalized by Docker's rules (github.com/distribution/reference):
/// lowercase repository paths, docker.io as the default registry, "library/" for single-component
/// Docker Hub names, and "latest" when neither tag nor digest is given.
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    public static let defaultDomain = "docker.io"
    public static let defaultTag = "latest"
    static let legacyDefaultDomain = "index.docker.io"
    static let officialRepositoryPrefix = "library/"
    static let maximumNameLength = 255
    static let maximumTagLength = 128

    /// The registry host with optional port, e.g. "docker.io" or "localhost:5000".
    public var domain: String
    /// The repository path inside the registry, e.g. "library/nginx".
    public var path: String
    public var tag: String?
    /// "algorithm:hex", e.g. "sha256:…".
    public var digest: String?

    /// "docker.io/library/nginx".
    public var repository: String { domain + "/" + path }

    /// "docker.io/library/nginx:latest", or with "@sha256:…" for a digest reference.
    public var normalized: String { repository + suffix }

    /// Docker's FamiliarString: "nginx:latest", "user/app:1", "localhost:5000/x:1".
    public var familiar: String { familiarRepository + suffix }

    /// The repository as Docker prints it: without "docker.io/" and, for official images, without "library/".
    public var familiarRepository: String {
        guard domain == ImageReference.defaultDomain else { return repository }
        if path.hasPrefix(ImageReference.officialRepositoryPrefix) {
            let rest = path.dropFirst(ImageReference.officialRepositoryPrefix.count)
            if !rest.contains("/") { return String(rest) }
        }
        return path
    }

    public var description: String { familiar }

    private var suffix: String {
        var text = ""
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest }
        return text
    }

    init(domain: String, path: String, tag: String?, digest: String?) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// Parses `text` the way `docker pull`/`docker tag` do, adding ":latest" when neither tag nor digest is given.
    public static func parse(_ text: String) throws -> ImageReference {
        func invalid(_ reason: String) -> ImageError { .invalidReference(text, reason) }

        guard !text.isEmpty else { throw invalid("reference is empty") }
        if text.utf8.count == 64, Digest.isHex(text) {
            throw invalid("a 64-character hex string is an image id, not a repository name")
        }

        var rest = Substring(text)
        var digest: String?
        if let at = rest.firstIndex(of: "@") {
            digest = try parseDigest(String(rest[rest.index(after: at)...]), in: text)
            rest = rest[..<at]
        }

        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        let nameEnd = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[nameEnd...].lastIndex(of: ":") {
            let tagText = String(rest[rest.index(after: colon)...])
            try validateTag(tagText, in: text)
            tag = tagText
            rest = rest[..<colon]
        }

        guard !rest.isEmpty else { throw invalid("repository name is empty") }
        var (domain, path) = splitDomain(String(rest))
        if domain == legacyDefaultDomain { domain = defaultDomain }
        if domain == defaultDomain, !path.contains("/") { path = officialRepositoryPrefix + path }

        try validateDomain(domain, in: text)
        try validatePath(path, in: text)
        let nameLength = domain.utf8.count + 1 + path.utf8.count
        guard nameLength <= maximumNameLength else {
            throw invalid("repository name is \(nameLength) characters long; the limit is \(maximumNameLength)")
        }
        if tag == nil, digest == nil { tag = defaultTag }
        return ImageReference(domain: domain, path: path, tag: tag, digest: digest)
    }

    /// Docker's splitDockerDomain: the first component is a registry only if it looks like a host
    /// (has "." or ":", is "localhost", or has uppercase letters, which repository paths never do).
    private static func splitDomain(_ name: String) -> (String, String) {
        guard let slash = name.firstIndex(of: "/") else { return (defaultDomain, name) }
        let first = name[..<slash]
        let looksLikeHost =
            first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first
        guard looksLikeHost else { return (defaultDomain, name) }
        return (String(first), String(name[name.index(after: slash)...]))
    }

    private static func validateTag(_ tag: String, in text: String) throws {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first else { throw ImageError.invalidReference(text, "tag is empty") }
        guard bytes.count <= maximumTagLength else {
            throw ImageError.invalidReference(text, "tag is longer than \(maximumTagLength) characters")
        }
        let isWord: (UInt8) -> Bool = { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
        guard isWord(first), bytes.allSatisfy({ isWord($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") })
        else {
            throw ImageError.invalidReference(
                text,
                "tag \"\(tag)\" may only use letters, digits, \"_\", \".\" and \"-\" and must not start with"
                    + " \".\" or \"-\"")
        }
    }

    private static func validateDomain(_ domain: String, in text: String) throws {
        func invalid(_ reason: String) -> ImageError { .invalidReference(text, "registry \"\(domain)\" \(reason)") }
        var host = Substring(domain)
        if let colon = domain.lastIndex(of: ":"), !domain.hasSuffix("]") {
            let port = domain[domain.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw invalid("has a port that is not a number")
            }
            host = domain[..<colon]
        }
        if host.hasPrefix("[") {
            // An IPv6 literal such as "[::1]"; its inside is hex digits and colons (and dots for a mapped IPv4).
            let inside = host.dropFirst().dropLast()
            let allowed = inside.utf8.allSatisfy {
                isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".")
            }
            guard host.hasSuffix("]"), !inside.isEmpty, allowed else { throw invalid("is not a valid IPv6 address") }
            return
        }
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last else { throw invalid("has an empty host component") }
            guard isAlphanumeric(first), isAlphanumeric(last),
                bytes.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { throw invalid("has an invalid host component \"\(label)\"") }
        }
    }

    /// Each path component matches `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`.
    private static func validatePath(_ path: String, in text: String) throws {
        if path.lowercased() != path {
            throw ImageError.invalidReference(text, "repository name \"\(path)\" must be lowercase")
        }
        for component in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard isValidPathComponent(Array(component.utf8)) else {
                throw ImageError.invalidReference(
                    text,
                    "repository path component \"\(component)\" must be lowercase letters and digits, separated by"
                        + " \".\", \"_\", \"__\" or dashes")
            }
        }
    }

    private static func isValidPathComponent(_ bytes: [UInt8]) -> Bool {
        let isLowerAlnum: (UInt8) -> Bool = { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) }
        var index = 0
        func alnumRun() -> Bool {
            let start = index
            while index < bytes.count, isLowerAlnum(bytes[index]) { index += 1 }
            return index > start
        }
        guard alnumRun() else { return false }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                index += 1
            } else if byte == UInt8(ascii: "_") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "_") { index += 1 }
            } else if byte == UInt8(ascii: "-") {
                while index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            } else {
                return false
            }
            guard alnumRun() else { return false }
        }
        return true
    }

    private static func parseDigest(_ digest: String, in text: String) throws -> String {
        guard let colon = digest.firstIndex(of: ":") else {
            throw ImageError.invalidReference(text, "digest \"\(digest)\" is not of the form algorithm:hex")
        }
        let algorithm = String(digest[..<colon])
        let hex = String(digest[digest.index(after: colon)...])
        let expectedLength: Int
        switch algorithm {
        case "sha256": expectedLength = 64
        case "sha384": expectedLength = 96
        case "sha512": expectedLength = 128
        default:
            throw ImageError.invalidReference(text, "digest algorithm \"\(algorithm)\" is not supported")
        }
        guard hex.utf8.count == expectedLength, Digest.isHex(hex) else {
            throw ImageError.invalidReference(
                text, "\(algorithm) digest must be \(expectedLength) lowercase hex characters")
        }
        return digest
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }
}
