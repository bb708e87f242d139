import Foundation

/// A resource attached to a task or cluster, e.g. a task's elastic network interface
/// (`type` "ElasticNetworkInterface", `details` subnetId, networkInterfaceId, macAddress,
/// privateDnsName, privateIPv4Address).
public struct Attachment: ECSShape {
    public static let shapeName = "Attachment"

    public var id: String?
    public var type: String?
    /// PRECREATED, CREATED, ATTACHING, ATTACHED, DETACHING, DETACHED, DELETED or FAILED.
    public var status: String?
    public var details: [KeyValuePair]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, type, status, details
    }

    public init(
        id: String? = nil,
        type: String? = nil,
        status: String? = nil,
        details: [KeyValuePair]? = nil
    ) {
        self.id = id
        self.type = type
        self.status = status
        self.details = details
    }
}

/// A resource a Describe/Delete call could not act on, e.g. `reason` "MISSING" for an unknown ARN.
public struct Failure: ECSShape {
    public static let shapeName = "Failure"

    public var arn: String?
    public var reason: String?
    public var detail: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case arn, reason, detail
    }

    public init(
        arn: String? = nil,
        reason: String? = nil,
        detail: String? = nil
    ) {
        self.arn = arn
        self.reason = reason
        self.detail = detail
    }
}
