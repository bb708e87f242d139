import ECSModel
import Foundation

/// What a task looks like at one moment: everything DescribeTasks reports that the engine decides.
/// The service layer turns it into the ECS `Task` document; the store keeps that document.
public struct TaskSnapshot: Sendable, Equatable {
    public var taskID: String
    public var lastStatus: TaskStatus = .provisioning
    public var desiredStatus: String = "RUNNING"
    public var containers: [ContainerSnapshot]
    public var createdAt: Date
    public var pullStartedAt: Date?
    public var pullStoppedAt: Date?
    public var startedAt: Date?
    public var connectivityAt: Date?
    public var stoppingAt: Date?
    public var executionStoppedAt: Date?
    public var stoppedAt: Date?
    public var stopCode: TaskStopCode?
    public var stoppedReason: String?
    /// Incremented on every change, as ECS's `version`.
    public var version: Int = 1

    public init(taskID: String, containers: [ContainerSnapshot], createdAt: Date) {
        self.taskID = taskID
        self.containers = containers
        self.createdAt = createdAt
    }
}

public struct ContainerSnapshot: Sendable, Equatable {
    public var name: String
    public var image: String
    public var imageDigest: String?
    /// The container's id (ECS `runtimeId`).
    public var runtimeID: String
    public var lastStatus: ContainerStatus = .pending
    public var exitCode: Int?
    public var reason: String?
    public var essential: Bool

    public init(name: String, image: String, runtimeID: String, essential: Bool) {
        self.name = name
        self.image = image
        self.runtimeID = runtimeID
        self.essential = essential
    }
}
