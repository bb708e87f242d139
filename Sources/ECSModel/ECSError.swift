import Foundation

/// The `__type` of an ECS error response: one of the model's error shapes, or any
/// other code (kept as is, so an unexpected code still round-trips).
public struct ECSErrorType: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let accessDeniedException = ECSErrorType(rawValue: "AccessDeniedException")
    public static let attributeLimitExceededException = ECSErrorType(rawValue: "AttributeLimitExceededException")
    public static let blockedException = ECSErrorType(rawValue: "BlockedException")
    public static let clientException = ECSErrorType(rawValue: "ClientException")
    public static let clusterContainsCapacityProviderException = ECSErrorType(
        rawValue: "ClusterContainsCapacityProviderException")
    public static let clusterContainsContainerInstancesException = ECSErrorType(
        rawValue: "ClusterContainsContainerInstancesException")
    public static let clusterContainsServicesException = ECSErrorType(rawValue: "ClusterContainsServicesException")
    public static let clusterContainsTasksException = ECSErrorType(rawValue: "ClusterContainsTasksException")
    public static let clusterNotFoundException = ECSErrorType(rawValue: "ClusterNotFoundException")
    public static let conflictException = ECSErrorType(rawValue: "ConflictException")
    public static let daemonNotActiveException = ECSErrorType(rawValue: "DaemonNotActiveException")
    public static let daemonNotFoundException = ECSErrorType(rawValue: "DaemonNotFoundException")
    public static let invalidParameterException = ECSErrorType(rawValue: "InvalidParameterException")
    public static let limitExceededException = ECSErrorType(rawValue: "LimitExceededException")
    public static let missingVersionException = ECSErrorType(rawValue: "MissingVersionException")
    public static let namespaceNotFoundException = ECSErrorType(rawValue: "NamespaceNotFoundException")
    public static let noUpdateAvailableException = ECSErrorType(rawValue: "NoUpdateAvailableException")
    public static let platformTaskDefinitionIncompatibilityException = ECSErrorType(
        rawValue: "PlatformTaskDefinitionIncompatibilityException")
    public static let platformUnknownException = ECSErrorType(rawValue: "PlatformUnknownException")
    public static let resourceInUseException = ECSErrorType(rawValue: "ResourceInUseException")
    public static let resourceNotFoundException = ECSErrorType(rawValue: "ResourceNotFoundException")
    public static let serverException = ECSErrorType(rawValue: "ServerException")
    public static let serviceDeploymentNotFoundException = ECSErrorType(rawValue: "ServiceDeploymentNotFoundException")
    public static let serviceNotActiveException = ECSErrorType(rawValue: "ServiceNotActiveException")
    public static let serviceNotFoundException = ECSErrorType(rawValue: "ServiceNotFoundException")
    public static let targetNotConnectedException = ECSErrorType(rawValue: "TargetNotConnectedException")
    public static let targetNotFoundException = ECSErrorType(rawValue: "TargetNotFoundException")
    public static let taskSetNotFoundException = ECSErrorType(rawValue: "TaskSetNotFoundException")
    public static let unsupportedFeatureException = ECSErrorType(rawValue: "UnsupportedFeatureException")
    public static let updateInProgressException = ECSErrorType(rawValue: "UpdateInProgressException")

    /// Every error shape of the model (`"exception": true`), sorted by name.
    public static let modelled: [ECSErrorType] = [
        .accessDeniedException,
        .attributeLimitExceededException,
        .blockedException,
        .clientException,
        .clusterContainsCapacityProviderException,
        .clusterContainsContainerInstancesException,
        .clusterContainsServicesException,
        .clusterContainsTasksException,
        .clusterNotFoundException,
        .conflictException,
        .daemonNotActiveException,
        .daemonNotFoundException,
        .invalidParameterException,
        .limitExceededException,
        .missingVersionException,
        .namespaceNotFoundException,
        .noUpdateAvailableException,
        .platformTaskDefinitionIncompatibilityException,
        .platformUnknownException,
        .resourceInUseException,
        .resourceNotFoundException,
        .serverException,
        .serviceDeploymentNotFoundException,
        .serviceNotActiveException,
        .serviceNotFoundException,
        .targetNotConnectedException,
        .targetNotFoundException,
        .taskSetNotFoundException,
        .unsupportedFeatureException,
        .updateInProgressException,
    ]

    // Protocol-level errors of awsJson1_1 services; they are not shapes of the ECS model.
    /// The body is not valid JSON or does not match the operation's input shape.
    public static let serializationException = ECSErrorType(rawValue: "SerializationException")
    /// The `X-Amz-Target` names no operation of the service.
    public static let unknownOperationException = ECSErrorType(rawValue: "UnknownOperationException")

    /// Whether the model marks this error `"fault": true` (a server-side error).
    public var isFault: Bool {
        ShapeTable.errors.first { $0.name == rawValue }?.isFault ?? false
    }

    /// The HTTP status ECS answers with: 500 for faults, 400 for client errors.
    public var httpStatusCode: Int {
        ShapeTable.errors.first { $0.name == rawValue }?.httpStatusCode ?? 400
    }
}

/// An ECS API error, for the API layer to send as `{"__type": type, "message": message}`.
public struct ECSError: Error, Sendable, Equatable, CustomStringConvertible {
    public var type: ECSErrorType
    public var message: String

    public init(type: ECSErrorType, message: String) {
        self.type = type
        self.message = message
    }

    public init(_ type: ECSErrorType, _ message: String) {
        self.init(type: type, message: message)
    }

    /// "<type>: <message>", e.g. "ClientException: Unable to describe task definition."
    public var description: String { "\(type.rawValue): \(message)" }
}
