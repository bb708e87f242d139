import Foundation

/// The status a task should reach; ListTasks filters by it.
public struct DesiredStatus: ECSEnum {
    public static let shapeName = "DesiredStatus"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let running = DesiredStatus(rawValue: "RUNNING")
    public static let pending = DesiredStatus(rawValue: "PENDING")
    public static let stopped = DesiredStatus(rawValue: "STOPPED")

    public static let knownValues: [DesiredStatus] = [.running, .pending, .stopped]
}

/// Why a task stopped.
public struct TaskStopCode: ECSEnum {
    public static let shapeName = "TaskStopCode"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let taskFailedToStart = TaskStopCode(rawValue: "TaskFailedToStart")
    public static let essentialContainerExited = TaskStopCode(rawValue: "EssentialContainerExited")
    public static let userInitiated = TaskStopCode(rawValue: "UserInitiated")
    public static let serviceSchedulerInitiated = TaskStopCode(rawValue: "ServiceSchedulerInitiated")
    public static let spotInterruption = TaskStopCode(rawValue: "SpotInterruption")
    public static let terminationNotice = TaskStopCode(rawValue: "TerminationNotice")

    public static let knownValues: [TaskStopCode] = [
        .taskFailedToStart,
        .essentialContainerExited,
        .userInitiated,
        .serviceSchedulerInitiated,
        .spotInterruption,
        .terminationNotice,
    ]
}

/// Whether the agent hosting a task is connected.
public struct Connectivity: ECSEnum {
    public static let shapeName = "Connectivity"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let connected = Connectivity(rawValue: "CONNECTED")
    public static let disconnected = Connectivity(rawValue: "DISCONNECTED")

    public static let knownValues: [Connectivity] = [.connected, .disconnected]
}

/// The health of a task or container; UNKNOWN without a health check.
public struct HealthStatus: ECSEnum {
    public static let shapeName = "HealthStatus"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let healthy = HealthStatus(rawValue: "HEALTHY")
    public static let unhealthy = HealthStatus(rawValue: "UNHEALTHY")
    public static let unknown = HealthStatus(rawValue: "UNKNOWN")

    public static let knownValues: [HealthStatus] = [.healthy, .unhealthy, .unknown]
}

/// The name of a managed agent.
public struct ManagedAgentName: ECSEnum {
    public static let shapeName = "ManagedAgentName"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let executeCommandAgent = ManagedAgentName(rawValue: "ExecuteCommandAgent")

    public static let knownValues: [ManagedAgentName] = [.executeCommandAgent]
}

/// Extra data DescribeTasks can include.
public struct TaskField: ECSEnum {
    public static let shapeName = "TaskField"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let tags = TaskField(rawValue: "TAGS")

    public static let knownValues: [TaskField] = [.tags]
}
