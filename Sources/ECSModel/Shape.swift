import Foundation

/// One member of a structure shape: its wire name and the name of its shape.
public struct ShapeMember: Sendable, Equatable {
    public var name: String
    public var shape: String

    public init(_ name: String, _ shape: String) {
        self.name = name
        self.shape = shape
    }
}

/// What the botocore model says about one shape, reduced to what validation needs.
public enum Shape: Sendable, Equatable {
    /// Members in model order (botocore lists them in this order in "must be one of").
    case structure(required: [String], members: [ShapeMember])
    case list(member: String, min: Int?, max: Int?)
    case map(key: String, value: String)
    /// A string; `enumValues` is the model's enum, which botocore does not enforce.
    case string(min: Int?, max: Int?, enumValues: [String]?)
    case integer(min: Int?, max: Int?, boxed: Bool)
    case long(min: Int?, max: Int?, boxed: Bool)
    case double(min: Int?, max: Int?)
    case boolean(boxed: Bool)
    case timestamp
    case blob
}

/// The input, output and modeled errors of one operation.
public struct OperationShapes: Sendable, Equatable {
    public var input: String?
    public var output: String?
    public var errors: [String]
}

/// An error shape of the model (`"exception": true`).
public struct ErrorShapeInfo: Sendable, Equatable {
    public var name: String
    /// `"fault": true` in the model: a server-side (5xx) error.
    public var isFault: Bool
    public var httpStatusCode: Int
}

/// The ECS shapes from the botocore model; the data is in Generated/ShapeTable.swift.
public enum ShapeTable {
    /// Shape name -> shape, for every shape reachable from the generated operations.
    public static let shapes: [String: Shape] = generatedShapes()
    /// Operation name -> its input/output/error shapes.
    public static let operations: [String: OperationShapes] = generatedOperations()
    /// Every error shape in the model, sorted by name.
    public static let errors: [ErrorShapeInfo] = generatedErrors()

    /// A structure's member names in model order, or nil if `shape` is not a known structure.
    public static func memberNames(of shape: String) -> [String]? {
        guard case .structure(_, let members)? = shapes[shape] else { return nil }
        return members.map(\.name)
    }

    /// A structure's required member names, or nil if `shape` is not a known structure.
    public static func requiredMembers(of shape: String) -> [String]? {
        guard case .structure(let required, _)? = shapes[shape] else { return nil }
        return required
    }

    /// A string shape's enum values, or nil if `shape` is not an enum.
    public static func enumValues(of shape: String) -> [String]? {
        guard case .string(_, _, let values)? = shapes[shape] else { return nil }
        return values
    }
}
