import ECSModel

/// A shorthand-syntax error, worded as the aws CLI words it (`awscli/shorthand.py`).
struct ShorthandError: Error, Equatable {
    var message: String
}

/// The aws CLI's shorthand syntax (`awscli.shorthand.ShorthandParser`), purely syntactic:
///
///     a=b,c=d           {"a": "b", "c": "d"}
///     a=b,c             {"a": ["b", "c"]}
///     a=[b,c],d={e=f}   {"a": ["b", "c"], "d": {"e": "f"}}
///     a='x,y',b="q\"r"  {"a": "x,y", "b": "q\"r"}
///     a@=file://path    the file's contents
///
/// Values are strings, lists and objects; `ShorthandVisitor` converts them using the model.
struct ShorthandParser {
    private var s: [Unicode.Scalar] = []
    private var i = 0
    private var resolveParamFiles = false
    private let paramFiles: ParamFileLoader

    init(paramFiles: ParamFileLoader) {
        self.paramFiles = paramFiles
    }

    /// Thrown by `@=` values whose file cannot be read: not a shorthand error for the CLI.
    struct ParamFileFailure: Error {
        var message: String
    }

    enum Failure: Error {
        case syntax(ShorthandError)
        case paramFile(ParamFileFailure)
    }

    mutating func parse(_ value: String) throws(Failure) -> JSON {
        s = Array(value.unicodeScalars)
        i = 0
        resolveParamFiles = false
        return try parameter()
    }

    // MARK: grammar

    private mutating func parameter() throws(Failure) -> JSON {
        var params = JSON.object([])
        let (key, value) = try keyval()
        params.set(key, value)
        var lastIndex = i
        while i < s.count {
            try expect(",", consumeWhitespace: true)
            let (key, value) = try keyval()
            if params[key] != nil {
                throw .syntax(duplicateKey(key, index: lastIndex + 1))
            }
            params.set(key, value)
            lastIndex = i
        }
        return params
    }

    private mutating func keyval() throws(Failure) -> (String, JSON) {
        let k = key()
        try optionalParamFileMarker()
        try expect("=", consumeWhitespace: true)
        return (k, try values())
    }

    /// `key@=`: the value may be `file://` or `fileb://` (the `@` is optional).
    private mutating func optionalParamFileMarker() throws(Failure) {
        resolveParamFiles = false
        consumeWhitespace()
        if current == "@" {
            i += 1
            consumeWhitespace()
            resolveParamFiles = true
        }
    }

    private mutating func key() -> String {
        let start = i
        while let c = current, c.isASCII, isKeyChar(c) { i += 1 }
        return text(start, i)
    }

