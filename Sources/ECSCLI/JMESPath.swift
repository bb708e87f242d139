import ECSModel
import Foundation

/// JMESPath (the `--query` language and the waiters' acceptor paths), following the
/// reference implementation `jmespath.py`: the same grammar and binding powers, the
/// same projections, comparisons and built-in functions.
public enum JMESPath {
    /// A compiled expression.
    public struct Expression: Sendable {
        let root: Node
        public let text: String

        /// Evaluates the expression against `value`; nil is JMESPath's null.
        public func search(_ value: JSON) throws(JMESPathError) -> JSON? {
            try Interpreter.visit(root, value)
        }
    }

    public static func compile(_ text: String) throws(JMESPathError) -> Expression {
        var lexer = Lexer(Array(text.unicodeScalars), expression: text)
        let tokens = try lexer.tokenize()
        var parser = Parser(tokens: tokens, expression: text)
        return Expression(root: try parser.parse(), text: text)
    }
}

/// A JMESPath error, worded as `jmespath.py` words it.
public struct JMESPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

// MARK: - AST

indirect enum Node: Sendable {
    case field(String)
    case subexpression([Node])
    case indexExpression([Node])
    case index(Int)
    case slice(Int?, Int?, Int?)
    case identity
    case current
    case literal(JSON)
    case projection(Node, Node)
    case valueProjection(Node, Node)
    case filterProjection(Node, Node, Node)
    case flatten(Node)
    case multiSelectList([Node])
    case multiSelectHash([(String, Node)])
    case comparator(String, Node, Node)
    case or(Node, Node)
    case and(Node, Node)
    case not(Node)
    case pipe(Node, Node)
    case function(String, [Node])
    case expref(Node)

    var isSubexpression: Bool {
        if case .subexpression = self { return true }
        return false
    }
}

// MARK: - Lexer

private struct Token {
    var type: String
    var value: JSON
    var text: String
    var start: Int
}

private struct Lexer {
    let s: [Unicode.Scalar]
    let expression: String
    var i = 0

    init(_ scalars: [Unicode.Scalar], expression: String) {
        s = scalars
        self.expression = expression
    }

    static let simple: [Unicode.Scalar: String] = [
        ".": "dot", "*": "star", "]": "rbracket", ",": "comma", ":": "colon", "@": "current",
        "(": "lparen", ")": "rparen", "{": "lbrace", "}": "rbrace",
    ]

    var current: Unicode.Scalar? { i < s.count ? s[i] : nil }

    func error(_ message: String, at position: Int, value: String) -> JMESPathError {
        JMESPathError(
            message: "\(message): Parse error at column \(position), token \"\(value)\" (lexer), for expression:\n"
                + "\"\(expression)\"\n" + String(repeating: " ", count: position + 1) + "^")
    }

    static func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        c.isASCII && (("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_")
    }

    static func isIdent(_ c: Unicode.Scalar) -> Bool {
        isIdentStart(c) || ("0"..."9").contains(c)
    }

