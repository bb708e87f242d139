import Foundation

/// How Python (and so botocore's messages) prints a value parsed by `json.loads`.
public enum PythonRepr {
    /// `str(value)`: a string prints bare, containers print their items' `repr`.
    public static func str(_ value: JSON) -> String {
        if case .string(let s) = value { return s }
        return repr(value)
    }

    /// `repr(value)`.
    public static func repr(_ value: JSON) -> String {
        switch value {
        case .object(let members):
            return "{" + members.map { repr(string: $0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        case .array(let items):
            return "[" + items.map { repr($0) }.joined(separator: ", ") + "]"
        case .string(let s): return repr(string: s)
        case .integer(let text): return text
        case .double(let d): return repr(float: d)
        case .bool(let b): return b ? "True" : "False"
        case .null: return "None"
        }
    }

    /// `type(value).__name__`: `dict`, `list`, `str`, ….
    public static func className(_ value: JSON) -> String {
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

    /// `str(type(value))`: `<class 'dict'>`.
    public static func typeName(_ value: JSON) -> String { "<class '\(className(value))'>" }

    /// Python's `repr(str)`: single quotes unless the text has a ' and no ".
    public static func repr(string s: String) -> String {
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
                if c.value < 0x7F && c.value >= 0x20 || (c.value >= 0x80 && isPrintable(c)) {
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

    /// Python's `str.isprintable` for one character: not Other or Separator, except space.
    private static func isPrintable(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
            .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    /// `v` in lower-case hex, zero-padded to `width` digits.
    static func hex(_ v: UInt32, width: Int) -> String {
        let digits = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Python's `repr(float)`: the shortest round-tripping digits, in exponent form
    /// when the decimal point falls more than 16 places right or 4 or more places left.
    public static func repr(float d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        // Swift's description is also the shortest round-tripping form; re-lay it out.
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
        var point = intPart.count + exponent  // value = 0.digits × 10^point
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        if digits == ["0"] { return sign + "0.0" }
        let ds = String(digits)
        if point > 16 || point <= -4 {
            let e = point - 1
            let mantissa = digits.count > 1 ? String(digits[0]) + "." + String(digits[1...]) : String(digits[0])
            let expDigits = String(abs(e))
            return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (expDigits.count < 2 ? "0" : "") + expDigits
        }
        if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + ds }
        if point >= digits.count { return sign + ds + String(repeating: "0", count: point - digits.count) + ".0" }
        return sign + String(digits[..<point]) + "." + String(digits[point...])
    }
}
