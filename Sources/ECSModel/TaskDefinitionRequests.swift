import Foundation

/// The input of RegisterTaskDefinition.
public struct RegisterTaskDefinitionRequest: ECSShape {
    public static let shapeName = "RegisterTaskDefinitionRequest"

    public var family: String
    public var taskRoleArn: String?
    public var executionRoleArn: String?
    public var networkMode: NetworkMode?
    public var containerDefinitions: [ContainerDefinition]
    public var volumes: [Volume]?
    public var placementConstraints: [TaskDefinitionPlacementConstraint]?
    public var requiresCompatibilities: [Compatibility]?
    public var cpu: String?
    public var memory: String?
    public var tags: [Tag]?
    public var pidMode: PidMode?
    public var ipcMode: IpcMode?
    public var proxyConfiguration: ProxyConfiguration?
    public var inferenceAccelerators: [InferenceAccelerator]?
    public var ephemeralStorage: EphemeralStorage?
    public var runtimePlatform: RuntimePlatform?
    public var enableFaultInjection: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes
        case placementConstraints, requiresCompatibilities, cpu, memory, tags, pidMode, ipcMode
        case proxyConfiguration, inferenceAccelerators, ephemeralStorage, runtimePlatform
        case enableFaultInjection
    }

    public init(
        family: String,
        taskRoleArn: String? = nil,
        executionRoleArn: String? = nil,
        networkMode: NetworkMode? = nil,
        containerDefinitions: [ContainerDefinition],
        volumes: [Volume]? = nil,
        placementConstraints: [TaskDefinitionPlacementConstraint]? = nil,
        requiresCompatibilities: [Compatibility]? = nil,
        cpu: String? = nil,
        memory: String? = nil,
        tags: [Tag]? = nil,
        pidMode: PidMode? = nil,
        ipcMode: IpcMode? = nil,
        proxyConfiguration: ProxyConfiguration? = nil,
        inferenceAccelerators: [InferenceAccelerator]? = nil,
        ephemeralStorage: EphemeralStorage? = nil,
        runtimePlatform: RuntimePlatform? = nil,
        enableFaultInjection: Bool? = nil
    ) {
        self.family = family
        self.taskRoleArn = taskRoleArn
        self.executionRoleArn = executionRoleArn
        self.networkMode = networkMode
        self.containerDefinitions = containerDefinitions
        self.volumes = volumes
        self.placementConstraints = placementConstraints
        self.requiresCompatibilities = requiresCompatibilities
        self.cpu = cpu
        self.memory = memory
        self.tags = tags
        self.pidMode = pidMode
        self.ipcMode = ipcMode
        self.proxyConfiguration = proxyConfiguration
        self.inferenceAccelerators = inferenceAccelerators
        self.ephemeralStorage = ephemeralStorage
        self.runtimePlatform = runtimePlatform
        self.enableFaultInjection = enableFaultInjection
    }
}

/// The output of RegisterTaskDefinition.
public struct RegisterTaskDefinitionResponse: ECSShape {
    public static let shapeName = "RegisterTaskDefinitionResponse"

    public var taskDefinition: TaskDefinition?
    public var tags: [Tag]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinition, tags
    }

    public init(
        taskDefinition: TaskDefinition? = nil,
        tags: [Tag]? = nil
    ) {
        self.taskDefinition = taskDefinition
        self.tags = tags
    }
}

/// The input of DescribeTaskDefinition: `taskDefinition` is a family, `family:revision` or an ARN.
public struct DescribeTaskDefinitionRequest: ECSShape {
    public static let shapeName = "DescribeTaskDefinitionRequest"

    public var taskDefinition: String
    public var include: [TaskDefinitionField]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinition, include
    }

    public init(
        taskDefinition: String,
        include: [TaskDefinitionField]? = nil
    ) {
        self.taskDefinition = taskDefinition
        self.include = include
    }
}

/// The output of DescribeTaskDefinition.
public struct DescribeTaskDefinitionResponse: ECSShape {
    public static let shapeName = "DescribeTaskDefinitionResponse"

    public var taskDefinition: TaskDefinition?
    public var tags: [Tag]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinition, tags
    }

    public init(
        taskDefinition: TaskDefinition? = nil,
        tags: [Tag]? = nil
    ) {
        self.taskDefinition = taskDefinition
        self.tags = tags
    }
}

/// The input of DeregisterTaskDefinition: `taskDefinition` is `family:revision` or an ARN.
public struct DeregisterTaskDefinitionRequest: ECSShape {
    public static let shapeName = "DeregisterTaskDefinitionRequest"

    public var taskDefinition: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinition
    }

    public init(taskDefinition: String) {
        self.taskDefinition = taskDefinition
    }
}

/// The output of DeregisterTaskDefinition.
public struct DeregisterTaskDefinitionResponse: ECSShape {
    public static let shapeName = "DeregisterTaskDefinitionResponse"

    public var taskDefinition: TaskDefinition?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinition
    }

    public init(taskDefinition: TaskDefinition? = nil) {
        self.taskDefinition = taskDefinition
    }
}