    mutating func tokenize() throws(JMESPathError) -> [Token] {
        var tokens: [Token] = []
        func add(_ type: String, _ text: String, _ start: Int, _ value: JSON = .null) {
            tokens.append(Token(type: type, value: value, text: text, start: start))
        }
        while let c = current {
            let start = i
            if let type = Lexer.simple[c] {
                i += 1
                add(type, String(Character(c)), start)
            } else if Lexer.isIdentStart(c) {
                while let d = current, Lexer.isIdent(d) { i += 1 }
                let name = text(start, i)
                add("unquoted_identifier", name, start, .string(name))
            } else if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
            } else if c == "[" {
                i += 1
                if current == "]" {
                    i += 1
                    add("flatten", "[]", start)
                } else if current == "?" {
                    i += 1
                    add("filter", "[?", start)
                } else {
                    add("lbracket", "[", start)
                }
            } else if c == "'" {
                let raw = try consumeUntil("'").replacingOccurrences(of: "\\'", with: "'")
                add("literal", raw, start, .string(raw))
            } else if c == "|" {
                i += 1
                if current == "|" {
                    i += 1
                    add("or", "||", start)
                } else {
                    add("pipe", "|", start)
                }
            } else if c == "&" {
                i += 1
                if current == "&" {
                    i += 1
                    add("and", "&&", start)
                } else {
                    add("expref", "&", start)
                }
            } else if c == "`" {
                let lexeme = try consumeUntil("`").replacingOccurrences(of: "\\`", with: "`")
                if let value = try? JSON.parse(lexeme) {
                    add("literal", lexeme, start, value)
                } else if let value = try? JSON.parse("\"" + PythonText.lstrip(lexeme) + "\"") {
                    add("literal", lexeme, start, value)
                } else {
                    throw error("Bad token `\(lexeme)`", at: start, value: lexeme)
                }
            } else if ("0"..."9").contains(c) || c == "-" {
                i += 1
                while let d = current, ("0"..."9").contains(d) { i += 1 }
                let digits = text(start, i)
                guard let n = Int(digits) else {
                    throw error("Unknown token '\(digits)'", at: start, value: digits)
                }
                add("number", digits, start, .int(n))
            } else if c == "\"" {
                let body = try consumeUntil("\"")
                guard case .string(let name)? = try? JSON.parse("\"" + body + "\"") else {
                    throw error("Invalid quoted identifier", at: start, value: body)
                }
                add("quoted_identifier", body, start, .string(name))
            } else if c == "<" || c == ">" || c == "!" || c == "=" {
                i += 1
                if current == "=" {
                    i += 1
                    let type = ["<": "lte", ">": "gte", "!": "ne", "=": "eq"][c]!
                    add(type, text(start, i), start)
                } else if c == "=" {
                    throw error("Unknown token '='", at: start, value: "=")
                } else {
                    add(["<": "lt", ">": "gt", "!": "not"][c]!, String(Character(c)), start)
                }
            } else {
                throw error("Unknown token \(Character(c))", at: start, value: String(Character(c)))
            }
        }
        add("eof", "", s.count)
        return tokens
    }

    /// The text up to `delimiter` (a backslash escapes the next character), past it.
    mutating func consumeUntil(_ delimiter: Unicode.Scalar) throws(JMESPathError) -> String {
        let start = i
        var buffer = String.UnicodeScalarView()
        i += 1
        while current != delimiter {
            guard let c = current else {
                throw error("Unclosed \(Character(delimiter)) delimiter", at: start, value: text(start, s.count))
            }
            if c == "\\" {
                buffer.append(c)
                i += 1
                guard let next = current else {
                    throw error("Unclosed \(Character(delimiter)) delimiter", at: start, value: text(start, s.count))
                }
                buffer.append(next)
            } else {
                buffer.append(c)
            }
            i += 1
        }
        i += 1
        return String(buffer)
    }

    func text(_ from: Int, _ to: Int) -> String { String(String.UnicodeScalarView(s[from..<to])) }
}

// MARK: - Parser

private struct Parser {
    let tokens: [Token]
    let expression: String
    var index = 0

    static let bindingPower: [String: Int] = [
        "eof": 0, "unquoted_identifier": 0, "quoted_identifier": 0, "literal": 0, "rbracket": 0, "rparen": 0,
        "comma": 0, "rbrace": 0, "number": 0, "current": 0, "expref": 0, "colon": 0, "pipe": 1, "or": 2, "and": 3,
        "eq": 5, "gt": 5, "lt": 5, "gte": 5, "lte": 5, "ne": 5, "flatten": 9, "star": 20, "filter": 21, "dot": 40,
        "not": 45, "lbrace": 50, "lbracket": 55, "lparen": 60,
    ]
    static let projectionStop = 10

    init(tokens: [Token], expression: String) {
        self.tokens = tokens
        self.expression = expression
    }

