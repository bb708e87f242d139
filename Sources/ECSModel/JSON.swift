/// A JSON value as Python's `json.loads` sees it, which is what botocore validates and the
/// aws CLI prints: objects keep their members in document order (a repeated key keeps its
/// first position and its last value), integers keep their exact text (Python ints are
/// unbounded), other numbers are doubles (Python floats).
///
/// Parsing is in `JSONParser.swift`, writing in `JSONWriter.swift`.
public enum JSON: Sendable, Equatable {
    case object([JSONMember])
    case array([JSON])
    case string(String)
    /// An integer (no fraction or exponent), as canonical decimal text (`-12`, `0`).
    case integer(String)
    /// A number with a fraction or exponent, or NaN/Infinity: a Python float.
    case double(Double)
    case bool(Bool)
    case null
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSON

    public init(_ key: String, _ value: JSON) {
        self.key = key
        self.value = value
    }
}

extension JSON {
    /// An integer value.
    public static func int(_ value: Int) -> JSON { .integer(String(value)) }

    /// The member `key` of an object, or nil (also for non-objects).
    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The object's members, or nil for other values.
    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The array's items, or nil for other values.
    public var items: [JSON]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The string, or nil for other values.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Whether the value is an object or an array.
    public var isContainer: Bool {
        switch self {
        case .object, .array: return true
        default: return false
        }
    }

    /// Sets `key` in an object: in place if present (Python dict semantics), else appended.
    /// Does nothing to other values.
    public mutating func set(_ key: String, _ value: JSON) {
        guard case .object(var members) = self else { return }
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].value = value
        } else {
            members.append(JSONMember(key, value))
        }
        self = .object(members)
    }
}