    private func isKeyChar(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", "#", "/", ":": return true
        default: return false
        }
    }

    private mutating func values() throws(Failure) -> JSON {
        guard let c = current else { return .string("") }
        if c == "[" { return try explicitList() }
        if c == "{" { return try hashLiteral() }
        return try csvValue()
    }

    private mutating func csvValue() throws(Failure) -> JSON {
        let first = try firstValue()
        consumeWhitespace()
        if i >= s.count || s[i] != "," { return first }
        try expect(",", consumeWhitespace: true)
        var list = [first]
        while true {
            do {
                let value = try secondValue()
                consumeWhitespace()
                if i >= s.count {
                    list.append(value)
                    break
                }
                try expect(",", consumeWhitespace: true)
                list.append(value)
            } catch .syntax(let error) {
                if i >= s.count { throw .syntax(error) }
                backtrack(to: ",")
                break
            } catch {
                throw error
            }
        }
        return list.count == 1 ? first : .array(list)
    }

    private mutating func value() throws(Failure) -> JSON {
        let start = i
        i = matchWord(from: i, follow: ShorthandParser.isFirstFollow)
        if i == start { return .string("") }
        let processed = PythonText.rstrip(text(start, i).replacingOccurrences(of: "\\,", with: ","))
        return try resolved(processed)
    }

    private mutating func explicitList() throws(Failure) -> JSON {
        try expect("[", consumeWhitespace: true)
        var items: [JSON] = []
        while current != "]" {
            items.append(try explicitValues())
            consumeWhitespace()
            if current != "]" {
                try expect(",")
                consumeWhitespace()
            }
        }
        try expect("]")
        return .array(items)
    }

    private mutating func explicitValues() throws(Failure) -> JSON {
        if current == "[" { return try explicitList() }
        if current == "{" { return try hashLiteral() }
        return try firstValue()
    }

    private mutating func hashLiteral() throws(Failure) -> JSON {
        try expect("{", consumeWhitespace: true)
        var object = JSON.object([])
        while current != "}" {
            let k = key()
            try optionalParamFileMarker()
            try expect("=", consumeWhitespace: true)
            let v = try explicitValues()
            consumeWhitespace()
            if current != "}" {
                try expect(",")
                consumeWhitespace()
            }
            object.set(k, v)
        }
        try expect("}")
        return object
    }

    private mutating func firstValue() throws(Failure) -> JSON {
        if current == "'" { return try quoted("'") }
        if current == "\"" { return try quoted("\"") }
        return try value()
    }

    private mutating func secondValue() throws(Failure) -> JSON {
        if current == "'" { return try quoted("'") }
        if current == "\"" { return try quoted("\"") }
        let start = i
        let end = matchWord(from: i, follow: ShorthandParser.isSecondFollow)
        if end == start {
            throw .syntax(syntaxError(expected: "<second>", actual: "<none>"))
        }
        i = end
        let processed = PythonText.rstrip(text(start, end).replacingOccurrences(of: "\\,", with: ","))
        return try resolved(processed)
    }

    /// `'(?:\\'|[^'])*'` (or with `"`), backtracking as the regex does; then the escaped
    /// quote and escaped backslash are unescaped.
    private mutating func quoted(_ quote: Unicode.Scalar) throws(Failure) -> JSON {
        let start = i
        var k = i + 1
        var lastEscapedQuote: Int?
        while k < s.count {
            if s[k] == "\\", k + 1 < s.count, s[k + 1] == quote {
                lastEscapedQuote = k + 1
                k += 2
            } else if s[k] == quote {
                break
            } else {
                k += 1
            }
        }
        let close: Int
        if k < s.count {
            close = k
        } else if let q = lastEscapedQuote {
            close = q
        } else {
            let name = quote == "'" ? "singled quoted" : "double quoted"
            throw .syntax(syntaxError(expected: "<\(name)>", actual: "<none>"))
        }
        i = close + 1
        var inner = text(start + 1, close)
        inner = inner.replacingOccurrences(of: "\\" + String(Character(quote)), with: String(Character(quote)))
        inner = inner.replacingOccurrences(of: "\\\\", with: "\\")
        return try resolved(inner)
    }

    private func resolved(_ value: String) throws(Failure) -> JSON {
        guard resolveParamFiles else { return .string(value) }
        do {
            if let contents = try paramFiles.load(value) { return .string(contents) }
        } catch {
            throw .paramFile(ParamFileFailure(message: error.message))
        }
        return .string(value)
    }

    // MARK: character classes

    /// `(\\,|[START])(\\,|[FOLLOW])*`: the end of the longest match from `start`.
    private func matchWord(from start: Int, follow: (Unicode.Scalar) -> Bool) -> Int {
        var k = start
        if k + 1 < s.count, s[k] == "\\", s[k + 1] == "," {
            k += 2
        } else if k < s.count, ShorthandParser.isStart(s[k]) {
            k += 1
        } else {
            return start
        }
        while k < s.count {
            if k + 1 < s.count, s[k] == "\\", s[k + 1] == "," {
                k += 2
            } else if follow(s[k]) {
                k += 1
            } else {
                break
            }
        }
        return k
    }

    /// `[!#-&(-+\--<>-Z\\-z|-\uffff]`
    static func isStart(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x3C, 0x3E...0x5A, 0x5C...0x7A, 0x7C...0xFFFF: return true
        default: return false
        }
    }

    /// `[\s!#-&(-+\--\\^-|~-\uffff]`
    static func isFirstFollow(_ c: Unicode.Scalar) -> Bool {
        if PythonText.isSpace(c) { return true }
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x5C, 0x5E...0x7C, 0x7E...0xFFFF: return true
        default: return false
        }
    }

    /// `[\s!#-&(-+\--<>-\uffff]`
    static func isSecondFollow(_ c: Unicode.Scalar) -> Bool {
        if PythonText.isSpace(c) { return true }
        switch c.value {
        case 0x21, 0x23...0x26, 0x28...0x2B, 0x2D...0x3C, 0x3E...0xFFFF: return true
        default: return false
        }
    }

    // MARK: helpers

    private var current: Unicode.Scalar? { i < s.count ? s[i] : nil }

    private func text(_ from: Int, _ to: Int) -> String {
        String(String.UnicodeScalarView(s[from..<to]))
    }

    private mutating func consumeWhitespace() {
        while let c = current, " \t\n\r\u{0B}\u{0C}".unicodeScalars.contains(c) { i += 1 }
    }

    private mutating func expect(_ char: Unicode.Scalar, consumeWhitespace: Bool = false) throws(Failure) {
        if consumeWhitespace { self.consumeWhitespace() }
        guard i < s.count else {
            throw .syntax(syntaxError(expected: String(Character(char)), actual: "EOF"))
        }
        guard s[i] == char else {
            throw .syntax(syntaxError(expected: String(Character(char)), actual: String(Character(s[i]))))
        }
        i += 1
        if consumeWhitespace { self.consumeWhitespace() }
    }

    private mutating func backtrack(to char: Unicode.Scalar) {
        while i >= 0, i < s.count, s[i] != char { i -= 1 }
    }

    private func syntaxError(expected: String, actual: String) -> ShorthandError {
        ShorthandError(message: "Expected: '\(expected)', received: '\(actual)' for input:\n \(errorLocation(i))")
    }

    private func duplicateKey(_ key: String, index: Int) -> ShorthandError {
        ShorthandError(
            message: "Second instance of key \"\(key)\" encountered for input:\n\(errorLocation(index))\n"
                + "This is often because there is a preceding \",\" instead of a space.")
    }

    /// The input with a caret under `index` (`ShorthandParseError._error_location`).
    private func errorLocation(_ rawIndex: Int) -> String {
        let index = min(rawIndex, s.count)
        var consumed = text(0, s.count)
        var remaining = ""
        var spaces = rawIndex
        if let lastNewline = s[..<index].lastIndex(of: "\n") {
            spaces = rawIndex - lastNewline - 1
        }
        if let nextNewline = s[index...].firstIndex(of: "\n") {
            consumed = text(0, nextNewline)
            remaining = text(nextNewline, s.count)
        }
        return consumed + "\n" + String(repeating: " ", count: spaces) + "^" + remaining
    }
}

