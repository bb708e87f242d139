import Foundation

/// Private registry credentials: a Secrets Manager secret ARN or name.
public struct RepositoryCredentials: ECSShape {
    public static let shapeName = "RepositoryCredentials"

    public var credentialsParameter: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialsParameter
    }

    public init(credentialsParameter: String) {
        self.credentialsParameter = credentialsParameter
    }
}

/// Restarts of a container in place, without stopping the task.
public struct ContainerRestartPolicy: ECSShape {
    public static let shapeName = "ContainerRestartPolicy"

    public var enabled: Bool
    public var ignoredExitCodes: [Int]?
    public var restartAttemptPeriod: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, ignoredExitCodes, restartAttemptPeriod
    }

    public init(
        enabled: Bool,
        ignoredExitCodes: [Int]? = nil,
        restartAttemptPeriod: Int? = nil
    ) {
        self.enabled = enabled
        self.ignoredExitCodes = ignoredExitCodes
        self.restartAttemptPeriod = restartAttemptPeriod
    }
}

/// A name/value pair: an environment variable, proxy property or attachment detail.
public struct KeyValuePair: ECSShape {
    public static let shapeName = "KeyValuePair"

    public var name: String?
    public var value: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, value
    }

    public init(
        name: String? = nil,
        value: String? = nil
    ) {
        self.name = name
        self.value = value
    }
}

/// An S3 object of `VAR=value` lines added to the environment.
public struct EnvironmentFile: ECSShape {
    public static let shapeName = "EnvironmentFile"

    public var value: String
    public var type: EnvironmentFileType

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case value, type
    }

    public init(
        value: String,
        type: EnvironmentFileType
    ) {
        self.value = value
        self.type = type
    }
}

/// A secret exposed as an environment variable (`valueFrom` is an ARN or SSM parameter).
public struct Secret: ECSShape {
    public static let shapeName = "Secret"

    public var name: String
    public var valueFrom: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, valueFrom
    }

    public init(
        name: String,
        valueFrom: String
    ) {
        self.name = name
        self.valueFrom = valueFrom
    }
}

/// A container this container waits for, and the condition to wait for.
public struct ContainerDependency: ECSShape {
    public static let shapeName = "ContainerDependency"

    public var containerName: String
    public var condition: ContainerCondition

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case containerName, condition
    }

    public init(
        containerName: String,
        condition: ContainerCondition
    ) {
        self.containerName = containerName
        self.condition = condition
    }
}

/// An /etc/hosts line (`--add-host`); not valid on Fargate.
public struct HostEntry: ECSShape {
    public static let shapeName = "HostEntry"

    public var hostname: String
    public var ipAddress: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hostname, ipAddress
    }

    public init(
        hostname: String,
        ipAddress: String
    ) {
        self.hostname = hostname
        self.ipAddress = ipAddress
    }
}

/// A resource limit (`--ulimit`); on Fargate only `nofile` differs from the OS default.
public struct Ulimit: ECSShape {
    public static let shapeName = "Ulimit"

    public var name: UlimitName
    public var softLimit: Int
    public var hardLimit: Int

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, softLimit, hardLimit
    }

    public init(
        name: UlimitName,
        softLimit: Int,
        hardLimit: Int
    ) {
        self.name = name
        self.softLimit = softLimit
        self.hardLimit = hardLimit
    }
}

/// A namespaced kernel parameter (`--sysctl`).
public struct SystemControl: ECSShape {
    public static let shapeName = "SystemControl"

    public var namespace: String?
    public var value: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case namespace, value
    }

    public init(
        namespace: String? = nil,
        value: String? = nil
    ) {
        self.namespace = namespace
        self.value = value
    }
}

/// A GPU count or Inference Accelerator device name reserved for the container.
public struct ResourceRequirement: ECSShape {
    public static let shapeName = "ResourceRequirement"

    public var value: String
    public var type: ResourceType

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case value, type
    }

    public init(
        value: String,
        type: ResourceType
    ) {
        self.value = value
        self.type = type
    }
}

/// A task volume mounted into the container.
public struct MountPoint: ECSShape {
    public static let shapeName = "MountPoint"

    public var sourceVolume: String?
    public var containerPath: String?
    public var readOnly: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sourceVolume, containerPath, readOnly
    }

    public init(
        sourceVolume: String? = nil,
        containerPath: String? = nil,
        readOnly: Bool? = nil
    ) {
        self.sourceVolume = sourceVolume
        self.containerPath = containerPath
        self.readOnly = readOnly
    }
}

/// Volumes mounted from another container (`--volumes-from`).
public struct VolumeFrom: ECSShape {
    public static let shapeName = "VolumeFrom"

    public var sourceContainer: String?
    public var readOnly: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sourceContainer, readOnly
    }

    public init(
        sourceContainer: String? = nil,
        readOnly: Bool? = nil
    ) {
        self.sourceContainer = sourceContainer
        self.readOnly = readOnly
    }
}
