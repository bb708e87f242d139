import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How Python spells values, conversions and errors: the aws CLI is Python, and its
/// messages carry Python's `repr`, `int()` and `OSError` texts.
enum PythonText {
    /// Python's `repr(float)`: the shortest round-tripping digits, in exponent form when
    /// the decimal point falls more than 16 places right or 4 or more places left.
    static func floatRepr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        var text = "\(d)"
        var sign = ""
        if text.hasPrefix("-") {
            sign = "-"
            text.removeFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = Array(intPart + fracPart)
        var point = intPart.count + exponent
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == ["0"] { return sign + "0.0" }
        if point > 16 || point <= -4 {
            let e = point - 1
            let mantissa = digits.count > 1 ? String(digits[0]) + "." + String(digits[1...]) : String(digits[0])
            let expDigits = String(abs(e))
            return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (expDigits.count < 2 ? "0" : "") + expDigits
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + String(digits) }
        if point >= digits.count {
            return sign + String(digits) + String(repeating: "0", count: point - digits.count) + ".0"
        }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }

    /// Python's `repr(str)`: single quotes unless the text has a ' and no ".
    static func repr(_ s: String) -> String {
        let quote: Unicode.Scalar = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        var out = String.UnicodeScalarView()
        out.append(quote)
        for c in s.unicodeScalars {
            switch c {
            case quote, "\\":
                out.append("\\")
                out.append(c)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            default:
                if (c.value >= 0x20 && c.value < 0x7F) || (c.value >= 0x80 && isPrintable(c)) {
                    out.append(c)
                } else if c.value < 0x100 {
                    out.append(contentsOf: ("\\x" + hex(c.value, width: 2)).unicodeScalars)
                } else if c.value < 0x10000 {
                    out.append(contentsOf: ("\\u" + hex(c.value, width: 4)).unicodeScalars)
                } else {
                    out.append(contentsOf: ("\\U" + hex(c.value, width: 8)).unicodeScalars)
                }
            }
        }
        out.append(quote)
        return String(out)
    }

