import Foundation

/// botocore's `ParamValidator` (botocore/validate.py) over `ShapeTable`: it collects
/// every problem, in the same order and with the same paths as botocore.
///
/// Differences, all where botocore would accept input that ECS and the Swift types
/// cannot take: a JSON `true`/`false` is not accepted as an integer (Python's bool is
/// an int), integers must fit the model's 32-bit Integer / 64-bit Long, and timestamps
/// must be numbers or numeric/ISO 8601 strings.
struct ParameterValidator {
    typealias Problem = ParameterValidationError.Problem

    private(set) var problems: [Problem] = []
    let table: [String: Shape]

    init(table: [String: Shape] = ShapeTable.shapes) { self.table = table }

    /// botocore's `_get_name`: the top level is "input", a leading "." is dropped.
    private func display(_ path: String) -> String {
        if path.isEmpty { return "input" }
        return path.hasPrefix(".") ? String(path.dropFirst()) : path
    }

    private mutating func invalidType(_ path: String, _ value: JSON, _ validTypes: [String]) {
        problems.append(
            .invalidType(
                path: display(path), value: PythonRepr.str(value), type: PythonRepr.typeName(value),
                validTypes: validTypes))
    }

    mutating func validate(_ value: JSON, shape shapeName: String, path: String) {
        guard let shape = table[shapeName] else {
            assertionFailure("shape \(shapeName) is not in ShapeTable")
            return
        }
        switch shape {
        case .structure(let required, let members):
            guard case .object(let fields) = value else {
                return invalidType(path, value, ["<class 'dict'>"])
            }
            for name in required where !fields.contains(where: { $0.key == name }) {
                problems.append(.missingRequired(path: display(path), member: name))
            }
            var known: [(JSONMember, String)] = []
            for field in fields {
                if let member = members.first(where: { $0.name == field.key }) {
                    known.append((field, member.shape))
                } else {
                    problems.append(
                        .unknownParameter(
                            path: display(path), parameter: field.key, validNames: members.map(\.name)))
                }
            }
            for (field, memberShape) in known {
                validate(field.value, shape: memberShape, path: path + "." + field.key)
            }

        case .list(let member, let min, _):
            guard case .array(let items) = value else {
                return invalidType(path, value, ["<class 'list'>", "<class 'tuple'>"])
            }
            if let min, items.count < min {
                problems.append(.tooShort(path: display(path), length: items.count, min: min))
            }
            for (i, item) in items.enumerated() {
                validate(item, shape: member, path: "\(path)[\(i)]")
            }

        case .map(let key, let valueShape):
            guard case .object(let fields) = value else {
                return invalidType(path, value, ["<class 'dict'>"])
            }
            for field in fields {
                validate(.string(field.key), shape: key, path: "\(path) (key: \(field.key))")
                validate(field.value, shape: valueShape, path: "\(path).\(field.key)")
            }

        case .string(let min, _, _):
            guard case .string(let s) = value else {
                return invalidType(path, value, ["<class 'str'>"])
            }
            let length = s.unicodeScalars.count  // Python's len()
            if let min, length < min {
                problems.append(.tooShort(path: display(path), length: length, min: min))
            }

        case .integer(let min, _, _):
            validateInteger(value, min: min, bounds: (Int64(Int32.min), Int64(Int32.max)), path: path)
        case .long(let min, _, _):
            validateInteger(value, min: min, bounds: (Int64.min, Int64.max), path: path)

        case .double(let min, _):
            let number: Double
            switch value {
            case .integer(let text): number = Double(text) ?? .nan
            case .double(let d): number = d
            default:
                return invalidType(path, value, ["<class 'float'>", "<class 'decimal.Decimal'>", "<class 'int'>"])
            }
            if let min, number < Double(min) {
                problems.append(.belowMinimum(path: display(path), value: PythonRepr.str(value), min: String(min)))
            }

        case .boolean:
            guard case .bool = value else { return invalidType(path, value, ["<class 'bool'>"]) }

        case .timestamp:
            switch value {
            case .integer, .double: return
            case .string(let s) where Timestamp.parse(s) != nil: return
            default: invalidType(path, value, ["<class 'datetime.datetime'>", "timestamp-string"])
            }

        case .blob:
            guard case .string = value else {
                return invalidType(path, value, ["<class 'bytes'>", "<class 'bytearray'>", "file-like object"])
            }
        }
    }

    private mutating func validateInteger(
        _ value: JSON, min: Int?, bounds: (lower: Int64, upper: Int64), path: String
    ) {
        guard case .integer(let text) = value else {
            return invalidType(path, value, ["<class 'int'>"])
        }
        // Out of Int64 range entirely: the sign says which side.
        let number = Int64(text)
        let negative = text.hasPrefix("-")
        if let min, number.map({ $0 < Int64(min) }) ?? negative {
            problems.append(.belowMinimum(path: display(path), value: text, min: String(min)))
        } else if number.map({ $0 < bounds.lower }) ?? negative {
            problems.append(.belowMinimum(path: display(path), value: text, min: String(bounds.lower)))
        } else if number.map({ $0 > bounds.upper }) ?? !negative {
            problems.append(.aboveMaximum(path: display(path), value: text, max: String(bounds.upper)))
        }
    }
}
