extension JSON {
    /// Compact JSON (`{"a":1,"b":[true]}`, UTF-8 left as is): the request body the CLI
    /// sends, and what `StrictJSON` hands `JSONDecoder` after validating.
    public var compactText: String {
        pythonDumps(separators: (item: ",", key: ":"), ensureASCII: false)
    }

    /// Python's `json.dumps(value, indent=indent, separators=separators, ensure_ascii=ensureASCII)`;
    /// with `indent: 4, ensureASCII: false`, what the aws CLI prints. Without `separators`,
    /// Python's defaults: `(", ", ": ")`, or `(",", ": ")` with an indent. Non-finite
    /// doubles are written `NaN`, `Infinity`, `-Infinity`, as Python does.
    public func pythonDumps(
        indent: Int? = nil, separators: (item: String, key: String)? = nil, ensureASCII: Bool = true
    ) -> String {
        let format = Format(
            indent: indent, itemSeparator: separators?.item ?? (indent == nil ? ", " : ","),
            keySeparator: separators?.key ?? ": ", ensureASCII: ensureASCII)
        var out = ""
        write(format, level: 0, into: &out)
        return out
    }

    private struct Format {
        var indent: Int?
        var itemSeparator: String
        var keySeparator: String
        var ensureASCII: Bool

        /// With an indent, a new line indented to `level`.
        func newline(_ level: Int, into out: inout String) {
            guard let indent else { return }
            out += "\n" + String(repeating: " ", count: indent * level)
        }
    }

    private func write(_ format: Format, level: Int, into out: inout String) {
        switch self {
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{"
            for (n, member) in members.enumerated() {
                if n > 0 { out += format.itemSeparator }
                format.newline(level + 1, into: &out)
                JSON.writeString(member.key, ensureASCII: format.ensureASCII, into: &out)
                out += format.keySeparator
                member.value.write(format, level: level + 1, into: &out)
            }
            format.newline(level, into: &out)
            out += "}"
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            out += "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += format.itemSeparator }
                format.newline(level + 1, into: &out)
                item.write(format, level: level + 1, into: &out)
            }
            format.newline(level, into: &out)
            out += "]"
        case .string(let s): JSON.writeString(s, ensureASCII: format.ensureASCII, into: &out)
        case .integer(let text): out += text
        case .double(let d):
            if d.isNaN {
                out += "NaN"
            } else if d.isInfinite {
                out += d < 0 ? "-Infinity" : "Infinity"
            } else {
                out += PythonRepr.repr(float: d)
            }
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// Python's JSON string encoding (`json.encoder.py_encode_basestring[_ascii]`).
    private static func writeString(_ s: String, ensureASCII: Bool, into out: inout String) {
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
                        out += "\\u" + PythonRepr.hex(0xD800 + (v >> 10), width: 4)
                        out += "\\u" + PythonRepr.hex(0xDC00 + (v & 0x3FF), width: 4)
                    } else {
                        out += "\\u" + PythonRepr.hex(c.value, width: 4)
                    }
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }
}
