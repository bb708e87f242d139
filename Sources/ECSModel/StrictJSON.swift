import Foundation

/// JSON decoding that first checks the input against the ECS model the way the aws CLI
/// does (botocore's parameter validation), so bad input is rejected with the CLI's words.
public enum StrictJSON {
    /// Decodes `type` from `data`. If `T` is an `ECSShape` (every request/response type of
    /// this module), the JSON is first validated against that shape: unknown members,
    /// wrong types and missing required members are all collected and thrown together as a
    /// `ParameterValidationError`. Malformed JSON throws `JSONSyntaxError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        let value = try OrderedJSONParser.parse(data)
        if let shaped = T.self as? any ECSShape.Type {
            try check(value, shape: shaped.shapeName)
        }
        return try JSONDecoder().decode(T.self, from: value.jsonData)
    }

    /// Decodes `type` from `data` after validating it against the model shape `shape`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, shape: String) throws -> T {
        let value = try OrderedJSONParser.parse(data)
        try check(value, shape: shape)
        return try JSONDecoder().decode(T.self, from: value.jsonData)
    }

    /// Validates `data` against the model shape `shape` (a name in `ShapeTable.shapes`,
    /// e.g. "RunTaskRequest"), throwing `ParameterValidationError` or `JSONSyntaxError`.
    public static func validate(_ data: Data, shape: String) throws {
        try check(try OrderedJSONParser.parse(data), shape: shape)
    }

    /// Every validation problem of `data` against `shape`, in botocore's order.
    /// Throws only `JSONSyntaxError`.
    public static func problems(in data: Data, shape: String) throws -> [ParameterValidationError.Problem] {
        problems(in: try OrderedJSONParser.parse(data), shape: shape)
    }

    private static func problems(in value: JSONValue, shape: String) -> [ParameterValidationError.Problem] {
        var validator = ParameterValidator()
        validator.validate(value, shape: shape, path: "")
        return validator.problems
    }

    private static func check(_ value: JSONValue, shape: String) throws {
        let problems = problems(in: value, shape: shape)
        if !problems.isEmpty { throw ParameterValidationError(problems: problems) }
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