    var current: String { tokens[index].type }
    func lookahead(_ n: Int) -> Token { tokens[min(index + n, tokens.count - 1)] }
    mutating func advance() { index = min(index + 1, tokens.count - 1) }

    func error(_ token: Token, _ message: String) -> JMESPathError {
        let text = token.type == "eof" ? "" : token.text
        return JMESPathError(
            message:
                "\(message): Parse error at column \(token.start), token \"\(text)\" (\(token.type.uppercased())), "
                + "for expression:\n\"\(expression)\"\n" + String(repeating: " ", count: token.start + 1) + "^")
    }

    mutating func parse() throws(JMESPathError) -> Node {
        let node = try expression(0)
        if current != "eof" {
            let t = lookahead(0)
            throw error(t, "Unexpected token: \(t.text)")
        }
        return node
    }

    mutating func expression(_ bindingPower: Int) throws(JMESPathError) -> Node {
        let token = lookahead(0)
        advance()
        var left = try nud(token)
        while bindingPower < Parser.bindingPower[current, default: 0] {
            let token = lookahead(0)
            advance()
            left = try led(token, left)
        }
        return left
    }

    mutating func match(_ type: String) throws(JMESPathError) {
        guard current == type else {
            let t = lookahead(0)
            if t.type == "eof" { throw error(t, "Unexpected end of expression") }
            throw error(t, "Expecting: \(type), got: \(t.type)")
        }
        advance()
    }

    mutating func nud(_ token: Token) throws(JMESPathError) -> Node {
        switch token.type {
        case "literal": return .literal(token.value)
        case "unquoted_identifier": return .field(token.value.stringValue ?? "")
        case "quoted_identifier":
            if current == "lparen" {
                throw error(lookahead(0), "Quoted identifier not allowed for function names.")
            }
            return .field(token.value.stringValue ?? "")
        case "star":
            let right = current == "rbracket" ? Node.identity : try projectionRHS(Parser.bindingPower["star"]!)
            return .valueProjection(.identity, right)
        case "filter": return try ledFilter(.identity)
        case "lbrace": return try multiSelectHash()
        case "lparen":
            let node = try expression(0)
            try match("rparen")
            return node
        case "flatten":
            let right = try projectionRHS(Parser.bindingPower["flatten"]!)
            return .projection(.flatten(.identity), right)
        case "not": return .not(try expression(Parser.bindingPower["not"]!))
        case "lbracket":
            if current == "number" || current == "colon" {
                let right = try indexExpression()
                return try projectIfSlice(.identity, right)
            } else if current == "star" && lookahead(1).type == "rbracket" {
                advance()
                advance()
                let right = try projectionRHS(Parser.bindingPower["star"]!)
                return .projection(.identity, right)
            }
            return try multiSelectList()
        case "current": return .current
        case "expref": return .expref(try expression(Parser.bindingPower["expref"]!))
        case "eof": throw error(token, "Unexpected end of expression")
        default: throw error(token, "Invalid token")
        }
    }

