/// One challenge of a `WWW-Authenticate` header (RFC 7235): a scheme and its parameters.
/// Registries send `Bearer realm="…",service="…",scope="…"` (token auth) or `Basic realm="…"` (htpasswd).
struct AuthChallenge: Sendable, Equatable {
    /// Lowercased: schemes are case-insensitive.
    var scheme: String
    /// Keys lowercased, values unquoted.
    var parameters: [String: String]

    var realm: String? { parameters["realm"] }

    /// Every challenge in the given header values; a header may hold several, comma-separated, and a
    /// response may repeat the header. Malformed trailing text is dropped rather than failing the pull.
    static func parse(_ headerValues: [String]) -> [AuthChallenge] {
        headerValues.flatMap { parse(Array($0.utf8)) }
    }

    private static func parse(_ bytes: [UInt8]) -> [AuthChallenge] {
        var scanner = HeaderScanner(bytes: bytes)
        var challenges: [AuthChallenge] = []
        while true {
            scanner.skip { $0 == comma || isSpace($0) }
            guard let scheme = scanner.token() else { break }
            var parameters: [String: String] = [:]
            while true {
                scanner.skip(isSpace)
                let mark = scanner.index
                guard let key = scanner.token() else {
                    // token68 or junk: skip to the next comma.
                    scanner.skip { $0 != comma }
                    if !scanner.consume(comma) { break }
                    continue
                }
                scanner.skip(isSpace)
                guard scanner.consume(equals) else {
                    // A bare token after parameters starts the next challenge.
                    scanner.index = mark
                    break
                }
                scanner.skip(isSpace)
                let value = scanner.peek() == quote ? scanner.quotedString() : (scanner.token() ?? "")
                parameters[key.lowercased()] = value
                scanner.skip(isSpace)
                if !scanner.consume(comma) { break }
            }
            challenges.append(AuthChallenge(scheme: scheme.lowercased(), parameters: parameters))
            if scanner.atEnd { break }
        }
        return challenges
    }
}

private let comma = UInt8(ascii: ",")
private let equals = UInt8(ascii: "=")
private let quote = UInt8(ascii: "\"")
private let backslash = UInt8(ascii: "\\")

private func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

/// RFC 7230 tchar.
private func isTokenCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5a, 0x61...0x7a: return true
    default: return Array("!#$%&'*+-.^_`|~/:".utf8).contains(byte)
    }
}

private struct HeaderScanner {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index >= bytes.count }

    func peek() -> UInt8? { atEnd ? nil : bytes[index] }

    mutating func skip(_ predicate: (UInt8) -> Bool) {
        while index < bytes.count, predicate(bytes[index]) { index += 1 }
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    mutating func token() -> String? {
        let start = index
        skip(isTokenCharacter)
        return index > start ? String(decoding: bytes[start..<index], as: UTF8.self) : nil
    }

    /// A quoted-string with backslash escapes; an unterminated one runs to the end.
    mutating func quotedString() -> String {
        index += 1
        var value: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == quote { break }
            if byte == backslash, index < bytes.count {
                value.append(bytes[index])
                index += 1
            } else {
                value.append(byte)
            }
        }
        return String(decoding: value, as: UTF8.self)
    }
}
