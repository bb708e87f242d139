import Foundation

/// A placement constraint of a task definition (`memberOf` only; not valid on Fargate).
public struct TaskDefinitionPlacementConstraint: ECSShape {
    public static let shapeName = "TaskDefinitionPlacementConstraint"

    public var type: TaskDefinitionPlacementConstraintType?
    public var expression: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, expression
    }

    public init(
        type: TaskDefinitionPlacementConstraintType? = nil,
        expression: String? = nil
    ) {
        self.type = type
        self.expression = expression
    }
}

/// The CPU architecture and OS family a task needs.
public struct RuntimePlatform: ECSShape {
    public static let shapeName = "RuntimePlatform"

    public var cpuArchitecture: CPUArchitecture?
    public var operatingSystemFamily: OSFamily?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cpuArchitecture, operatingSystemFamily
    }

    public init(
        cpuArchitecture: CPUArchitecture? = nil,
        operatingSystemFamily: OSFamily? = nil
    ) {
        self.cpuArchitecture = cpuArchitecture
        self.operatingSystemFamily = operatingSystemFamily
    }
}

/// App Mesh proxy settings (`type` APPMESH).
public struct ProxyConfiguration: ECSShape {
    public static let shapeName = "ProxyConfiguration"

    public var type: ProxyConfigurationType?
    public var containerName: String
    public var properties: [KeyValuePair]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, containerName, properties
    }

    public init(
        type: ProxyConfigurationType? = nil,
        containerName: String,
        properties: [KeyValuePair]? = nil
    ) {
        self.type = type
        self.containerName = containerName
        self.properties = properties
    }
}

/// The task's ephemeral storage; on Fargate 21...200 GiB (20 by default).
public struct EphemeralStorage: ECSShape {
    public static let shapeName = "EphemeralStorage"

    public var sizeInGiB: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sizeInGiB
    }

    public init(sizeInGiB: Int) {
        self.sizeInGiB = sizeInGiB
    }
}

/// An Elastic Inference accelerator (deprecated in the model).
public struct InferenceAccelerator: ECSShape {
    public static let shapeName = "InferenceAccelerator"

    public var deviceName: String
    public var deviceType: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case deviceName, deviceType
    }

    public init(
        deviceName: String,
        deviceType: String
    ) {
        self.deviceName = deviceName
        self.deviceType = deviceType
    }
}

/// A resource tag. `key` is 1...128 characters, `value` 0...256.
public struct Tag: ECSShape {
    public static let shapeName = "Tag"

    public var key: String?
    public var value: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case key, value
    }

    public init(
        key: String? = nil,
        value: String? = nil
    ) {
        self.key = key
        self.value = value
    }
}