    mutating func led(_ token: Token, _ left: Node) throws(JMESPathError) -> Node {
        switch token.type {
        case "dot":
            if current != "star" {
                let right = try dotRHS(Parser.bindingPower["dot"]!)
                if case .subexpression(var children) = left {
                    children.append(right)
                    return .subexpression(children)
                }
                return .subexpression([left, right])
            }
            advance()
            return .valueProjection(left, try projectionRHS(Parser.bindingPower["dot"]!))
        case "pipe": return .pipe(left, try expression(Parser.bindingPower["pipe"]!))
        case "or": return .or(left, try expression(Parser.bindingPower["or"]!))
        case "and": return .and(left, try expression(Parser.bindingPower["and"]!))
        case "lparen":
            guard case .field(let name) = left else {
                throw error(lookahead(-1), "Invalid function name")
            }
            var args: [Node] = []
            while current != "rparen" {
                let node = try expression(0)
                if current == "comma" { try match("comma") }
                args.append(node)
            }
            try match("rparen")
            return .function(name, args)
        case "filter": return try ledFilter(left)
        case "eq", "ne", "gt", "gte", "lt", "lte":
            return .comparator(token.type, left, try expression(Parser.bindingPower[token.type]!))
        case "flatten":
            return .projection(.flatten(left), try projectionRHS(Parser.bindingPower["flatten"]!))
        case "lbracket":
            if current == "number" || current == "colon" {
                let right = try indexExpression()
                if case .indexExpression(var children) = left {
                    children.append(right)
                    return .indexExpression(children)
                }
                return try projectIfSlice(left, right)
            }
            try match("star")
            try match("rbracket")
            return .projection(left, try projectionRHS(Parser.bindingPower["star"]!))
        default:
            throw error(token, "Invalid token")
        }
    }

    mutating func ledFilter(_ left: Node) throws(JMESPathError) -> Node {
        let condition = try expression(0)
        try match("rbracket")
        let right = current == "flatten" ? Node.identity : try projectionRHS(Parser.bindingPower["filter"]!)
        return .filterProjection(left, right, condition)
    }

    mutating func indexExpression() throws(JMESPathError) -> Node {
        if current == "colon" || lookahead(1).type == "colon" { return try sliceExpression() }
        guard case .integer(let text) = lookahead(0).value, let n = Int(text) else {
            throw error(lookahead(0), "Expected a number")
        }
        advance()
        try match("rbracket")
        return .index(n)
    }

    mutating func sliceExpression() throws(JMESPathError) -> Node {
        var parts: [Int?] = [nil, nil, nil]
        var k = 0
        while current != "rbracket" && k < 3 {
            if current == "colon" {
                k += 1
                if k == 3 { throw error(lookahead(0), "Syntax error") }
                advance()
            } else if current == "number" {
                if case .integer(let text) = lookahead(0).value { parts[k] = Int(text) }
                advance()
            } else {
                let t = lookahead(0)
                throw error(t, "Expecting: number or colon, got: \(t.type)")
            }
        }
        try match("rbracket")
        return .slice(parts[0], parts[1], parts[2])
    }

    mutating func projectIfSlice(_ left: Node, _ right: Node) throws(JMESPathError) -> Node {
        let indexed = Node.indexExpression([left, right])
        if case .slice = right {
            return .projection(indexed, try projectionRHS(Parser.bindingPower["star"]!))
        }
        return indexed
    }

    mutating func multiSelectList() throws(JMESPathError) -> Node {
        var expressions: [Node] = []
        while true {
            expressions.append(try expression(0))
            if current == "rbracket" { break }
            try match("comma")
        }
        try match("rbracket")
        return .multiSelectList(expressions)
    }

    mutating func multiSelectHash() throws(JMESPathError) -> Node {
        var pairs: [(String, Node)] = []
        while true {
            let key = lookahead(0)
            guard key.type == "quoted_identifier" || key.type == "unquoted_identifier" else {
                throw error(key, "Expecting: ['quoted_identifier', 'unquoted_identifier'], got: \(key.type)")
            }
            advance()
            try match("colon")
            pairs.append((key.value.stringValue ?? "", try expression(0)))
            if current == "comma" {
                try match("comma")
            } else if current == "rbrace" {
                try match("rbrace")
                break
            } else {
                let t = lookahead(0)
                throw error(t, "Expecting: comma or rbrace, got: \(t.type)")
            }
        }
        return .multiSelectHash(pairs)
    }

    mutating func projectionRHS(_ bindingPower: Int) throws(JMESPathError) -> Node {
        if Parser.bindingPower[current, default: 0] < Parser.projectionStop { return .identity }
        switch current {
        case "lbracket", "filter": return try expression(bindingPower)
        case "dot":
            try match("dot")
            return try dotRHS(bindingPower)
        default:
            let t = lookahead(0)
            throw error(t, "Syntax error")
        }
    }

