import Foundation

/// A task volume. On Fargate: a bind mount with empty `host` (task scratch space) or EFS.
public struct Volume: ECSShape {
    public static let shapeName = "Volume"

    public var name: String?
    public var host: HostVolumeProperties?
    public var dockerVolumeConfiguration: DockerVolumeConfiguration?
    public var efsVolumeConfiguration: EFSVolumeConfiguration?
    public var s3filesVolumeConfiguration: S3FilesVolumeConfiguration?
    public var fsxWindowsFileServerVolumeConfiguration: FSxWindowsFileServerVolumeConfiguration?
    public var configuredAtLaunch: Bool?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, host, dockerVolumeConfiguration, efsVolumeConfiguration, s3filesVolumeConfiguration
        case fsxWindowsFileServerVolumeConfiguration, configuredAtLaunch
    }

    public init(
        name: String? = nil,
        host: HostVolumeProperties? = nil,
        dockerVolumeConfiguration: DockerVolumeConfiguration? = nil,
        efsVolumeConfiguration: EFSVolumeConfiguration? = nil,
        s3filesVolumeConfiguration: S3FilesVolumeConfiguration? = nil,
        fsxWindowsFileServerVolumeConfiguration: FSxWindowsFileServerVolumeConfiguration? = nil,
        configuredAtLaunch: Bool? = nil
    ) {
        self.name = name
        self.host = host
        self.dockerVolumeConfiguration = dockerVolumeConfiguration
        self.efsVolumeConfiguration = efsVolumeConfiguration
        self.s3filesVolumeConfiguration = s3filesVolumeConfiguration
        self.fsxWindowsFileServerVolumeConfiguration = fsxWindowsFileServerVolumeConfiguration
        self.configuredAtLaunch = configuredAtLaunch
    }
}

/// A bind mount; `sourcePath` (a host path) is not valid on Fargate.
public struct HostVolumeProperties: ECSShape {
    public static let shapeName = "HostVolumeProperties"

    public var sourcePath: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case sourcePath
    }

    public init(sourcePath: String? = nil) {
        self.sourcePath = sourcePath
    }
}

/// A Docker volume (EC2 only).
public struct DockerVolumeConfiguration: ECSShape {
    public static let shapeName = "DockerVolumeConfiguration"

    public var scope: Scope?
    public var autoprovision: Bool?
    public var driver: String?
    public var driverOpts: [String: String]?
    public var labels: [String: String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case scope, autoprovision, driver, driverOpts, labels
    }

    public init(
        scope: Scope? = nil,
        autoprovision: Bool? = nil,
        driver: String? = nil,
        driverOpts: [String: String]? = nil,
        labels: [String: String]? = nil
    ) {
        self.scope = scope
        self.autoprovision = autoprovision
        self.driver = driver
        self.driverOpts = driverOpts
        self.labels = labels
    }
}

/// An Amazon EFS file system.
public struct EFSVolumeConfiguration: ECSShape {
    public static let shapeName = "EFSVolumeConfiguration"

    public var fileSystemId: String
    public var rootDirectory: String?
    public var transitEncryption: EFSTransitEncryption?
    public var transitEncryptionPort: Int?
    public var authorizationConfig: EFSAuthorizationConfig?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fileSystemId, rootDirectory, transitEncryption, transitEncryptionPort, authorizationConfig
    }

    public init(
        fileSystemId: String,
        rootDirectory: String? = nil,
        transitEncryption: EFSTransitEncryption? = nil,
        transitEncryptionPort: Int? = nil,
        authorizationConfig: EFSAuthorizationConfig? = nil
    ) {
        self.fileSystemId = fileSystemId
        self.rootDirectory = rootDirectory
        self.transitEncryption = transitEncryption
        self.transitEncryptionPort = transitEncryptionPort
        self.authorizationConfig = authorizationConfig
    }
}

/// EFS access point and IAM authorization.
public struct EFSAuthorizationConfig: ECSShape {
    public static let shapeName = "EFSAuthorizationConfig"

    public var accessPointId: String?
    public var iam: EFSAuthorizationConfigIAM?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case accessPointId, iam
    }

    public init(
        accessPointId: String? = nil,
        iam: EFSAuthorizationConfigIAM? = nil
    ) {
        self.accessPointId = accessPointId
        self.iam = iam
    }
}

/// An S3 Files file system.
public struct S3FilesVolumeConfiguration: ECSShape {
    public static let shapeName = "S3FilesVolumeConfiguration"

    public var fileSystemArn: String
    public var rootDirectory: String?
    public var transitEncryptionPort: Int?
    public var accessPointArn: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fileSystemArn, rootDirectory, transitEncryptionPort, accessPointArn
    }

    public init(
        fileSystemArn: String,
        rootDirectory: String? = nil,
        transitEncryptionPort: Int? = nil,
        accessPointArn: String? = nil
    ) {
        self.fileSystemArn = fileSystemArn
        self.rootDirectory = rootDirectory
        self.transitEncryptionPort = transitEncryptionPort
        self.accessPointArn = accessPointArn
    }
}

/// An FSx for Windows File Server file system (Windows only).
public struct FSxWindowsFileServerVolumeConfiguration: ECSShape {
    public static let shapeName = "FSxWindowsFileServerVolumeConfiguration"

    public var fileSystemId: String
    public var rootDirectory: String
    public var authorizationConfig: FSxWindowsFileServerAuthorizationConfig

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fileSystemId, rootDirectory, authorizationConfig
    }

    public init(
        fileSystemId: String,
        rootDirectory: String,
        authorizationConfig: FSxWindowsFileServerAuthorizationConfig
    ) {
        self.fileSystemId = fileSystemId
        self.rootDirectory = rootDirectory
        self.authorizationConfig = authorizationConfig
    }
}

/// Credentials for an FSx for Windows File Server volume.
public struct FSxWindowsFileServerAuthorizationConfig: ECSShape {
    public static let shapeName = "FSxWindowsFileServerAuthorizationConfig"

    public var credentialsParameter: String
    public var domain: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case credentialsParameter, domain
    }

    public init(
        credentialsParameter: String,
        domain: String
    ) {
        self.credentialsParameter = credentialsParameter
        self.domain = domain
    }
}

/// The lifetime of a Docker volume: `task` (removed with the task) or `shared`.
public struct Scope: ECSEnum {
    public static let shapeName = "Scope"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let task = Scope(rawValue: "task")
    public static let shared = Scope(rawValue: "shared")

    public static let knownValues: [Scope] = [.task, .shared]
}

/// Whether EFS traffic is encrypted in transit.
public struct EFSTransitEncryption: ECSEnum {
    public static let shapeName = "EFSTransitEncryption"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let enabled = EFSTransitEncryption(rawValue: "ENABLED")
    public static let disabled = EFSTransitEncryption(rawValue: "DISABLED")

    public static let knownValues: [EFSTransitEncryption] = [.enabled, .disabled]
}

/// Whether the task's IAM role is used to mount EFS.
public struct EFSAuthorizationConfigIAM: ECSEnum {
    public static let shapeName = "EFSAuthorizationConfigIAM"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let enabled = EFSAuthorizationConfigIAM(rawValue: "ENABLED")
    public static let disabled = EFSAuthorizationConfigIAM(rawValue: "DISABLED")

    public static let knownValues: [EFSAuthorizationConfigIAM] = [.enabled, .disabled]
}
