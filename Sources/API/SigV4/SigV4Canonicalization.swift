/// Building the canonical request of Signature Version 4 exactly as botocore's `SigV4Auth` does, since
/// the aws CLI is the client berthd must agree with byte for byte.
enum SigV4Canonicalization {
    /// Method, canonical URI, canonical query, canonical headers, signed headers, payload hash.
    static func canonicalRequest(
        method: String, uri: String, headerValues: [(name: String, values: [String])], signedHeaders: String,
        payloadHash: String
    ) -> String {
        let (path, query) = splitTarget(uri)
        let headerLines = headerValues.map { "\($0.name):\($0.values.map(trimAll).joined(separator: ","))\n" }
        return [
            method.uppercased(), canonicalURI(path), canonicalQuery(query), headerLines.joined(), signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
    }

    /// The path and (if there is a "?") the query of a request target.
    static func splitTarget(_ uri: String) -> (path: Substring, query: Substring?) {
        guard let questionMark = uri.firstIndex(of: "?") else { return (uri[...], nil) }
        return (uri[..<questionMark], uri[uri.index(after: questionMark)...])
    }

    /// Dot segments removed and empty segments dropped (AWS wants repeated slashes collapsed), then
    /// URI-encoded keeping only unreserved characters and "/". The path arrives already percent-encoded,
    /// so its "%" become "%25": that double encoding is what SigV4 asks of every service but S3.
    static func canonicalURI(_ path: Substring) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
            } else {
                segments.append(segment)
            }
        }
        var normalized = path.hasPrefix("/") ? "/" : ""
        normalized += segments.joined(separator: "/")
        if path.hasSuffix("/") && !segments.isEmpty { normalized += "/" }
        return percentEncode(normalized, keepingSlash: true)
    }

    /// The query's "name=value" pairs sorted by name, then value, as botocore sorts a query that is
    /// part of the URL (it does not re-encode it, so neither do we).
    static func canonicalQuery(_ query: Substring?) -> String {
        guard let query, !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: false).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (name: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : "")
        }
        // Python sorts strings by code point; comparing UTF-8 bytes gives the same order.
        let sorted = pairs.sorted { left, right in
            if left.name != right.name { return left.name.utf8.lexicographicallyPrecedes(right.name.utf8) }
            return left.value.utf8.lexicographicallyPrecedes(right.value.utf8)
        }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// SigV4's Trimall: no leading or trailing whitespace, and every run of whitespace one space.
    static func trimAll(_ value: String) -> String {
        value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// RFC 3986 percent-encoding with uppercase hex, leaving A-Z a-z 0-9 - . _ ~ (and "/" if asked).
    static func percentEncode(_ text: String, keepingSlash: Bool) -> String {
        let hexDigits = Array("0123456789ABCDEF".utf8)
        var encoded = [UInt8]()
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                encoded.append(byte)
            } else {
                encoded += [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}
