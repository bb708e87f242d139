import Foundation

extension JSON {
    /// Parses JSON text as Python's `json.loads` does, so a repeated key keeps its first
    /// position with its last value, and malformed text throws Python's message and position.
    ///
    /// `allowingNaN`: Python also reads the literals `NaN`, `Infinity` and `-Infinity`
    /// (the aws CLI's input does); RFC 8259, and so an API's request body, does not: without
    /// them they are `Expecting value`.
    public static func parse(_ text: String, allowingNaN: Bool = true) throws(JSONSyntaxError) -> JSON {
        var parser = JSONParser(Array(text.unicodeScalars), allowingNaN: allowingNaN)
        return try parser.parseDocument()
    }

    /// Parses UTF-8 JSON data (see `parse(_:allowingNaN:)`).
    public static func parse(_ data: Data, allowingNaN: Bool = true) throws(JSONSyntaxError) -> JSON {
        guard let text = String(data: data, encoding: .utf8) else {
            throw JSONSyntaxError(message: "Input is not valid UTF-8", line: 1, column: 1, offset: 0)
        }
        return try parse(text, allowingNaN: allowingNaN)
    }
}

/// Malformed JSON, described the way Python's json module does:
/// `Expecting value: line 1 column 1 (char 0)`.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// 1-based line and column, 0-based offset, all counted in Unicode scalars.
    public var line: Int
    public var column: Int
    public var offset: Int

    public var description: String { "\(message): line \(line) column \(column) (char \(offset))" }
}

/// Python's `json` scanner (`json/decoder.py`, `json/scanner.py`) over Unicode scalars,
/// which is how Python counts the positions in its messages.
private struct JSONParser {
    private let s: [Unicode.Scalar]
    private let allowingNaN: Bool
    private var i = 0

    init(_ scalars: [Unicode.Scalar], allowingNaN: Bool) {
        s = scalars
        self.allowingNaN = allowingNaN
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        if i < s.count { throw error("Extra data", at: i) }
        return value
    }

    private func error(_ message: String, at offset: Int) -> JSONSyntaxError {
        var line = 1
        var lastNewline = -1
        for k in 0..<min(offset, s.count) where s[k] == "\n" {
            line += 1
            lastNewline = k
        }
        return JSONSyntaxError(message: message, line: line, column: offset - lastNewline, offset: offset)
    }

    private var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    private mutating func skipWhitespace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    /// Consumes `word` if the text continues with it.
    private mutating func literal(_ word: String) -> Bool {
        var k = i
        for w in word.unicodeScalars {
            guard k < s.count, s[k] == w else { return false }
            k += 1
        }
        i = k
        return true
    }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSON {
        guard let c = peek else { throw error("Expecting value", at: i) }
        switch c {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t" where literal("true"): return .bool(true)
        case "f" where literal("false"): return .bool(false)
        case "n" where literal("null"): return .null
        case "-", "0"..."9":
            if let number = parseNumber() { return number }
            // As Python's scanner: a number first, then the constants.
            if allowingNaN && literal("-Infinity") { return .double(-.infinity) }
            throw error("Expecting value", at: i)
        case "N" where allowingNaN && literal("NaN"): return .double(.nan)
        case "I" where allowingNaN && literal("Infinity"): return .double(.infinity)
        default: throw error("Expecting value", at: i)
        }
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSON {
        i += 1  // {
        var members: [JSONMember] = []
        var index: [String: Int] = [:]
        skipWhitespace()
        if peek == "}" {
            i += 1
            return .object(members)
        }
        while true {
            guard peek == "\"" else {
                throw error("Expecting property name enclosed in double quotes", at: i)
            }
            let key = try parseString()
            skipWhitespace()
            guard peek == ":" else { throw error("Expecting ':' delimiter", at: i) }
            i += 1
            skipWhitespace()
            let value = try parseValue()
            // Python's dict keeps a repeated key at its first position with the last value.
            if let k = index[key] {
                members[k].value = value
            } else {
                index[key] = members.count
                members.append(JSONMember(key, value))
            }
            skipWhitespace()
            if peek == "}" {
                i += 1
                return .object(members)
            }
            guard peek == "," else { throw error("Expecting ',' delimiter", at: i) }
            i += 1
            skipWhitespace()
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSON {
        i += 1  // [
        var items: [JSON] = []
        skipWhitespace()
        if peek == "]" {
            i += 1
            return .array(items)
        }
        while true {
            items.append(try parseValue())
            skipWhitespace()
            if peek == "]" {
                i += 1
                return .array(items)
            }
            guard peek == "," else { throw error("Expecting ',' delimiter", at: i) }
            i += 1
            skipWhitespace()
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = i
        i += 1  // "
        var out = String.UnicodeScalarView()
        while true {
            guard let c = peek else { throw error("Unterminated string starting at", at: start) }
            switch c {
            case "\"":
                i += 1
                return String(out)
            case "\\":
                let escapeStart = i
                i += 1
                guard let e = peek else { throw error("Unterminated string starting at", at: start) }
                i += 1
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    guard let high = readHex4() else { throw error("Invalid \\uXXXX escape", at: escapeStart + 1) }
                    var code = high
                    if (0xD800..<0xDC00).contains(high), peek == "\\", i + 1 < s.count, s[i + 1] == "u" {
                        let save = i
                        i += 2
                        if let low = readHex4(), (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                        }
                    }
                    // A lone surrogate cannot live in a Swift String.
                    out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default:
                    throw error("Invalid \\escape", at: escapeStart)
                }
            default:
                if c.value < 0x20 { throw error("Invalid control character at", at: i) }
                out.append(c)
                i += 1
            }
        }
    }

    private mutating func readHex4() -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            guard let d = hexDigit(s[k]) else { return nil }
            v = v * 16 + d
        }
        i += 4
        return v
    }

    private func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 87
        case "A"..."F": return c.value - 55
        default: return nil
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, as Python's scanner matches it.
    private mutating func parseNumber() -> JSON? {
        let start = i
        var k = i
        func digits(_ k: inout Int) -> Int {
            let from = k
            while k < s.count, ("0"..."9").contains(s[k]) { k += 1 }
            return k - from
        }
        if s[k] == "-" { k += 1 }
        guard k < s.count else { return nil }
        if s[k] == "0" {
            k += 1
        } else if digits(&k) == 0 {
            return nil
        }
        var isFloat = false
        if k + 1 < s.count, s[k] == ".", ("0"..."9").contains(s[k + 1]) {
            k += 1
            _ = digits(&k)
            isFloat = true
        }
        if k < s.count, s[k] == "e" || s[k] == "E" {
            var e = k + 1
            if e < s.count, s[e] == "+" || s[e] == "-" { e += 1 }
            if digits(&e) > 0 {
                k = e
                isFloat = true
            }
        }
        i = k
        let text = String(String.UnicodeScalarView(s[start..<k]))
        // Out of range (`1e999`) is infinite, as Python's float().
        if isFloat { return .double(Double(text) ?? .nan) }
        // Python's int() drops the sign of zero; the grammar allows no other leading zeros.
        return .integer(text == "-0" ? "0" : text)
    }
}
