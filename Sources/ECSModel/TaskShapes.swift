import Foundation

/// A task, as RunTask, StopTask and DescribeTasks return it (shape `Task` in the model).
///
/// Named `ECSTask`, not `Task`: a public `Task` here would shadow Swift concurrency's `Task`
/// in every module that imports ECSModel (`Task { }`, `Task.sleep` would stop compiling).
public struct ECSTask: ECSShape {
    public static let shapeName = "Task"

    public var attachments: [Attachment]?
    public var attributes: [Attribute]?
    public var availabilityZone: String?
    public var capacityProviderName: String?
    public var clusterArn: String?
    public var connectivity: Connectivity?
    public var connectivityAt: Timestamp?
    public var containerInstanceArn: String?
    public var containers: [Container]?
    /// Task CPU units as a string, e.g. "256".
    public var cpu: String?
    public var createdAt: Timestamp?
    /// RUNNING or STOPPED (PENDING while placing); a plain string in the model, typed here
    /// with the model's `DesiredStatus` enum (the wire format is the same).
    public var desiredStatus: DesiredStatus?
    public var enableExecuteCommand: Bool?
    public var executionStoppedAt: Timestamp?
    public var group: String?
    public var healthStatus: HealthStatus?
    public var inferenceAccelerators: [InferenceAccelerator]?
    /// PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING
    /// or STOPPED (a plain string in the model).
    public var lastStatus: String?
    public var launchType: LaunchType?
    /// Task memory in MiB as a string, e.g. "512".
    public var memory: String?
    public var overrides: TaskOverride?
    public var platformVersion: String?
    public var platformFamily: String?
    public var pullStartedAt: Timestamp?
    public var pullStoppedAt: Timestamp?
    public var startedAt: Timestamp?
    public var startedBy: String?
    public var stopCode: TaskStopCode?
    public var stoppedAt: Timestamp?
    public var stoppedReason: String?
    public var stoppingAt: Timestamp?
    public var tags: [Tag]?
    public var taskArn: String?
    public var taskDefinitionArn: String?
    /// Incremented on every state change that emits an event.
    public var version: Int64?
    public var ephemeralStorage: EphemeralStorage?
    public var fargateEphemeralStorage: TaskEphemeralStorage?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case attachments, attributes, availabilityZone, capacityProviderName, clusterArn, connectivity, connectivityAt
        case containerInstanceArn, containers, cpu, createdAt, desiredStatus, enableExecuteCommand, executionStoppedAt
        case group, healthStatus, inferenceAccelerators, lastStatus, launchType, memory, overrides, platformVersion
        case platformFamily, pullStartedAt, pullStoppedAt, startedAt, startedBy, stopCode, stoppedAt, stoppedReason
        case stoppingAt, tags, taskArn, taskDefinitionArn, version, ephemeralStorage, fargateEphemeralStorage
    }

    public init(
        attachments: [Attachment]? = nil,
        attributes: [Attribute]? = nil,
        availabilityZone: String? = nil,
        capacityProviderName: String? = nil,
        clusterArn: String? = nil,
        connectivity: Connectivity? = nil,
        connectivityAt: Timestamp? = nil,
        containerInstanceArn: String? = nil,
        containers: [Container]? = nil,
        cpu: String? = nil,
        createdAt: Timestamp? = nil,
        desiredStatus: DesiredStatus? = nil,
        enableExecuteCommand: Bool? = nil,
        executionStoppedAt: Timestamp? = nil,
        group: String? = nil,
        healthStatus: HealthStatus? = nil,
        inferenceAccelerators: [InferenceAccelerator]? = nil,
        lastStatus: String? = nil,
        launchType: LaunchType? = nil,
        memory: String? = nil,
        overrides: TaskOverride? = nil,
        platformVersion: String? = nil,
        platformFamily: String? = nil,
        pullStartedAt: Timestamp? = nil,
        pullStoppedAt: Timestamp? = nil,
        startedAt: Timestamp? = nil,
        startedBy: String? = nil,
        stopCode: TaskStopCode? = nil,
        stoppedAt: Timestamp? = nil,
        stoppedReason: String? = nil,
        stoppingAt: Timestamp? = nil,
        tags: [Tag]? = nil,
        taskArn: String? = nil,
        taskDefinitionArn: String? = nil,
        version: Int64? = nil,
        ephemeralStorage: EphemeralStorage? = nil,
        fargateEphemeralStorage: TaskEphemeralStorage? = nil
    ) {
        self.attachments = attachments
        self.attributes = attributes
        self.availabilityZone = availabilityZone
        self.capacityProviderName = capacityProviderName
        self.clusterArn = clusterArn
        self.connectivity = connectivity
        self.connectivityAt = connectivityAt
        self.containerInstanceArn = containerInstanceArn
        self.containers = containers
        self.cpu = cpu
        self.createdAt = createdAt
        self.desiredStatus = desiredStatus
        self.enableExecuteCommand = enableExecuteCommand
        self.executionStoppedAt = executionStoppedAt
        self.group = group
        self.healthStatus = healthStatus
        self.inferenceAccelerators = inferenceAccelerators
        self.lastStatus = lastStatus
        self.launchType = launchType
        self.memory = memory
        self.overrides = overrides
        self.platformVersion = platformVersion
        self.platformFamily = platformFamily
        self.pullStartedAt = pullStartedAt
        self.pullStoppedAt = pullStoppedAt
        self.startedAt = startedAt
        self.startedBy = startedBy
        self.stopCode = stopCode
        self.stoppedAt = stoppedAt
        self.stoppedReason = stoppedReason
        self.stoppingAt = stoppingAt
        self.tags = tags
        self.taskArn = taskArn
        self.taskDefinitionArn = taskDefinitionArn
        self.version = version
        self.ephemeralStorage = ephemeralStorage
        self.fargateEphemeralStorage = fargateEphemeralStorage
    }
}

