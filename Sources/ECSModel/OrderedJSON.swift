import Foundation

/// A parsed JSON value that keeps object members in document order, the way
/// Python's `json.loads` does; validation reports problems in that order.
indirect enum JSONValue: Sendable, Equatable {
    case object([JSONField])
    case array([JSONValue])
    case string(String)
    /// An integer literal (no fraction or exponent), kept as text: Python ints are unbounded.
    case integer(String)
    /// A number with a fraction or exponent: a Python float.
    case float(Double)
    case bool(Bool)
    case null
}

struct JSONField: Sendable, Equatable {
    var key: String
    var value: JSONValue
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

/// A strict JSON parser (RFC 8259, as Python's `json.loads` reads it, minus NaN/Infinity).
struct OrderedJSONParser {
    private let s: [Unicode.Scalar]
    private var i = 0

    static func parse(_ data: Data) throws -> JSONValue {
        guard let text = String(data: data, encoding: .utf8) else {
            throw JSONSyntaxError(message: "Input is not valid UTF-8", line: 1, column: 1, offset: 0)
        }
        var parser = OrderedJSONParser(Array(text.unicodeScalars))
        return try parser.parseDocument()
    }

    private init(_ scalars: [Unicode.Scalar]) { s = scalars }

    private mutating func parseDocument() throws -> JSONValue {
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

    private mutating func parseValue() throws -> JSONValue {
        guard let c = peek else { throw error("Expecting value", at: i) }
        switch c {
        case "{": return try parseObject()
        case "[": return try parseArray()
        case "\"": return .string(try parseString())
        case "t" where matches("true"): i += 4; return .bool(true)
        case "f" where matches("false"): i += 5; return .bool(false)
        case "n" where matches("null"): i += 4; return .null
        case "-", "0"..."9":
            if let number = parseNumber() { return number }
            throw error("Expecting value", at: i)
        default: throw error("Expecting value", at: i)
        }
    }

    private func matches(_ word: String) -> Bool {
        var k = i
        for w in word.unicodeScalars {
            guard k < s.count, s[k] == w else { return false }
            k += 1
        }
        return true
    }

    private mutating func parseObject() throws -> JSONValue {
        i += 1  // {
        var fields: [JSONField] = []
        var index: [String: Int] = [:]
        skipWhitespace()
        if peek == "}" {
            i += 1
            return .object(fields)
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
            // Python keeps a repeated key at its first position with the last value.
            if let k = index[key] {
                fields[k].value = value
            } else {
                index[key] = fields.count
                fields.append(JSONField(key: key, value: value))
            }
            skipWhitespace()
            if peek == "}" {
                i += 1
                return .object(fields)
            }
            guard peek == "," else { throw error("Expecting ',' delimiter", at: i) }
            i += 1
            skipWhitespace()
        }
    }

    private mutating func parseArray() throws -> JSONValue {
        i += 1  // [
        var items: [JSONValue] = []
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

    private mutating func parseString() throws -> String {
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
    private mutating func parseNumber() -> JSONValue? {
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
        if isFloat { return .float(Double(text) ?? .nan) }
        // Python's int() drops the sign of zero.
        return .integer(text == "-0" ? "0" : text)
    }
}

extension JSONValue {
    /// The value as compact JSON text. Decoding this rather than the original bytes makes
    /// `JSONDecoder` see exactly what was validated (e.g. the last of repeated keys).
    var jsonData: Data {
        var out = ""
        write(into: &out)
        return Data(out.utf8)
    }

    private func write(into out: inout String) {
        switch self {
        case .object(let fields):
            out += "{"
            for (n, field) in fields.enumerated() {
                if n > 0 { out += "," }
                JSONValue.string(field.key).write(into: &out)
                out += ":"
                field.value.write(into: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .string(let s):
            out += "\""
            for c in s.unicodeScalars {
                switch c {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if c.value < 0x20 {
                        let hex = String(c.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(c)
                    }
                }
            }
            out += "\""
        case .integer(let text): out += text
        case .float(let d): out += d.isFinite ? "\(d)" : (d < 0 ? "-1e999" : "1e999")
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}
