import ECSModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How Python spells values, conversions and errors: the aws CLI is Python, and its
/// messages carry Python's `repr`, `int()` and `OSError` texts.
enum PythonText {
    /// Python's `repr(float)`; the one implementation lives with the botocore-style messages in ECSModel.
    static func floatRepr(_ d: Double) -> String { PythonRepr.repr(float: d) }

    /// Python's `repr(str)` (ECSModel's implementation).
    static func repr(_ s: String) -> String { PythonRepr.repr(string: s) }

    /// Python's `repr()` of a value parsed by `json.loads` (ECSModel's implementation).
    static func repr(_ value: JSON) -> String { PythonRepr.repr(value) }

    /// Python's `str()` of a value parsed by `json.loads` (ECSModel's implementation).
    static func str(_ value: JSON) -> String { PythonRepr.str(value) }

    /// Python's class name of a value (`list`, `dict`, `str`, …).
    static func typeName(_ value: JSON) -> String { PythonRepr.className(value) }

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
