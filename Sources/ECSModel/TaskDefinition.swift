import Foundation

/// A registered task definition, as ECS returns it. `compatibilities`, `revision`, `status`,
/// `requiresAttributes` and the timestamps are set by ECS, not by the caller.
public struct TaskDefinition: ECSShape {
    public static let shapeName = "TaskDefinition"

    public var taskDefinitionArn: String?
    public var containerDefinitions: [ContainerDefinition]?
    public var family: String?
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    public var networkMode: NetworkMode?
    /// 1 for the first registration of a family, then one more each time.
    public var revision: Int?
    public var volumes: [Volume]?
    public var status: TaskDefinitionStatus?
    public var requiresAttributes: [Attribute]?
    public var placementConstraints: [TaskDefinitionPlacementConstraint]?
    /// The launch types the definition is valid for, as ECS computed them.
    public var compatibilities: [Compatibility]?
    public var runtimePlatform: RuntimePlatform?
    public var requiresCompatibilities: [Compatibility]?
    /// Task CPU units as a string, e.g. "256" (input may also say e.g. "1 vCPU").
    public var cpu: String?
    /// Task memory in MiB as a string, e.g. "512" (input may also say e.g. "1 GB").
    public var memory: String?
    public var inferenceAccelerators: [InferenceAccelerator]?
    public var pidMode: PidMode?
    public var ipcMode: IpcMode?
    public var proxyConfiguration: ProxyConfiguration?
    public var registeredAt: Timestamp?
    public var deregisteredAt: Timestamp?
    public var deleteRequestedAt: Timestamp?
    public var registeredBy: String?
    public var ephemeralStorage: EphemeralStorage?
    public var enableFaultInjection: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinitionArn, containerDefinitions, family, taskRoleArn, executionRoleArn, networkMode
        case revision, volumes, status, requiresAttributes, placementConstraints, compatibilities
        case runtimePlatform, requiresCompatibilities, cpu, memory, inferenceAccelerators, pidMode, ipcMode
        case proxyConfiguration, registeredAt, deregisteredAt, deleteRequestedAt, registeredBy
        case ephemeralStorage, enableFaultInjection
    }

    public init(
        taskDefinitionArn: String? = nil,
        containerDefinitions: [ContainerDefinition]? = nil,
        family: String? = nil,
        taskRoleArn: String? = nil,
        executionRoleArn: String? = nil,
        networkMode: NetworkMode? = nil,
        revision: Int? = nil,
        volumes: [Volume]? = nil,
        status: TaskDefinitionStatus? = nil,
        requiresAttributes: [Attribute]? = nil,
        placementConstraints: [TaskDefinitionPlacementConstraint]? = nil,
        compatibilities: [Compatibility]? = nil,
        runtimePlatform: RuntimePlatform? = nil,
        requiresCompatibilities: [Compatibility]? = nil,
        cpu: String? = nil,
        memory: String? = nil,
        inferenceAccelerators: [InferenceAccelerator]? = nil,
        pidMode: PidMode? = nil,
        ipcMode: IpcMode? = nil,
        proxyConfiguration: ProxyConfiguration? = nil,
        registeredAt: Timestamp? = nil,
        deregisteredAt: Timestamp? = nil,
        deleteRequestedAt: Timestamp? = nil,
        registeredBy: String? = nil,
        ephemeralStorage: EphemeralStorage? = nil,
        enableFaultInjection: Bool? = nil
    ) {
        self.taskDefinitionArn = taskDefinitionArn
        self.containerDefinitions = containerDefinitions
        self.family = family
        self.taskRoleArn = taskRoleArn
        self.executionRoleArn = executionRoleArn
        self.networkMode = networkMode
        self.revision = revision
        self.volumes = volumes
        self.status = status
        self.requiresAttributes = requiresAttributes
        self.placementConstraints = placementConstraints
        self.compatibilities = compatibilities
        self.runtimePlatform = runtimePlatform
        self.requiresCompatibilities = requiresCompatibilities
        self.cpu = cpu
        self.memory = memory
        self.inferenceAccelerators = inferenceAccelerators
        self.pidMode = pidMode
        self.ipcMode = ipcMode
        self.proxyConfiguration = proxyConfiguration
        self.registeredAt = registeredAt
        self.deregisteredAt = deregisteredAt
        self.deleteRequestedAt = deleteRequestedAt
        self.registeredBy = registeredBy
        self.ephemeralStorage = ephemeralStorage
        self.enableFaultInjection = enableFaultInjection
    }
}

/// An attribute a container instance must have for the task to be placed (`requiresAttributes`).
public struct Attribute: ECSShape {
    public static let shapeName = "Attribute"

    public var name: String
    public var value: String?
    public var targetType: TargetType?
    public var targetId: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, value, targetType, targetId
    }

    public init(
        name: String,
        value: String? = nil,
        targetType: TargetType? = nil,
        targetId: String? = nil
    ) {
        self.name = name
        self.value = value
        self.targetType = targetType
        self.targetId = targetId
    }
}
