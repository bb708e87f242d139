import Foundation

/// Input that does not fit the model, reported as botocore's `ParamValidationError`
/// (what the aws CLI prints before sending anything). `description` is botocore's text:
///
///     Parameter validation failed:
///     Unknown parameter in containerDefinitions[0]: "foo", must be one of: name, image, …
///     Invalid type for parameter containerDefinitions[0].cpu, value: x, type: <class 'str'>, valid types: <class 'int'>
public struct ParameterValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem; `path` is botocore's name for the place, e.g. `containerDefinitions[0].cpu`,
    /// or `input` for the top level.
    public enum Problem: Sendable, Equatable, CustomStringConvertible {
        /// `Missing required parameter in <path>: "<member>"`
        case missingRequired(path: String, member: String)
        /// `Unknown parameter in <path>: "<parameter>", must be one of: <validNames>`
        case unknownParameter(path: String, parameter: String, validNames: [String])
        /// `Invalid type for parameter <path>, value: <value>, type: <type>, valid types: <validTypes>`;
        /// `value` is Python's `str()` of the value and `type` its Python class.
        case invalidType(path: String, value: String, type: String, validTypes: [String])
        /// `Invalid value for parameter <path>, value: <value>, valid min value: <min>`
        case belowMinimum(path: String, value: String, min: String)
        /// `Invalid length for parameter <path>, value: <length>, valid min length: <min>`
        case tooShort(path: String, length: Int, min: Int)
        /// `Invalid value for parameter <path>, value: <value>, valid max value: <max>`.
        /// Not a botocore check: an integer too large for the model's 32-bit Integer
        /// (or 64-bit Long), which ECS itself could not read either.
        case aboveMaximum(path: String, value: String, max: String)

        public var path: String {
            switch self {
            case .missingRequired(let p, _), .unknownParameter(let p, _, _), .invalidType(let p, _, _, _),
                .belowMinimum(let p, _, _), .tooShort(let p, _, _), .aboveMaximum(let p, _, _):
                return p
            }
        }

        /// The problem's line in the report.
        public var message: String {
            switch self {
            case .missingRequired(let path, let member):
                return "Missing required parameter in \(path): \"\(member)\""
            case .unknownParameter(let path, let parameter, let validNames):
                return "Unknown parameter in \(path): \"\(parameter)\", must be one of: "
                    + validNames.joined(separator: ", ")
            case .invalidType(let path, let value, let type, let validTypes):
                return "Invalid type for parameter \(path), value: \(value), type: \(type), valid types: "
                    + validTypes.joined(separator: ", ")
            case .belowMinimum(let path, let value, let min):
                return "Invalid value for parameter \(path), value: \(value), valid min value: \(min)"
            case .tooShort(let path, let length, let min):
                return "Invalid length for parameter \(path), value: \(length), valid min length: \(min)"
            case .aboveMaximum(let path, let value, let max):
                return "Invalid value for parameter \(path), value: \(value), valid max value: \(max)"
            }
        }

        public var description: String { message }
    }

    /// Every problem found, in botocore's order.
    public var problems: [Problem]

    public init(problems: [Problem]) { self.problems = problems }

    /// The problems, one per line (botocore's `report`).
    public var report: String { problems.map(\.message).joined(separator: "\n") }

    /// `Parameter validation failed:` and the report, exactly as botocore prints it.
    public var description: String { "Parameter validation failed:\n" + report }
}