/// `awscli.shorthand.BackCompatVisitor`: adjusts parsed shorthand to the model: a scalar
/// where the model has a list becomes a one-item list, integers and doubles are
/// converted (Python's `int()`/`float()`, whose errors end the CLI), `true`/`false`
/// become booleans. Members the model does not know are left for validation to report.
enum ShorthandVisitor {
    static func visit(_ value: JSON, shape: String) throws(PythonText.ConversionError) -> JSON {
        var parent = JSON.null
        var v = value
        try visit(&v, shape: shape, parent: &parent, replace: false)
        return v
    }

    /// Visits `value` (the member of some parent); `replace` says whether a
    /// scalar-to-list wrap is written back (it is not at the top level).
    private static func visit(_ value: inout JSON, shape: String, parent: inout JSON, replace: Bool)
        throws(PythonText.ConversionError)
    {
        guard let model = ShapeTable.shapes[shape] else { return }
        switch model {
        case .structure(_, let members):
            guard case .object(var fields) = value else { return }
            for member in members {
                guard let k = fields.firstIndex(where: { $0.key == member.name }) else { continue }
                var child = fields[k].value
                var dummy = JSON.null
                try visit(&child, shape: member.shape, parent: &dummy, replace: true)
                fields[k].value = child
            }
            value = .object(fields)
        case .list(let member, _, _):
            guard case .array(var items) = value else {
                if replace, value != .null { value = .array([value]) }
                return
            }
            for k in items.indices {
                var dummy = JSON.null
                try visit(&items[k], shape: member, parent: &dummy, replace: true)
            }
            value = .array(items)
        case .map(_, let valueShape):
            guard case .object(var fields) = value else { return }
            for k in fields.indices {
                var dummy = JSON.null
                try visit(&fields[k].value, shape: valueShape, parent: &dummy, replace: true)
            }
            value = .object(fields)
        case .integer, .long:
            if value != .null { value = try PythonText.int(value) }
        case .double:
            if value != .null { value = try PythonText.float(value) }
        case .boolean:
            switch value {
            case .null: break
            case .string(let s):
                if s.lowercased() == "true" {
                    value = .bool(true)
                } else if s.lowercased() == "false" {
                    value = .bool(false)
                }
            default:
                throw PythonText.ConversionError(
                    message: "'\(PythonText.typeName(value))' object has no attribute 'lower'")
            }
        case .string, .timestamp, .blob:
            break
        }
    }
}
