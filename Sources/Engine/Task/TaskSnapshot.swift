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
    /// The task's elastic network interface, once attached (awsvpc).
    public var eni: ENISnapshot?
    /// Over the essential containers' health checks (HealthTracker.taskHealth).
    public var healthStatus: HealthStatus = .unknown
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
    /// nil for a container without a health check (reported as UNKNOWN).
    public var healthStatus: HealthStatus?

    public init(name: String, image: String, runtimeID: String, essential: Bool) {
        self.name = name
        self.image = image
        self.runtimeID = runtimeID
        self.essential = essential
    }
}

/// What ECS reports of a task's ENI: the attachment, the containers' networkInterfaces and bindings.
public struct ENISnapshot: Sendable, Equatable, Codable {
    public var attachmentID: String
    public var networkInterfaceID: String
    public var subnetID: String
    public var subnetCIDR: String
    public var gateway: String
    public var privateIPv4Address: String
    public var macAddress: String
    public var privateDnsName: String
    /// Published host ports: (protocol, containerPort, hostPort).
    public var bindings: [Binding]

    public struct Binding: Sendable, Equatable, Codable {
        public var ipProtocol: String
        public var containerPort: Int
        public var hostPort: Int
    }
}

extension TaskSnapshot {
    /// The engine's view of a task read back from its stored ECS document (to adopt it after a restart).
    public init(task: ECSTask, taskID: String) {
        self.init(
            taskID: taskID,
            containers: (task.containers ?? []).map { container in
                var snapshot = ContainerSnapshot(
                    name: container.name ?? "", image: container.image ?? "", runtimeID: container.runtimeId ?? "",
                    essential: true)
                snapshot.imageDigest = container.imageDigest
                snapshot.lastStatus = ContainerStatus(rawValue: container.lastStatus ?? "") ?? .pending
                snapshot.exitCode = container.exitCode
                snapshot.reason = container.reason
                if let health = container.healthStatus, health != .unknown { snapshot.healthStatus = health }
                return snapshot
            },
            createdAt: task.createdAt?.date ?? Date())
        lastStatus = TaskStatus(rawValue: task.lastStatus ?? "") ?? .provisioning
        desiredStatus = task.desiredStatus?.rawValue ?? "RUNNING"
        pullStartedAt = task.pullStartedAt?.date
        pullStoppedAt = task.pullStoppedAt?.date
        startedAt = task.startedAt?.date
        connectivityAt = task.connectivityAt?.date
        stoppingAt = task.stoppingAt?.date
        executionStoppedAt = task.executionStoppedAt?.date
        stoppedAt = task.stoppedAt?.date
        stopCode = task.stopCode
        stoppedReason = task.stoppedReason
        healthStatus = task.healthStatus ?? .unknown
        version = Int(task.version ?? 1)
    }
}
