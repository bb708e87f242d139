import Foundation

/// A hand-written Codable type that mirrors one structure shape of the ECS model.
///
/// `CodingKeys` lists the wire names in model order; a test checks it against
/// `ShapeTable`, and `StrictJSON` validates input against `shapeName` before decoding.
public protocol ECSShape: Codable, Sendable, Equatable {
    associatedtype CodingKeys: CodingKey & CaseIterable
    /// The shape's name in the botocore model, e.g. "ContainerDefinition".
    static var shapeName: String { get }
}

/// A string enum of the ECS model. Unknown values are kept, so a value AWS adds
/// later decodes and re-encodes unchanged; the model's values are static constants.
public protocol ECSEnum: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
where RawValue == String, StringLiteralType == String {
    init(rawValue: String)
    /// The shape's name in the botocore model, e.g. "NetworkMode".
    static var shapeName: String { get }
    /// The values the model lists, in model order.
    static var knownValues: [Self] { get }
}

extension ECSEnum {
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    /// Whether the model lists this value.
    public var isKnown: Bool { Self.knownValues.contains(self) }
}

/// A timestamp as the awsJson1_1 protocol sends it: seconds since 1970 as a JSON number.
///
/// The seconds are kept as given, so a decoded value re-encodes to the same number.
/// Decoding also accepts a string holding a number or an ISO 8601 date.
public struct Timestamp: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var secondsSince1970: Double

    public init(secondsSince1970: Double) { self.secondsSince1970 = secondsSince1970 }
    public init(_ date: Date) { self.secondsSince1970 = date.timeIntervalSince1970 }
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: secondsSince1970) }
    public var description: String { String(secondsSince1970) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.secondsSince1970 < b.secondsSince1970 }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let seconds = try? c.decode(Double.self) {
            secondsSince1970 = seconds
            return
        }
        let text = try c.decode(String.self)
        guard let seconds = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a timestamp: \(text)")
        }
        secondsSince1970 = seconds
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(secondsSince1970)
    }

    /// Seconds since 1970 from a numeric string or an ISO 8601 date, or nil.
    static func parse(_ text: String) -> Double? {
        if let seconds = Double(text), seconds.isFinite { return seconds }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date.timeIntervalSince1970 }
        }
        return nil
    }
}
