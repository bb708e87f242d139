/// Why the engine refused or failed to run something. `ecsType` is the ECS error type the API layer
/// reports (ClientException for bad input, ServerException for failures on berth's side).
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case ClientException, InvalidParameterException, ServerException
    }
    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func client(_ message: String) -> EngineError { EngineError(.ClientException, message) }
    public static func server(_ message: String) -> EngineError { EngineError(.ServerException, message) }

    public var description: String { "\(kind.rawValue): \(message)" }
}
