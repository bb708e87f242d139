import Foundation

/// A cluster, as CreateCluster, DescribeClusters and DeleteCluster return it.
public struct Cluster: ECSShape {
    public static let shapeName = "Cluster"

    public var clusterArn: String?
    public var clusterName: String?
    public var configuration: ClusterConfiguration?
    /// ACTIVE, PROVISIONING, DEPROVISIONING, FAILED or INACTIVE.
    public var status: String?
    public var registeredContainerInstancesCount: Int?
    public var runningTasksCount: Int?
    public var pendingTasksCount: Int?
    public var activeServicesCount: Int?
    /// Per-launch-type counts (`runningFargateTasksCount`, ...); only with `include` STATISTICS.
    public var statistics: [KeyValuePair]?
    public var tags: [Tag]?
    public var settings: [ClusterSetting]?
    public var capacityProviders: [String]?
    public var defaultCapacityProviderStrategy: [CapacityProviderStrategyItem]?
    public var attachments: [Attachment]?
    /// UPDATE_IN_PROGRESS, UPDATE_COMPLETE or UPDATE_FAILED.
    public var attachmentsStatus: String?
    public var serviceConnectDefaults: ClusterServiceConnectDefaults?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case clusterArn, clusterName, configuration, status, registeredContainerInstancesCount, runningTasksCount
        case pendingTasksCount, activeServicesCount, statistics, tags, settings, capacityProviders
        case defaultCapacityProviderStrategy, attachments, attachmentsStatus, serviceConnectDefaults
    }

    public init(
        clusterArn: String? = nil,
        clusterName: String? = nil,
        configuration: ClusterConfiguration? = nil,
        status: String? = nil,
        registeredContainerInstancesCount: Int? = nil,
        runningTasksCount: Int? = nil,
        pendingTasksCount: Int? = nil,
        activeServicesCount: Int? = nil,
        statistics: [KeyValuePair]? = nil,
        tags: [Tag]? = nil,
        settings: [ClusterSetting]? = nil,
        capacityProviders: [String]? = nil,
        defaultCapacityProviderStrategy: [CapacityProviderStrategyItem]? = nil,
        attachments: [Attachment]? = nil,
        attachmentsStatus: String? = nil,
        serviceConnectDefaults: ClusterServiceConnectDefaults? = nil
    ) {
        self.clusterArn = clusterArn
        self.clusterName = clusterName
        self.configuration = configuration
        self.status = status
        self.registeredContainerInstancesCount = registeredContainerInstancesCount
        self.runningTasksCount = runningTasksCount
        self.pendingTasksCount = pendingTasksCount
        self.activeServicesCount = activeServicesCount
        self.statistics = statistics
        self.tags = tags
        self.settings = settings
        self.capacityProviders = capacityProviders
        self.defaultCapacityProviderStrategy = defaultCapacityProviderStrategy
        self.attachments = attachments
        self.attachmentsStatus = attachmentsStatus
        self.serviceConnectDefaults = serviceConnectDefaults
    }
}

/// A cluster setting: `containerInsights` with value enabled, disabled or enhanced.
public struct ClusterSetting: ECSShape {
    public static let shapeName = "ClusterSetting"

    public var name: ClusterSettingName?
    public var value: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, value
    }

    public init(
        name: ClusterSettingName? = nil,
        value: String? = nil
    ) {
        self.name = name
        self.value = value
    }
}

/// The execute-command and managed-storage configuration of a cluster.
public struct ClusterConfiguration: ECSShape {
    public static let shapeName = "ClusterConfiguration"

    public var executeCommandConfiguration: ExecuteCommandConfiguration?
    public var managedStorageConfiguration: ManagedStorageConfiguration?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case executeCommandConfiguration, managedStorageConfiguration
    }

    public init(
        executeCommandConfiguration: ExecuteCommandConfiguration? = nil,
        managedStorageConfiguration: ManagedStorageConfiguration? = nil
    ) {
        self.executeCommandConfiguration = executeCommandConfiguration
        self.managedStorageConfiguration = managedStorageConfiguration
    }
}