    mutating func dotRHS(_ bindingPower: Int) throws(JMESPathError) -> Node {
        switch current {
        case "quoted_identifier", "unquoted_identifier", "star": return try expression(bindingPower)
        case "lbracket":
            try match("lbracket")
            return try multiSelectList()
        case "lbrace":
            try match("lbrace")
            return try multiSelectHash()
        default:
            let t = lookahead(0)
            if t.type == "eof" { throw error(t, "Unexpected end of expression") }
            throw error(
                t, "Expecting: ['quoted_identifier', 'unquoted_identifier', 'lbracket', 'lbrace'], got: \(t.type)")
        }
    }
}

// MARK: - Interpreter

/// An expression reference (`&expr`) passed to `sort_by`, `max_by`, `min_by`, `map`.
private struct ExpRef {
    var node: Node
}

private enum Interpreter {
    static func visit(_ node: Node, _ value: JSON?) throws(JMESPathError) -> JSON? {
        switch node {
        case .field(let name):
            return value?[name]
        case .subexpression(let children):
            var result = value
            for child in children { result = try visit(child, result) }
            return result
        case .indexExpression(let children):
            var result = value
            for child in children { result = try visit(child, result) }
            return result
        case .index(let n):
            guard case .array(let items)? = value else { return nil }
            let k = n < 0 ? items.count + n : n
            return items.indices.contains(k) ? items[k] : nil
        case .slice(let start, let stop, let step):
            guard case .array(let items)? = value else { return nil }
            return .array(try slice(items, start, stop, step))
        case .identity, .current:
            return value
        case .literal(let json):
            return json
        case .projection(let left, let right):
            guard case .array(let items)? = try visit(left, value) else { return nil }
            var collected: [JSON] = []
            for item in items {
                if let v = try visit(right, item), v != .null { collected.append(v) }
            }
            return .array(collected)
        case .valueProjection(let left, let right):
            guard case .object(let members)? = try visit(left, value) else { return nil }
            var collected: [JSON] = []
            for member in members {
                if let v = try visit(right, member.value), v != .null { collected.append(v) }
            }
            return .array(collected)
        case .filterProjection(let left, let right, let condition):
            guard case .array(let items)? = try visit(left, value) else { return nil }
            var collected: [JSON] = []
            for item in items where isTrue(try visit(condition, item)) {
                if let v = try visit(right, item), v != .null { collected.append(v) }
            }
            return .array(collected)
        case .flatten(let child):
            guard case .array(let items)? = try visit(child, value) else { return nil }
            var merged: [JSON] = []
            for item in items {
                if case .array(let inner) = item { merged.append(contentsOf: inner) } else { merged.append(item) }
            }
            return .array(merged)
        case .multiSelectList(let nodes):
            guard let value, value != .null else { return nil }
            var out: [JSON] = []
            for n in nodes { out.append(try visit(n, value) ?? .null) }
            return .array(out)
        case .multiSelectHash(let pairs):
            guard let value, value != .null else { return nil }
            var out = JSON.object([])
            for (key, n) in pairs { out.set(key, try visit(n, value) ?? .null) }
            return out
        case .comparator(let op, let l, let r):
            let left = try visit(l, value) ?? .null
            let right = try visit(r, value) ?? .null
            switch op {
            case "eq": return .bool(equals(left, right))
            case "ne": return .bool(!equals(left, right))
            default:
                guard let ordering = compare(left, right) else { return nil }
                switch op {
                case "lt": return .bool(ordering < 0)
                case "lte": return .bool(ordering <= 0)
                case "gt": return .bool(ordering > 0)
                default: return .bool(ordering >= 0)
                }
            }
        case .or(let l, let r):
            let left = try visit(l, value)
            return isTrue(left) ? left : try visit(r, value)
        case .and(let l, let r):
            let left = try visit(l, value)
            return isTrue(left) ? try visit(r, value) : left
        case .not(let child):
            let v = try visit(child, value)
            if case .integer(let text)? = v, text == "0" { return .bool(false) }
            return .bool(!isTrue(v))
        case .pipe(let l, let r):
            return try visit(r, try visit(l, value))
        case .function(let name, let args):
            return try Functions.call(name, args, value)
        case .expref:
            // Only meaningful as a function argument; Functions handles it there.
            return nil
        }
    }