/// A container of a task, as ECS reports it (not a `ContainerDefinition`).
public struct Container: ECSShape {
    public static let shapeName = "Container"

    public var containerArn: String?
    public var taskArn: String?
    public var name: String?
    public var image: String?
    public var imageDigest: String?
    public var runtimeId: String?
    /// PENDING, RUNNING or STOPPED.
    public var lastStatus: String?
    /// Set once the container has stopped.
    public var exitCode: Int?
    public var reason: String?
    public var networkBindings: [NetworkBinding]?
    public var networkInterfaces: [NetworkInterface]?
    public var healthStatus: HealthStatus?
    public var managedAgents: [ManagedAgent]?
    /// CPU units as a string, e.g. "0" when the definition set none.
    public var cpu: String?
    /// The hard limit in MiB as a string.
    public var memory: String?
    /// The soft limit in MiB as a string.
    public var memoryReservation: String?
    public var gpuIds: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case containerArn, taskArn, name, image, imageDigest, runtimeId, lastStatus, exitCode, reason, networkBindings
        case networkInterfaces, healthStatus, managedAgents, cpu, memory, memoryReservation, gpuIds
    }

    public init(
        containerArn: String? = nil,
        taskArn: String? = nil,
        name: String? = nil,
        image: String? = nil,
        imageDigest: String? = nil,
        runtimeId: String? = nil,
        lastStatus: String? = nil,
        exitCode: Int? = nil,
        reason: String? = nil,
        networkBindings: [NetworkBinding]? = nil,
        networkInterfaces: [NetworkInterface]? = nil,
        healthStatus: HealthStatus? = nil,
        managedAgents: [ManagedAgent]? = nil,
        cpu: String? = nil,
        memory: String? = nil,
        memoryReservation: String? = nil,
        gpuIds: [String]? = nil
    ) {
        self.containerArn = containerArn
        self.taskArn = taskArn
        self.name = name
        self.image = image
        self.imageDigest = imageDigest
        self.runtimeId = runtimeId
        self.lastStatus = lastStatus
        self.exitCode = exitCode
        self.reason = reason
        self.networkBindings = networkBindings
        self.networkInterfaces = networkInterfaces
        self.healthStatus = healthStatus
        self.managedAgents = managedAgents
        self.cpu = cpu
        self.memory = memory
        self.memoryReservation = memoryReservation
        self.gpuIds = gpuIds
    }
}

/// A port a container's port is bound to on the host (bridge/host network modes).
public struct NetworkBinding: ECSShape {
    public static let shapeName = "NetworkBinding"

    public var bindIP: String?
    public var containerPort: Int?
    public var hostPort: Int?
    public var `protocol`: TransportProtocol?
    public var containerPortRange: String?
    public var hostPortRange: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case bindIP, containerPort, hostPort, `protocol`, containerPortRange, hostPortRange
    }

    public init(
        bindIP: String? = nil,
        containerPort: Int? = nil,
        hostPort: Int? = nil,
        protocol: TransportProtocol? = nil,
        containerPortRange: String? = nil,
        hostPortRange: String? = nil
    ) {
        self.bindIP = bindIP
        self.containerPort = containerPort
        self.hostPort = hostPort
        self.protocol = `protocol`
        self.containerPortRange = containerPortRange
        self.hostPortRange = hostPortRange
    }
}

/// A container's elastic network interface address (awsvpc).
public struct NetworkInterface: ECSShape {
    public static let shapeName = "NetworkInterface"

    public var attachmentId: String?
    public var privateIpv4Address: String?
    public var ipv6Address: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case attachmentId, privateIpv4Address, ipv6Address
    }

    public init(
        attachmentId: String? = nil,
        privateIpv4Address: String? = nil,
        ipv6Address: String? = nil
    ) {
        self.attachmentId = attachmentId
        self.privateIpv4Address = privateIpv4Address
        self.ipv6Address = ipv6Address
    }
}

/// An agent ECS runs in a container (ECS Exec's `ExecuteCommandAgent`).
public struct ManagedAgent: ECSShape {
    public static let shapeName = "ManagedAgent"

    public var lastStartedAt: Timestamp?
    public var name: ManagedAgentName?
    public var reason: String?
    public var lastStatus: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case lastStartedAt, name, reason, lastStatus
    }

    public init(
        lastStartedAt: Timestamp? = nil,
        name: ManagedAgentName? = nil,
        reason: String? = nil,
        lastStatus: String? = nil
    ) {
        self.lastStartedAt = lastStartedAt
        self.name = name
        self.reason = reason
        self.lastStatus = lastStatus
    }
}

/// The ephemeral storage a Fargate task got, in GiB.
public struct TaskEphemeralStorage: ECSShape {
    public static let shapeName = "TaskEphemeralStorage"

    public var sizeInGiB: Int?
    public var kmsKeyId: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sizeInGiB, kmsKeyId
    }

    public init(
        sizeInGiB: Int? = nil,
        kmsKeyId: String? = nil
    ) {
        self.sizeInGiB = sizeInGiB
        self.kmsKeyId = kmsKeyId
    }
}
