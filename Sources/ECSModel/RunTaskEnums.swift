import Foundation

/// Whether an awsvpc task's ENI gets a public IP address.
public struct AssignPublicIp: ECSEnum {
    public static let shapeName = "AssignPublicIp"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let enabled = AssignPublicIp(rawValue: "ENABLED")
    public static let disabled = AssignPublicIp(rawValue: "DISABLED")

    public static let knownValues: [AssignPublicIp] = [.enabled, .disabled]
}

/// The type of a RunTask placement constraint.
public struct PlacementConstraintType: ECSEnum {
    public static let shapeName = "PlacementConstraintType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let distinctInstance = PlacementConstraintType(rawValue: "distinctInstance")
    public static let memberOf = PlacementConstraintType(rawValue: "memberOf")

    public static let knownValues: [PlacementConstraintType] = [.distinctInstance, .memberOf]
}

/// The type of a placement strategy.
public struct PlacementStrategyType: ECSEnum {
    public static let shapeName = "PlacementStrategyType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let random = PlacementStrategyType(rawValue: "random")
    public static let spread = PlacementStrategyType(rawValue: "spread")
    public static let binpack = PlacementStrategyType(rawValue: "binpack")

    public static let knownValues: [PlacementStrategyType] = [.random, .spread, .binpack]
}

/// Where a task's tags are copied from.
/// Write `PropagateTags.none` in full where an optional is expected: `.none` alone means nil there.
public struct PropagateTags: ECSEnum {
    public static let shapeName = "PropagateTags"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let taskDefinition = PropagateTags(rawValue: "TASK_DEFINITION")
    public static let service = PropagateTags(rawValue: "SERVICE")
    public static let none = PropagateTags(rawValue: "NONE")

    public static let knownValues: [PropagateTags] = [.taskDefinition, .service, .none]
}

/// The resource an EBS tag specification tags.
public struct EBSResourceType: ECSEnum {
    public static let shapeName = "EBSResourceType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let volume = EBSResourceType(rawValue: "volume")

    public static let knownValues: [EBSResourceType] = [.volume]
}

/// The filesystem of a task's managed EBS volume.
public struct TaskFilesystemType: ECSEnum {
    public static let shapeName = "TaskFilesystemType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let ext3 = TaskFilesystemType(rawValue: "ext3")
    public static let ext4 = TaskFilesystemType(rawValue: "ext4")
    public static let xfs = TaskFilesystemType(rawValue: "xfs")
    public static let ntfs = TaskFilesystemType(rawValue: "ntfs")

    public static let knownValues: [TaskFilesystemType] = [.ext3, .ext4, .xfs, .ntfs]
}