    private static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return false
        default:
            return true
        }
    }

    private static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Python's `repr()` of a value parsed by `json.loads`.
    static func repr(_ value: JSON) -> String {
        switch value {
        case .object(let members):
            return "{" + members.map { repr($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        case .array(let items): return "[" + items.map { repr($0) }.joined(separator: ", ") + "]"
        case .string(let s): return repr(s)
        case .integer(let text): return text
        case .double(let d): return floatRepr(d)
        case .bool(let b): return b ? "True" : "False"
        case .null: return "None"
        }
    }

    /// Python's `str()` of a value parsed by `json.loads`.
    static func str(_ value: JSON) -> String {
        if case .string(let s) = value { return s }
        return repr(value)
    }

    /// Python's class name of a value (`list`, `dict`, `str`, …).
    static func typeName(_ value: JSON) -> String {
        switch value {
        case .object: return "dict"
        case .array: return "list"
        case .string: return "str"
        case .integer: return "int"
        case .double: return "float"
        case .bool: return "bool"
        case .null: return "NoneType"
        }
    }

    /// Python's `str.isspace()` for one character.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return c.properties.generalCategory == .spaceSeparator || c.value == 0x2028 || c.value == 0x2029
        }
    }

    /// Python's `str.strip()`.
    static func strip(_ s: String) -> String {
        rstrip(lstrip(s))
    }

    /// Python's `str.lstrip()`.
    static func lstrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...])
    }

    /// Python's `str.rstrip()`.
    static func rstrip(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[...last])
    }

    /// `-0012` -> `-12`: the decimal text of an integer literal, or nil if `text` is not one.
    static func canonicalInteger(_ text: String) -> String? {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" || digits.first == "+" {
            negative = digits.first == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let trimmed = digits.drop { $0 == "0" }
        if trimmed.isEmpty { return "0" }
        return (negative ? "-" : "") + trimmed
    }

    /// A Python exception raised while converting CLI input (`int('x')`, `'list'.lower()`):
    /// the aws CLI prints its text and exits 255.
    struct ConversionError: Error {
        var message: String
    }

    /// Python's `int(value)` for a value from `json.loads` or shorthand parsing.
    static func int(_ value: JSON) throws(ConversionError) -> JSON {
        switch value {
        case .integer: return value
        case .bool(let b): return .integer(b ? "1" : "0")
        case .double(let d):
            guard d.isFinite else {
                throw ConversionError(
                    message: d.isNaN
                        ? "cannot convert float NaN to integer" : "cannot convert float infinity to integer")
            }
            let truncated = d.rounded(.towardZero)
            if let exact = Int(exactly: truncated) { return .int(exact) }
            return .integer(String(format: "%.0f", truncated))
        case .string(let s):
            if let text = intLiteral(s) { return .integer(text) }
            throw ConversionError(message: "invalid literal for int() with base 10: \(repr(s))")
        case .array, .object, .null:
            throw ConversionError(
                message:
                    "int() argument must be a string, a bytes-like object or a real number, not '\(typeName(value))'"
            )
        }
    }

    /// Python's `int(str)` literal rules: whitespace around, a sign, decimal digits (any
    /// script) with single underscores between them.
    static func intLiteral(_ s: String) -> String? {
        var scalars = Array(strip(s).unicodeScalars)
        var negative = false
        if let first = scalars.first, first == "-" || first == "+" {
            negative = first == "-"
            scalars.removeFirst()
        }
        guard !scalars.isEmpty, scalars.first != "_", scalars.last != "_" else { return nil }
        var digits = ""
        var previousUnderscore = false
        for c in scalars {
            if c == "_" {
                if previousUnderscore { return nil }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard c.properties.generalCategory == .decimalNumber, let v = c.properties.numericValue else { return nil }
            digits += String(Int(v))
        }
        return canonicalInteger((negative ? "-" : "") + digits)
    }

    /// Python's `float(value)`.
    static func float(_ value: JSON) throws(ConversionError) -> JSON {
        switch value {
        case .double: return value
        case .integer(let text): return .double(Double(text) ?? .nan)
        case .bool(let b): return .double(b ? 1 : 0)
        case .string(let s):
            if let d = floatLiteral(s) { return .double(d) }
            throw ConversionError(message: "could not convert string to float: \(repr(s))")
        case .array, .object, .null:
            throw ConversionError(
                message: "float() argument must be a string or a real number, not '\(typeName(value))'")
        }
    }

    /// Python's `float(str)` literal rules.
    static func floatLiteral(_ s: String) -> Double? {
        var text = strip(s)
        var sign = 1.0
        if text.hasPrefix("-") || text.hasPrefix("+") {
            sign = text.hasPrefix("-") ? -1 : 1
            text.removeFirst()
        }
        switch text.lowercased() {
        case "inf", "infinity": return sign * .infinity
        case "nan": return .nan
        default: break
        }
        // Underscores only between digits.
        let chars = Array(text)
        for (i, c) in chars.enumerated() where c == "_" {
            guard i > 0, i + 1 < chars.count, chars[i - 1].isNumber, chars[i + 1].isNumber else { return nil }
        }
        text = text.replacingOccurrences(of: "_", with: "")
        guard !text.isEmpty,
            text.allSatisfy({
                $0.isASCII && ($0.isNumber || $0 == "." || $0 == "e" || $0 == "E" || $0 == "-" || $0 == "+")
            }),
            text.contains(where: { $0.isNumber }), let d = Double(text)
        else { return nil }
        return sign * d
    }

    /// Python's `str(OSError)`: `[Errno 2] No such file or directory: '/x'`.
    static func osError(_ code: Int32, path: String) -> String {
        "[Errno \(code)] \(String(cString: strerror(code))): \(repr(path))"
    }
}
