import ECSModel
import Foundation

/// A JSON value as Python's `json.loads` sees it: objects keep their members in document
/// order (a repeated key keeps its first position and its last value), integers keep
/// their exact text (Python ints are unbounded), other numbers are doubles.
public enum JSON: Sendable, Equatable {
    case object([JSONMember])
    case array([JSON])
    case string(String)
    /// An integer, as canonical decimal text (`-12`, `0`).
    case integer(String)
    case double(Double)
    case bool(Bool)
    case null
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSON

    public init(_ key: String, _ value: JSON) {
        self.key = key
        self.value = value
    }
}

extension JSON {
    /// An integer value.
    public static func int(_ value: Int) -> JSON { .integer(String(value)) }

    /// The member `key` of an object, or nil (also for non-objects).
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The object's members, or nil for other values.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The array's items, or nil for other values.
    public var items: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The string, or nil for other values.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    var isNull: Bool { self == .null }
    var isContainer: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }

    /// Sets `key` in an object: in place if present (Python dict semantics), else appended.
    mutating func set(_ key: String, _ value: JSON) {
        guard case .object(var members) = self else { return }
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].value = value
        } else {
            members.append(JSONMember(key, value))
        }
        self = .object(members)
    }

    /// An object from members, Python dict style: a repeated key keeps its first position.
    static func dict(_ pairs: [(String, JSON)]) -> JSON {
        var object = JSON.object([])
        for (key, value) in pairs { object.set(key, value) }
        return object
    }
}

// MARK: - Parsing

extension JSON {
    /// Parses JSON text as Python's `json.loads` does. Errors carry Python's message,
    /// e.g. `Expecting value: line 1 column 1 (char 0)`.
    public static func parse(_ text: String) throws(JSONParseError) -> JSON {
        var parser = JSONTextParser(Array(text.unicodeScalars))
        if let value = parser.parseDocument() { return value }
        throw JSONParseError(message: pythonMessage(for: text))
    }

    /// Parses UTF-8 JSON data.
    public static func parse(_ data: Data) throws(JSONParseError) -> JSON {
        guard let text = String(data: data, encoding: .utf8) else {
            throw JSONParseError(message: "Input is not valid UTF-8")
        }
        return try parse(text)
    }

    /// Python's description of why `text` is not JSON, from ECSModel's strict parser
    /// (which words its errors exactly as Python's json module does).
    private static func pythonMessage(for text: String) -> String {
        do {
            _ = try StrictJSON.problems(in: Data(text.utf8), shape: "String")
        } catch let error as JSONSyntaxError {
            return error.description
        } catch {
            return "\(error)"
        }
        return "Expecting value: line 1 column 1 (char 0)"
    }
}

/// Text that is not JSON; `message` is Python's `str(JSONDecodeError)`.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A small JSON parser accepting what Python's `json.loads` accepts (including NaN and
/// Infinity); it only says whether the text parses: messages come from `StrictJSON`.
private struct JSONTextParser {
    let s: [Unicode.Scalar]
    var i = 0

    init(_ scalars: [Unicode.Scalar]) { s = scalars }

    mutating func parseDocument() -> JSON? {
        skipWhitespace()
        guard let value = parseValue() else { return nil }
        skipWhitespace()
        return i == s.count ? value : nil
    }

    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

    mutating func skipWhitespace() {
        while let c = peek, c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
    }

    mutating func literal(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard i + w.count <= s.count, Array(s[i..<(i + w.count)]) == w else { return false }
        i += w.count
        return true
    }

    mutating func parseValue() -> JSON? {
        guard let c = peek else { return nil }
        switch c {
        case "{": return parseObject()
        case "[": return parseArray()
        case "\"": return parseString().map(JSON.string)
        case "t": return literal("true") ? .bool(true) : nil
        case "f": return literal("false") ? .bool(false) : nil
        case "n": return literal("null") ? .null : nil
        case "N": return literal("NaN") ? .double(.nan) : nil
        case "I": return literal("Infinity") ? .double(.infinity) : nil
        case "-":
            if literal("-Infinity") { return .double(-.infinity) }
            return parseNumber()
        case "0"..."9": return parseNumber()
        default: return nil
        }
    }

    mutating func parseObject() -> JSON? {
        i += 1
        var object = JSON.object([])
        skipWhitespace()
        if peek == "}" {
            i += 1
            return object
        }
        while true {
            guard peek == "\"", let key = parseString() else { return nil }
            skipWhitespace()
            guard peek == ":" else { return nil }
            i += 1
            skipWhitespace()
            guard let value = parseValue() else { return nil }
            object.set(key, value)
            skipWhitespace()
            if peek == "}" {
                i += 1
                return object
            }
            guard peek == "," else { return nil }
            i += 1
            skipWhitespace()
        }
    }

    mutating func parseArray() -> JSON? {
        i += 1
        var items: [JSON] = []
        skipWhitespace()
        if peek == "]" {
            i += 1
            return .array(items)
        }
        while true {
            guard let value = parseValue() else { return nil }
            items.append(value)
            skipWhitespace()
            if peek == "]" {
                i += 1
                return .array(items)
            }
            guard peek == "," else { return nil }
            i += 1
            skipWhitespace()
        }
    }

