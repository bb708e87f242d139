import Foundation

/// The input of RunTask: `taskDefinition` is a family, `family:revision` or an ARN.
public struct RunTaskRequest: ECSShape {
    public static let shapeName = "RunTaskRequest"

    public var capacityProviderStrategy: [CapacityProviderStrategyItem]?
    public var cluster: String?
    /// 1...10 tasks (1 by default).
    public var count: Int?
    public var enableECSManagedTags: Bool?
    public var enableExecuteCommand: Bool?
    public var group: String?
    public var launchType: LaunchType?
    public var networkConfiguration: NetworkConfiguration?
    public var overrides: TaskOverride?
    public var placementConstraints: [PlacementConstraint]?
    public var placementStrategy: [PlacementStrategy]?
    public var platformVersion: String?
    public var propagateTags: PropagateTags?
    public var referenceId: String?
    public var startedBy: String?
    public var tags: [Tag]?
    public var taskDefinition: String
    public var clientToken: String?
    public var volumeConfigurations: [TaskVolumeConfiguration]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case capacityProviderStrategy, cluster, count, enableECSManagedTags, enableExecuteCommand, group, launchType
        case networkConfiguration, overrides, placementConstraints, placementStrategy, platformVersion, propagateTags
        case referenceId, startedBy, tags, taskDefinition, clientToken, volumeConfigurations
    }

    public init(
        capacityProviderStrategy: [CapacityProviderStrategyItem]? = nil,
        cluster: String? = nil,
        count: Int? = nil,
        enableECSManagedTags: Bool? = nil,
        enableExecuteCommand: Bool? = nil,
        group: String? = nil,
        launchType: LaunchType? = nil,
        networkConfiguration: NetworkConfiguration? = nil,
        overrides: TaskOverride? = nil,
        placementConstraints: [PlacementConstraint]? = nil,
        placementStrategy: [PlacementStrategy]? = nil,
        platformVersion: String? = nil,
        propagateTags: PropagateTags? = nil,
        referenceId: String? = nil,
        startedBy: String? = nil,
        tags: [Tag]? = nil,
        taskDefinition: String,
        clientToken: String? = nil,
        volumeConfigurations: [TaskVolumeConfiguration]? = nil
    ) {
        self.capacityProviderStrategy = capacityProviderStrategy
        self.cluster = cluster
        self.count = count
        self.enableECSManagedTags = enableECSManagedTags
        self.enableExecuteCommand = enableExecuteCommand
        self.group = group
        self.launchType = launchType
        self.networkConfiguration = networkConfiguration
        self.overrides = overrides
        self.placementConstraints = placementConstraints
        self.placementStrategy = placementStrategy
        self.platformVersion = platformVersion
        self.propagateTags = propagateTags
        self.referenceId = referenceId
        self.startedBy = startedBy
        self.tags = tags
        self.taskDefinition = taskDefinition
        self.clientToken = clientToken
        self.volumeConfigurations = volumeConfigurations
    }
}

/// The output of RunTask: the tasks started and a failure for each one that could not be.
public struct RunTaskResponse: ECSShape {
    public static let shapeName = "RunTaskResponse"

    public var tasks: [ECSTask]?
    public var failures: [Failure]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case tasks, failures
    }

    public init(
        tasks: [ECSTask]? = nil,
        failures: [Failure]? = nil
    ) {
        self.tasks = tasks
        self.failures = failures
    }
}

/// A task's network configuration; Fargate (awsvpc) requires it.
public struct NetworkConfiguration: ECSShape {
    public static let shapeName = "NetworkConfiguration"

    public var awsvpcConfiguration: AwsVpcConfiguration?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case awsvpcConfiguration
    }

    public init(awsvpcConfiguration: AwsVpcConfiguration? = nil) {
        self.awsvpcConfiguration = awsvpcConfiguration
    }
}

/// The subnets and security groups of an awsvpc task (at most 16 and 5).
public struct AwsVpcConfiguration: ECSShape {
    public static let shapeName = "AwsVpcConfiguration"

    public var subnets: [String]
    public var securityGroups: [String]?
    public var assignPublicIp: AssignPublicIp?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case subnets, securityGroups, assignPublicIp
    }

    public init(
        subnets: [String],
        securityGroups: [String]? = nil,
        assignPublicIp: AssignPublicIp? = nil
    ) {
        self.subnets = subnets
        self.securityGroups = securityGroups
        self.assignPublicIp = assignPublicIp
    }
}

/// A placement constraint of RunTask; not valid on Fargate.
public struct PlacementConstraint: ECSShape {
    public static let shapeName = "PlacementConstraint"

    public var type: PlacementConstraintType?
    public var expression: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, expression
    }

    public init(
        type: PlacementConstraintType? = nil,
        expression: String? = nil
    ) {
        self.type = type
        self.expression = expression
    }
}

/// A placement strategy of RunTask; not valid on Fargate.
public struct PlacementStrategy: ECSShape {
    public static let shapeName = "PlacementStrategy"

    public var type: PlacementStrategyType?
    public var field: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, field
    }

    public init(
        type: PlacementStrategyType? = nil,
        field: String? = nil
    ) {
        self.type = type
        self.field = field
    }
}
