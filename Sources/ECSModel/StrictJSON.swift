import Foundation

/// JSON decoding that first checks the input against the ECS model the way the aws CLI
/// does (botocore's parameter validation), so bad input is rejected with the CLI's words.
public enum StrictJSON {
    /// Decodes `type` from `data`. If `T` is an `ECSShape` (every request/response type of
    /// this module), the JSON is first validated against that shape: unknown members,
    /// wrong types and missing required members are all collected and thrown together as a
    /// `ParameterValidationError`. Malformed JSON throws `JSONSyntaxError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value = try parse(data)
        if let shaped = T.self as? any ECSShape.Type {
            try validate(value, shape: shaped.shapeName)
        }
        return try decode(T.self, from: value)
    }

    /// Decodes `type` from `data` after validating it against the model shape `shape`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, shape: String) throws -> T {
        let value = try parse(data)
        try validate(value, shape: shape)
        return try decode(T.self, from: value)
    }

    /// Validates `data` against the model shape `shape` (a name in `ShapeTable.shapes`,
    /// e.g. "RunTaskRequest"), throwing `ParameterValidationError` or `JSONSyntaxError`.
    public static func validate(_ data: Data, shape: String) throws {
        try validate(try parse(data), shape: shape)
    }

    /// Validates a parsed value against the model shape `shape`.
    public static func validate(_ value: JSON, shape: String) throws(ParameterValidationError) {
        let problems = problems(in: value, shape: shape)
        if !problems.isEmpty { throw ParameterValidationError(problems: problems) }
    }

    /// Every validation problem of `data` against `shape`, in botocore's order.
    /// Throws only `JSONSyntaxError`.
    public static func problems(in data: Data, shape: String) throws -> [ParameterValidationError.Problem] {
        problems(in: try parse(data), shape: shape)
    }

    /// Every validation problem of a parsed value against `shape`, in botocore's order.
    public static func problems(in value: JSON, shape: String) -> [ParameterValidationError.Problem] {
        var validator = ParameterValidator()
        validator.validate(value, shape: shape, path: "")
        return validator.problems
    }

    /// An API's request body is RFC 8259 JSON: no NaN or Infinity.
    private static func parse(_ data: Data) throws(JSONSyntaxError) -> JSON {
        try JSON.parse(data, allowingNaN: false)
    }

    /// Decoding the validated value rather than the original bytes makes `JSONDecoder`
    /// see exactly what was validated (e.g. the last of repeated keys).
    private static func decode<T: Decodable>(_ type: T.Type, from value: JSON) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(value.compactText.utf8))
    }

    /// The encoder for ECS JSON: nil members are left out, timestamps are epoch seconds
    /// (`Timestamp`), and slashes in ARNs are not escaped.
    public static func encoder(prettyPrinted: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            prettyPrinted
            ? [.withoutEscapingSlashes, .sortedKeys, .prettyPrinted] : [.withoutEscapingSlashes]
        return encoder
    }

    /// Encodes `value` with `encoder()`.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        try encoder().encode(value)
    }
}
