import Foundation

/// Overrides of a task's definition for one RunTask.
public struct TaskOverride: ECSShape {
    public static let shapeName = "TaskOverride"

    public var containerOverrides: [ContainerOverride]?
    public var cpu: String?
    public var inferenceAcceleratorOverrides: [InferenceAcceleratorOverride]?
    public var executionRoleArn: String?
    public var memory: String?
    public var taskRoleArn: String?
    public var ephemeralStorage: EphemeralStorage?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case containerOverrides, cpu, inferenceAcceleratorOverrides, executionRoleArn, memory, taskRoleArn
        case ephemeralStorage
    }

    public init(
        containerOverrides: [ContainerOverride]? = nil,
        cpu: String? = nil,
        inferenceAcceleratorOverrides: [InferenceAcceleratorOverride]? = nil,
        executionRoleArn: String? = nil,
        memory: String? = nil,
        taskRoleArn: String? = nil,
        ephemeralStorage: EphemeralStorage? = nil
    ) {
        self.containerOverrides = containerOverrides
        self.cpu = cpu
        self.inferenceAcceleratorOverrides = inferenceAcceleratorOverrides
        self.executionRoleArn = executionRoleArn
        self.memory = memory
        self.taskRoleArn = taskRoleArn
        self.ephemeralStorage = ephemeralStorage
    }
}

/// Overrides of one container's definition; `name` picks the container.
public struct ContainerOverride: ECSShape {
    public static let shapeName = "ContainerOverride"

    public var name: String?
    public var command: [String]?
    public var environment: [KeyValuePair]?
    public var environmentFiles: [EnvironmentFile]?
    public var cpu: Int?
    public var memory: Int?
    public var memoryReservation: Int?
    public var resourceRequirements: [ResourceRequirement]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, command, environment, environmentFiles, cpu, memory, memoryReservation, resourceRequirements
    }

    public init(
        name: String? = nil,
        command: [String]? = nil,
        environment: [KeyValuePair]? = nil,
        environmentFiles: [EnvironmentFile]? = nil,
        cpu: Int? = nil,
        memory: Int? = nil,
        memoryReservation: Int? = nil,
        resourceRequirements: [ResourceRequirement]? = nil
    ) {
        self.name = name
        self.command = command
        self.environment = environment
        self.environmentFiles = environmentFiles
        self.cpu = cpu
        self.memory = memory
        self.memoryReservation = memoryReservation
        self.resourceRequirements = resourceRequirements
    }
}

/// An Elastic Inference accelerator override.
public struct InferenceAcceleratorOverride: ECSShape {
    public static let shapeName = "InferenceAcceleratorOverride"

    public var deviceName: String?
    public var deviceType: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case deviceName, deviceType
    }

    public init(
        deviceName: String? = nil,
        deviceType: String? = nil
    ) {
        self.deviceName = deviceName
        self.deviceType = deviceType
    }
}