    mutating func parseString() -> String? {
        i += 1
        var out = String.UnicodeScalarView()
        while let c = peek {
            i += 1
            switch c {
            case "\"": return String(out)
            case "\\":
                guard let e = peek else { return nil }
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
                    guard let high = hex4() else { return nil }
                    var code = high
                    if (0xD800..<0xDC00).contains(high), peek == "\\", i + 1 < s.count, s[i + 1] == "u" {
                        let save = i
                        i += 2
                        if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                        }
                    }
                    out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: return nil
                }
            default:
                if c.value < 0x20 { return nil }
                out.append(c)
            }
        }
        return nil
    }

    mutating func hex4() -> UInt32? {
        guard i + 4 <= s.count else { return nil }
        var v: UInt32 = 0
        for k in i..<(i + 4) {
            guard let d = hexDigit(s[k]) else { return nil }
            v = v * 16 + d
        }
        i += 4
        return v
    }

    func hexDigit(_ c: Unicode.Scalar) -> UInt32? {
        switch c {
        case "0"..."9": return c.value - 48
        case "a"..."f": return c.value - 87
        case "A"..."F": return c.value - 55
        default: return nil
        }
    }

    mutating func parseNumber() -> JSON? {
        let start = i
        func isDigit(_ k: Int) -> Bool { k < s.count && ("0"..."9").contains(s[k]) }
        var k = i
        if s[k] == "-" { k += 1 }
        guard isDigit(k) else { return nil }
        if s[k] == "0" {
            k += 1
        } else {
            while isDigit(k) { k += 1 }
        }
        var isFloat = false
        if k + 1 < s.count, s[k] == ".", isDigit(k + 1) {
            k += 1
            while isDigit(k) { k += 1 }
            isFloat = true
        }
        if k < s.count, s[k] == "e" || s[k] == "E" {
            var e = k + 1
            if e < s.count, s[e] == "+" || s[e] == "-" { e += 1 }
            if isDigit(e) {
                while isDigit(e) { e += 1 }
                k = e
                isFloat = true
            }
        }
        i = k
        let text = String(String.UnicodeScalarView(s[start..<k]))
        if isFloat { return .double(Double(text) ?? .nan) }
        return .integer(PythonText.canonicalInteger(text) ?? text)
    }
}

// MARK: - Writing

extension JSON {
    /// Compact JSON (`{"a":1,"b":[true]}`), the request body berth sends.
    public var compactText: String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (n, member) in members.enumerated() {
                if n > 0 { out += "," }
                JSON.writeString(member.key, ensureASCII: false, into: &out)
                out += ":"
                member.value.writeCompact(into: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                item.writeCompact(into: &out)
            }
            out += "]"
        default:
            writeScalar(ensureASCII: false, into: &out)
        }
    }

    /// Python's `json.dumps(value, indent=4, ensure_ascii=...)`: what the aws CLI prints.
    public func pythonDumps(indent: Int = 4, ensureASCII: Bool) -> String {
        var out = ""
        writePretty(indent: indent, level: 0, ensureASCII: ensureASCII, into: &out)
        return out
    }

    private func writePretty(indent: Int, level: Int, ensureASCII: Bool, into out: inout String) {
        let inner = String(repeating: " ", count: indent * (level + 1))
        let outer = String(repeating: " ", count: indent * level)
        switch self {
        case .object(let members):
            if members.isEmpty {
                out += "{}"
                return
            }
            out += "{\n"
            for (n, member) in members.enumerated() {
                if n > 0 { out += ",\n" }
                out += inner
                JSON.writeString(member.key, ensureASCII: ensureASCII, into: &out)
                out += ": "
                member.value.writePretty(indent: indent, level: level + 1, ensureASCII: ensureASCII, into: &out)
            }
            out += "\n" + outer + "}"
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[\n"
            for (n, item) in items.enumerated() {
                if n > 0 { out += ",\n" }
                out += inner
                item.writePretty(indent: indent, level: level + 1, ensureASCII: ensureASCII, into: &out)
            }
            out += "\n" + outer + "]"
        default:
            writeScalar(ensureASCII: ensureASCII, into: &out)
        }
    }

    private func writeScalar(ensureASCII: Bool, into out: inout String) {
        switch self {
        case .string(let s): JSON.writeString(s, ensureASCII: ensureASCII, into: &out)
        case .integer(let text): out += text
        case .double(let d):
            if d.isNaN {
                out += "NaN"
            } else if d.isInfinite {
                out += d < 0 ? "-Infinity" : "Infinity"
            } else {
                out += PythonText.floatRepr(d)
            }
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .object, .array: writeCompact(into: &out)
        }
    }

    /// Python's JSON string encoding (`json.encoder.py_encode_basestring[_ascii]`).
    static func writeString(_ s: String, ensureASCII: Bool, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || (ensureASCII && c.value > 0x7E) {
                    if c.value >= 0x10000 {
                        let v = c.value - 0x10000
                        out += "\\u" + hex4(0xD800 + (v >> 10)) + "\\u" + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += "\\u" + hex4(c.value)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ v: UInt32) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
