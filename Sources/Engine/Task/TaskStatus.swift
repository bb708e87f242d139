/// ECS's task lifecycle (developer guide, "Task lifecycle"), as data. A task only moves forward; any
/// state may jump ahead (a task that fails while PENDING goes straight to STOPPING), never back.
public enum TaskStatus: String, Sendable, CaseIterable, Comparable {
    case provisioning = "PROVISIONING"
    case pending = "PENDING"
    case activating = "ACTIVATING"
    case running = "RUNNING"
    case deactivating = "DEACTIVATING"
    case stopping = "STOPPING"
    case deprovisioning = "DEPROVISIONING"
    case stopped = "STOPPED"

    var order: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: TaskStatus, rhs: TaskStatus) -> Bool { lhs.order < rhs.order }

    public func canMove(to next: TaskStatus) -> Bool { next > self }

    /// `desiredStatus` is only ever RUNNING or STOPPED.
    public var isTerminalBound: Bool { self >= .deactivating }
}

/// A container's `lastStatus` as ECS reports it.
public enum ContainerStatus: String, Sendable {
    case pending = "PENDING"
    case running = "RUNNING"
    case stopped = "STOPPED"
}
