import Foundation

/// The Docker networking mode of a task; Fargate requires `awsvpc`.
/// Write `NetworkMode.none` in full where an optional is expected: `.none` alone means nil there.
public struct NetworkMode: ECSEnum {
    public static let shapeName = "NetworkMode"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let bridge = NetworkMode(rawValue: "bridge")
    public static let host = NetworkMode(rawValue: "host")
    public static let awsvpc = NetworkMode(rawValue: "awsvpc")
    public static let none = NetworkMode(rawValue: "none")

    public static let knownValues: [NetworkMode] = [.bridge, .host, .awsvpc, .none]
}

/// A launch type a task definition is validated against (`requiresCompatibilities`).
public struct Compatibility: ECSEnum {
    public static let shapeName = "Compatibility"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let ec2 = Compatibility(rawValue: "EC2")
    public static let fargate = Compatibility(rawValue: "FARGATE")
    public static let external = Compatibility(rawValue: "EXTERNAL")
    public static let managedInstances = Compatibility(rawValue: "MANAGED_INSTANCES")

    public static let knownValues: [Compatibility] = [.ec2, .fargate, .external, .managedInstances]
}

/// Where a task runs.
public struct LaunchType: ECSEnum {
    public static let shapeName = "LaunchType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let ec2 = LaunchType(rawValue: "EC2")
    public static let fargate = LaunchType(rawValue: "FARGATE")
    public static let external = LaunchType(rawValue: "EXTERNAL")
    public static let managedInstances = LaunchType(rawValue: "MANAGED_INSTANCES")

    public static let knownValues: [LaunchType] = [.ec2, .fargate, .external, .managedInstances]
}

/// The process namespace of a task; Fargate allows only `task`.
public struct PidMode: ECSEnum {
    public static let shapeName = "PidMode"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let host = PidMode(rawValue: "host")
    public static let task = PidMode(rawValue: "task")

    public static let knownValues: [PidMode] = [.host, .task]
}

/// The IPC namespace of a task; not valid on Fargate.
/// Write `IpcMode.none` in full where an optional is expected: `.none` alone means nil there.
public struct IpcMode: ECSEnum {
    public static let shapeName = "IpcMode"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let host = IpcMode(rawValue: "host")
    public static let task = IpcMode(rawValue: "task")
    public static let none = IpcMode(rawValue: "none")

    public static let knownValues: [IpcMode] = [.host, .task, .none]
}

/// The status of a task definition revision.
public struct TaskDefinitionStatus: ECSEnum {
    public static let shapeName = "TaskDefinitionStatus"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let active = TaskDefinitionStatus(rawValue: "ACTIVE")
    public static let inactive = TaskDefinitionStatus(rawValue: "INACTIVE")
    public static let deleteInProgress = TaskDefinitionStatus(rawValue: "DELETE_IN_PROGRESS")

    public static let knownValues: [TaskDefinitionStatus] = [.active, .inactive, .deleteInProgress]
}

/// Extra data DescribeTaskDefinition can include.
public struct TaskDefinitionField: ECSEnum {
    public static let shapeName = "TaskDefinitionField"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let tags = TaskDefinitionField(rawValue: "TAGS")

    public static let knownValues: [TaskDefinitionField] = [.tags]
}

/// The type of a task definition placement constraint.
public struct TaskDefinitionPlacementConstraintType: ECSEnum {
    public static let shapeName = "TaskDefinitionPlacementConstraintType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let memberOf = TaskDefinitionPlacementConstraintType(rawValue: "memberOf")

    public static let knownValues: [TaskDefinitionPlacementConstraintType] = [.memberOf]
}

/// The CPU architecture of `RuntimePlatform`.
public struct CPUArchitecture: ECSEnum {
    public static let shapeName = "CPUArchitecture"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let x86_64 = CPUArchitecture(rawValue: "X86_64")
    public static let arm64 = CPUArchitecture(rawValue: "ARM64")

    public static let knownValues: [CPUArchitecture] = [.x86_64, .arm64]
}

/// The operating system family of `RuntimePlatform`.
public struct OSFamily: ECSEnum {
    public static let shapeName = "OSFamily"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let windowsServer2019Full = OSFamily(rawValue: "WINDOWS_SERVER_2019_FULL")
    public static let windowsServer2019Core = OSFamily(rawValue: "WINDOWS_SERVER_2019_CORE")
    public static let windowsServer2016Full = OSFamily(rawValue: "WINDOWS_SERVER_2016_FULL")
    public static let windowsServer2004Core = OSFamily(rawValue: "WINDOWS_SERVER_2004_CORE")
    public static let windowsServer2022Core = OSFamily(rawValue: "WINDOWS_SERVER_2022_CORE")
    public static let windowsServer2022Full = OSFamily(rawValue: "WINDOWS_SERVER_2022_FULL")
    public static let windowsServer2025Core = OSFamily(rawValue: "WINDOWS_SERVER_2025_CORE")
    public static let windowsServer2025Full = OSFamily(rawValue: "WINDOWS_SERVER_2025_FULL")
    public static let windowsServer20h2Core = OSFamily(rawValue: "WINDOWS_SERVER_20H2_CORE")
    public static let linux = OSFamily(rawValue: "LINUX")

    public static let knownValues: [OSFamily] = [
        .windowsServer2019Full,
        .windowsServer2019Core,
        .windowsServer2016Full,
        .windowsServer2004Core,
        .windowsServer2022Core,
        .windowsServer2022Full,
        .windowsServer2025Core,
        .windowsServer2025Full,
        .windowsServer20h2Core,
        .linux,
    ]
}

/// The proxy type of `ProxyConfiguration`.
public struct ProxyConfigurationType: ECSEnum {
    public static let shapeName = "ProxyConfigurationType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let appmesh = ProxyConfigurationType(rawValue: "APPMESH")

    public static let knownValues: [ProxyConfigurationType] = [.appmesh]
}

/// The target type of an `Attribute`.
public struct TargetType: ECSEnum {
    public static let shapeName = "TargetType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let containerInstance = TargetType(rawValue: "container-instance")

    public static let knownValues: [TargetType] = [.containerInstance]
}