    static func isTrue(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?: return false
        case .string(let s)?: return !s.isEmpty
        case .array(let a)?: return !a.isEmpty
        case .object(let o)?: return !o.isEmpty
        default: return true
        }
    }

    static func number(_ v: JSON) -> Double? {
        switch v {
        case .integer(let t): return Double(t)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Python `==` on json values: 1 == 1.0, but a boolean never equals a number.
    static func equals(_ a: JSON, _ b: JSON) -> Bool {
        if let x = number(a), let y = number(b) { return x == y }
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equals($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { m in b[m.key].map { equals(m.value, $0) } ?? false }
        default:
            return a == b
        }
    }

    /// Ordering for numbers and strings; nil (null) for anything else.
    static func compare(_ a: JSON, _ b: JSON) -> Int? {
        if let x = number(a), let y = number(b) { return x < y ? -1 : (x > y ? 1 : 0) }
        if case .string(let x) = a, case .string(let y) = b {
            let xs = Array(x.unicodeScalars).map(\.value)
            let ys = Array(y.unicodeScalars).map(\.value)
            return xs.lexicographicallyPrecedes(ys) ? -1 : (xs == ys ? 0 : 1)
        }
        return nil
    }

    /// Python slice semantics.
    static func slice(_ items: [JSON], _ start: Int?, _ stop: Int?, _ step: Int?) throws(JMESPathError) -> [JSON] {
        let step = step ?? 1
        if step == 0 { throw JMESPathError(message: "Invalid slice expression") }
        let n = items.count
        func clamp(_ v: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var v else { return defaultValue }
            if v < 0 { v += n }
            return min(max(v, low), high)
        }
        var out: [JSON] = []
        if step > 0 {
            var i = clamp(start, 0, low: 0, high: n)
            let end = clamp(stop, n, low: 0, high: n)
            while i < end {
                out.append(items[i])
                i += step
            }
        } else {
            var i = clamp(start, n - 1, low: -1, high: n - 1)
            let end = clamp(stop, -1, low: -1, high: n - 1)
            while i > end {
                out.append(items[i])
                i += step
            }
        }
        return out
    }
}

// MARK: - Functions

private enum Functions {
    static func typeName(_ v: JSON?) -> String {
        switch v {
        case nil, .null?: return "null"
        case .string?: return "string"
        case .integer?, .double?: return "number"
        case .bool?: return "boolean"
        case .array?: return "array"
        case .object?: return "object"
        }
    }

    static func typeError(_ function: String, _ value: JSON?, _ expected: [String]) -> JMESPathError {
        let rendered = value.map { PythonText.repr($0) } ?? "None"
        let list = "[" + expected.map { "'\($0)'" }.joined(separator: ", ") + "]"
        return JMESPathError(
            message: "In function \(function)(), invalid type for value: \(rendered), expected one of: \(list), "
                + "received: \"\(typeName(value))\"")
    }

    static let arities: [String: (Int, Bool)] = [
        "abs": (1, false), "avg": (1, false), "ceil": (1, false), "contains": (2, false), "ends_with": (2, false),
        "floor": (1, false), "join": (2, false), "keys": (1, false), "length": (1, false), "map": (2, false),
        "max": (1, false), "max_by": (2, false), "merge": (1, true), "min": (1, false), "min_by": (2, false),
        "not_null": (1, true), "reverse": (1, false), "sort": (1, false), "sort_by": (2, false),
        "starts_with": (2, false), "sum": (1, false), "to_array": (1, false), "to_number": (1, false),
        "to_string": (1, false), "type": (1, false), "values": (1, false),
    ]

    static func call(_ name: String, _ argNodes: [Node], _ current: JSON?) throws(JMESPathError) -> JSON? {
        guard let (arity, variadic) = arities[name] else {
            throw JMESPathError(message: "Unknown function: \(name)()")
        }
        if variadic ? argNodes.count < arity : argNodes.count != arity {
            throw JMESPathError(
                message: variadic
                    ? "Expected at least \(arity) arguments for function \(name)(), received \(argNodes.count)"
                    : "Expected \(arity) arguments for function \(name)(), received \(argNodes.count)")
        }
        var refs: [ExpRef?] = []
        var args: [JSON?] = []
        for node in argNodes {
            if case .expref(let inner) = node {
                refs.append(ExpRef(node: inner))
                args.append(nil)
            } else {
                refs.append(nil)
                args.append(try Interpreter.visit(node, current))
            }
        }
        func number(_ k: Int) throws(JMESPathError) -> Double {
            guard let v = args[k], let d = Interpreter.number(v) else { throw typeError(name, args[k], ["number"]) }
            return d
        }
        func array(_ k: Int) throws(JMESPathError) -> [JSON] {
            guard case .array(let items)? = args[k] else { throw typeError(name, args[k], ["array"]) }
            return items
        }
        func string(_ k: Int) throws(JMESPathError) -> String {
            guard case .string(let s)? = args[k] else { throw typeError(name, args[k], ["string"]) }
            return s
        }
        func ref(_ k: Int) throws(JMESPathError) -> ExpRef {
            guard let r = refs[k] else { throw typeError(name, args[k], ["expref"]) }
            return r
        }
        func numberJSON(_ d: Double) -> JSON {
            if d.rounded() == d, let i = Int(exactly: d) { return .int(i) }
            return .double(d)
        }
        switch name {
        case "abs":
            guard let v = args[0] else { throw typeError(name, nil, ["number"]) }
            if case .integer(let t) = v { return .integer(t.hasPrefix("-") ? String(t.dropFirst()) : t) }
            return .double(abs(try number(0)))
        case "avg":
            let items = try array(0)
            if items.isEmpty { return nil }
            var total = 0.0
            for item in items {
                guard let d = Interpreter.number(item) else { throw typeError(name, args[0], ["array-number"]) }
                total += d
            }
            return .double(total / Double(items.count))
        case "ceil": return numberJSON((try number(0)).rounded(.up))
        case "floor": return numberJSON((try number(0)).rounded(.down))
        case "contains":
            switch args[0] {
            case .array(let items)?: return .bool(items.contains { Interpreter.equals($0, args[1] ?? .null) })
            case .string(let s)?:
                guard case .string(let needle)? = args[1] else { return .bool(false) }
                return .bool(needle.isEmpty || s.contains(needle))
            default: throw typeError(name, args[0], ["array", "string"])
            }
        case "ends_with": return .bool((try string(0)).hasSuffix(try string(1)))
        case "starts_with": return .bool((try string(0)).hasPrefix(try string(1)))
        case "join":
            let separator = try string(0)
            var parts: [String] = []
            for item in try array(1) {
                guard case .string(let s) = item else { throw typeError(name, args[1], ["array-string"]) }
                parts.append(s)
            }
            return .string(parts.joined(separator: separator))
        case "keys":
            guard case .object(let members)? = args[0] else { throw typeError(name, args[0], ["object"]) }
            return .array(members.map { .string($0.key) })
        case "values":
            guard case .object(let members)? = args[0] else { throw typeError(name, args[0], ["object"]) }
            return .array(members.map(\.value))
        case "length":
            switch args[0] {
            case .string(let s)?: return .int(s.unicodeScalars.count)
            case .array(let a)?: return .int(a.count)
            case .object(let o)?: return .int(o.count)
            default: throw typeError(name, args[0], ["string", "array", "object"])
            }
        case "map":
            let expression = try ref(0)
            var out: [JSON] = []
            for item in try array(1) { out.append(try Interpreter.visit(expression.node, item) ?? .null) }
            return .array(out)
        case "max", "min":
            let items = try array(0)
            if items.isEmpty { return nil }
            return try extreme(items, name: name, key: { $0 }, wantMax: name == "max")
        case "max_by", "min_by":
            let items = try array(0)
            if items.isEmpty { return nil }
            let expression = try ref(1)
            return try extreme(
                items, name: name,
                key: { (v) throws(JMESPathError) -> JSON in try Interpreter.visit(expression.node, v) ?? .null },
                wantMax: name == "max_by")
        case "merge":
            var out = JSON.object([])
            for (k, v) in args.enumerated() {
                guard case .object(let members)? = v else { throw typeError(name, args[k], ["object"]) }
                for m in members { out.set(m.key, m.value) }
            }
            return out
        case "not_null":
            return args.first { $0 != nil && $0 != .null } ?? nil
        case "reverse":
            switch args[0] {
            case .string(let s)?: return .string(String(s.unicodeScalars.reversed().map(Character.init)))
            case .array(let a)?: return .array(a.reversed())
            default: throw typeError(name, args[0], ["string", "array"])
            }
        case "sort":
            return .array(try sorted(try array(0), name: name, key: { $0 }))
        case "sort_by":
            let expression = try ref(1)
            return .array(
                try sorted(
                    try array(0), name: name,
                    key: { (v) throws(JMESPathError) -> JSON in try Interpreter.visit(expression.node, v) ?? .null }))
        case "sum":
            var total = 0.0
            var allIntegers = true
            for item in try array(0) {
                guard let d = Interpreter.number(item) else { throw typeError(name, args[0], ["array-number"]) }
                if case .double = item { allIntegers = false }
                total += d
            }
            return allIntegers ? numberJSON(total) : .double(total)
        case "to_array":
            if case .array? = args[0] { return args[0] }
            return .array([args[0] ?? .null])
        case "to_number":
            switch args[0] {
            case .integer?, .double?: return args[0]
            case .string(let s)?:
                if let i = PythonText.canonicalInteger(s), !s.contains("+") { return .integer(i) }
                if let d = Double(s), s.contains(".") || s.lowercased().contains("e") { return .double(d) }
                return nil
            default: return nil
            }
        case "to_string":
            if case .string? = args[0] { return args[0] }
            return .string((args[0] ?? .null).pythonDumps(separators: (item: ",", key: ":")))
        case "type":
            return .string(typeName(args[0]))
        default:
            throw JMESPathError(message: "Unknown function: \(name)()")
        }
    }

    static func sorted(_ items: [JSON], name: String, key: (JSON) throws(JMESPathError) -> JSON)
        throws(JMESPathError) -> [JSON]
    {
        var keyed: [(JSON, JSON)] = []
        for item in items { keyed.append((try key(item), item)) }
        guard let first = keyed.first?.0 else { return [] }
        let kind = typeName(first)
        guard kind == "number" || kind == "string" else { throw typeError(name, first, ["number", "string"]) }
        for (k, _) in keyed where typeName(k) != kind { throw typeError(name, k, [kind]) }
        return keyed.enumerated().sorted { a, b in
            let c = Interpreter.compare(a.element.0, b.element.0) ?? 0
            return c != 0 ? c < 0 : a.offset < b.offset
        }.map(\.element.1)
    }

    static func extreme(_ items: [JSON], name: String, key: (JSON) throws(JMESPathError) -> JSON, wantMax: Bool)
        throws(JMESPathError) -> JSON
    {
        let ordered = try sorted(items, name: name, key: key)
        return (wantMax ? ordered.last : ordered.first) ?? .null
    }
}
