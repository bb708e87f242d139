import ECSModel

/// A command-line value to its request value, as the aws CLI does it
/// (`awscli/argprocess.py`): shorthand syntax for structures, maps and lists of them
/// unless the value looks like JSON (`{` or `[`), JSON otherwise, scalars converted with
/// Python's `int()`/`float()`; a list takes several values (`--tasks a b`).
struct ArgumentUnpacker {
    var loader: ParamFileLoader

    /// A Python exception the CLI does not catch: printed bare, exit 255.
    private enum Failure: Error {
        /// `ValueError`/`TypeError` (caught by the list unpacking, re-raised as ParamError).
        case conversion(String)
        case cli(ECSCLIError)
    }

    func unpack(_ value: ArgParser.Value, shape: String, cliName: String) throws(ECSCLIError) -> JSON {
        do {
            if shouldParseAsShorthand(value, shape: shape) {
                return try parseShorthand(value, shape: shape, cliName: cliName)
            }
            return try unpackCLIArg(value, shape: shape, cliName: cliName)
        } catch {
            switch error {
            case .conversion(let message): throw .general(message)
            case .cli(let e): throw e
            }
        }
    }

    private static func isComplex(_ shape: Shape?) -> Bool {
        switch shape {
        case .structure?, .list?, .map?: return true
        default: return false
        }
    }

    /// `ParamShorthandParser._should_parse_as_shorthand`.
    private func shouldParseAsShorthand(_ value: ArgParser.Value, shape: String) -> Bool {
        var check: String?
        switch value {
        case .list(let items) where !items.isEmpty: check = items[0]
        case .string(let s): check = s
        default: check = nil
        }
        if let check {
            let stripped = PythonText.strip(check)
            if stripped.hasPrefix("[") || stripped.hasPrefix("{") { return false }
        }
        switch ShapeTable.shapes[shape] {
        case .structure?, .map?: return true
        case .list(let member, _, _)?: return ArgumentUnpacker.isComplex(ShapeTable.shapes[member])
        default: return false
        }
    }

    private func parseShorthand(_ value: ArgParser.Value, shape: String, cliName: String) throws(Failure) -> JSON {
        // Special case: a structure whose only member is a string `Value`: `--x shutdown`.
        if case .structure(_, let members)? = ShapeTable.shapes[shape], members.count == 1, members[0].name == "Value",
            case .string? = ShapeTable.shapes[members[0].shape], case .string(let s) = value, !s.contains("=")
        {
            return .object([JSONMember("Value", .string(s))])
        }
        var parser = ShorthandParser(paramFiles: loader)
        let parsed: JSON
        do {
            switch value {
            case .list(let items):
                var out: [JSON] = []
                for item in items { out.append(try parser.parse(item)) }
                parsed = .array(out)
            case .string(let s):
                parsed = try parser.parse(s)
            case .int(let t):
                parsed = try parser.parse(t)
            case .float(let d):
                parsed = try parser.parse(PythonText.floatRepr(d))
            case .flag(let b):
                parsed = .bool(b)
            }
        } catch {
            switch error {
            case .syntax(let e): throw .cli(.paramError(cliName, e.message))
            case .paramFile(let e): throw .cli(.general(e.message))
            }
        }
        do {
            return try ShorthandVisitor.visit(parsed, shape: shape)
        } catch {
            throw .conversion(error.message)
        }
    }

    /// `unpack_cli_arg` without the shorthand step.
    private func unpackCLIArg(_ value: ArgParser.Value, shape: String, cliName: String) throws(Failure) -> JSON {
        let model = ShapeTable.shapes[shape]
        if ArgumentUnpacker.isComplex(model) { return try unpackComplex(value, shape: shape, cliName: cliName) }
        return try unpackScalar(value, shape: model)
    }

    private func unpackScalar(_ value: ArgParser.Value, shape: Shape?) throws(Failure) -> JSON {
        let python = ArgumentUnpacker.python(value)
        do {
            switch shape {
            case .integer?, .long?: return try PythonText.int(python)
            case .double?: return try PythonText.float(python)
            case .boolean?:
                if case .string(let s) = python, s.lowercased() == "false" { return .bool(false) }
                switch python {
                case .string(let s): return .bool(!s.isEmpty)
                case .array(let a): return .bool(!a.isEmpty)
                case .integer(let t): return .bool(t != "0")
                case .double(let d): return .bool(d != 0)
                default: return python
                }
            default: return python
            }
        } catch {
            throw .conversion(error.message)
        }
    }

    private static func python(_ value: ArgParser.Value) -> JSON {
        switch value {
        case .string(let s): return .string(s)
        case .list(let items): return .array(items.map(JSON.string))
        case .flag(let b): return .bool(b)
        case .int(let t): return .integer(t)
        case .float(let d): return .double(d)
        }
    }

    /// `_unpack_complex_cli_arg`.
    private func unpackComplex(_ value: ArgParser.Value, shape: String, cliName: String) throws(Failure) -> JSON {
        switch ShapeTable.shapes[shape] {
        case .structure?, .map?:
            guard case .string(let s) = value else { throw .conversion("'list' object has no attribute 'lstrip'") }
            guard let first = PythonText.lstrip(s).first else { throw .conversion("string index out of range") }
            if first == "{" { return try json(s, cliName: cliName) }
            throw .cli(.paramError(cliName, "Invalid JSON:\n\(s)"))
        case .list(let member, _, _)?:
            var items: [String]
            switch value {
            case .string(let s):
                guard let first = PythonText.lstrip(s).first else { throw .conversion("string index out of range") }
                if first == "[" { return try json(s, cliName: cliName) }
                // Python iterates the string: one item per character.
                items = s.unicodeScalars.map { String($0) }
            case .list(let list):
                if list.count == 1, PythonText.strip(list[0]).hasPrefix("[") {
                    return try json(list[0], cliName: cliName)
                }
                items = list
            default:
                items = []
            }
            var out: [JSON] = []
            for item in items {
                do {
                    out.append(try unpackCLIArg(.string(item), shape: member, cliName: cliName))
                } catch .conversion {
                    throw .cli(.paramError(cliName, items[0]))
                } catch {
                    throw error
                }
            }
            return .array(out)
        default:
            return ArgumentUnpacker.python(value)
        }
    }

    /// `_unpack_json_cli_arg`.
    private func json(_ text: String, cliName: String) throws(Failure) -> JSON {
        do {
            return try JSON.parse(text)
        } catch {
            throw .cli(.paramError(cliName, "Invalid JSON: \(error)\nJSON received: \(text)"))
        }
    }
}