/// How ECS Exec sessions of a cluster are encrypted and logged.
public struct ExecuteCommandConfiguration: ECSShape {
    public static let shapeName = "ExecuteCommandConfiguration"

    public var kmsKeyId: String?
    public var logging: ExecuteCommandLogging?
    public var logConfiguration: ExecuteCommandLogConfiguration?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case kmsKeyId, logging, logConfiguration
    }

    public init(
        kmsKeyId: String? = nil,
        logging: ExecuteCommandLogging? = nil,
        logConfiguration: ExecuteCommandLogConfiguration? = nil
    ) {
        self.kmsKeyId = kmsKeyId
        self.logging = logging
        self.logConfiguration = logConfiguration
    }
}

/// Where ECS Exec session logs go when `logging` is OVERRIDE.
public struct ExecuteCommandLogConfiguration: ECSShape {
    public static let shapeName = "ExecuteCommandLogConfiguration"

    public var cloudWatchLogGroupName: String?
    public var cloudWatchEncryptionEnabled: Bool?
    public var s3BucketName: String?
    public var s3EncryptionEnabled: Bool?
    public var s3KeyPrefix: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cloudWatchLogGroupName, cloudWatchEncryptionEnabled, s3BucketName, s3EncryptionEnabled, s3KeyPrefix
    }

    public init(
        cloudWatchLogGroupName: String? = nil,
        cloudWatchEncryptionEnabled: Bool? = nil,
        s3BucketName: String? = nil,
        s3EncryptionEnabled: Bool? = nil,
        s3KeyPrefix: String? = nil
    ) {
        self.cloudWatchLogGroupName = cloudWatchLogGroupName
        self.cloudWatchEncryptionEnabled = cloudWatchEncryptionEnabled
        self.s3BucketName = s3BucketName
        self.s3EncryptionEnabled = s3EncryptionEnabled
        self.s3KeyPrefix = s3KeyPrefix
    }
}

/// The KMS keys for a cluster's managed storage.
public struct ManagedStorageConfiguration: ECSShape {
    public static let shapeName = "ManagedStorageConfiguration"

    public var kmsKeyId: String?
    public var fargateEphemeralStorageKmsKeyId: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case kmsKeyId, fargateEphemeralStorageKmsKeyId
    }

    public init(
        kmsKeyId: String? = nil,
        fargateEphemeralStorageKmsKeyId: String? = nil
    ) {
        self.kmsKeyId = kmsKeyId
        self.fargateEphemeralStorageKmsKeyId = fargateEphemeralStorageKmsKeyId
    }
}

/// One capacity provider of a strategy, e.g. FARGATE or FARGATE_SPOT.
public struct CapacityProviderStrategyItem: ECSShape {
    public static let shapeName = "CapacityProviderStrategyItem"

    public var capacityProvider: String
    /// 0...1000.
    public var weight: Int?
    /// 0...100000.
    public var base: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case capacityProvider, weight, base
    }

    public init(
        capacityProvider: String,
        weight: Int? = nil,
        base: Int? = nil
    ) {
        self.capacityProvider = capacityProvider
        self.weight = weight
        self.base = base
    }
}

/// The default Service Connect namespace a CreateCluster request sets.
public struct ClusterServiceConnectDefaultsRequest: ECSShape {
    public static let shapeName = "ClusterServiceConnectDefaultsRequest"

    public var namespace: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case namespace
    }

    public init(namespace: String) {
        self.namespace = namespace
    }
}

/// The default Service Connect namespace of a cluster (its ARN).
public struct ClusterServiceConnectDefaults: ECSShape {
    public static let shapeName = "ClusterServiceConnectDefaults"

    public var namespace: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case namespace
    }

    public init(namespace: String? = nil) {
        self.namespace = namespace
    }
}
