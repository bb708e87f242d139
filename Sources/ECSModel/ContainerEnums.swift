import Foundation

/// The protocol of a port mapping (default tcp).
public struct TransportProtocol: ECSEnum {
    public static let shapeName = "TransportProtocol"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let tcp = TransportProtocol(rawValue: "tcp")
    public static let udp = TransportProtocol(rawValue: "udp")

    public static let knownValues: [TransportProtocol] = [.tcp, .udp]
}

/// The application protocol of a port mapping, for Service Connect.
public struct ApplicationProtocol: ECSEnum {
    public static let shapeName = "ApplicationProtocol"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let http = ApplicationProtocol(rawValue: "http")
    public static let http2 = ApplicationProtocol(rawValue: "http2")
    public static let grpc = ApplicationProtocol(rawValue: "grpc")

    public static let knownValues: [ApplicationProtocol] = [.http, .http2, .grpc]
}

/// The condition a dependent container waits for: START (started), COMPLETE (exited),
/// SUCCESS (exited 0) or HEALTHY (health check passed).
public struct ContainerCondition: ECSEnum {
    public static let shapeName = "ContainerCondition"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let start = ContainerCondition(rawValue: "START")
    public static let complete = ContainerCondition(rawValue: "COMPLETE")
    public static let success = ContainerCondition(rawValue: "SUCCESS")
    public static let healthy = ContainerCondition(rawValue: "HEALTHY")

    public static let knownValues: [ContainerCondition] = [.start, .complete, .success, .healthy]
}

/// The resource of a ulimit.
public struct UlimitName: ECSEnum {
    public static let shapeName = "UlimitName"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let core = UlimitName(rawValue: "core")
    public static let cpu = UlimitName(rawValue: "cpu")
    public static let data = UlimitName(rawValue: "data")
    public static let fsize = UlimitName(rawValue: "fsize")
    public static let locks = UlimitName(rawValue: "locks")
    public static let memlock = UlimitName(rawValue: "memlock")
    public static let msgqueue = UlimitName(rawValue: "msgqueue")
    public static let nice = UlimitName(rawValue: "nice")
    public static let nofile = UlimitName(rawValue: "nofile")
    public static let nproc = UlimitName(rawValue: "nproc")
    public static let rss = UlimitName(rawValue: "rss")
    public static let rtprio = UlimitName(rawValue: "rtprio")
    public static let rttime = UlimitName(rawValue: "rttime")
    public static let sigpending = UlimitName(rawValue: "sigpending")
    public static let stack = UlimitName(rawValue: "stack")

    public static let knownValues: [UlimitName] = [
        .core,
        .cpu,
        .data,
        .fsize,
        .locks,
        .memlock,
        .msgqueue,
        .nice,
        .nofile,
        .nproc,
        .rss,
        .rtprio,
        .rttime,
        .sigpending,
        .stack,
    ]
}

/// A log driver; Fargate supports awslogs, splunk and awsfirelens.
public struct LogDriver: ECSEnum {
    public static let shapeName = "LogDriver"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let jsonFile = LogDriver(rawValue: "json-file")
    public static let syslog = LogDriver(rawValue: "syslog")
    public static let journald = LogDriver(rawValue: "journald")
    public static let gelf = LogDriver(rawValue: "gelf")
    public static let fluentd = LogDriver(rawValue: "fluentd")
    public static let awslogs = LogDriver(rawValue: "awslogs")
    public static let splunk = LogDriver(rawValue: "splunk")
    public static let awsfirelens = LogDriver(rawValue: "awsfirelens")

    public static let knownValues: [LogDriver] = [
        .jsonFile,
        .syslog,
        .journald,
        .gelf,
        .fluentd,
        .awslogs,
        .splunk,
        .awsfirelens,
    ]
}

/// The cgroup permission of a device.
public struct DeviceCgroupPermission: ECSEnum {
    public static let shapeName = "DeviceCgroupPermission"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let read = DeviceCgroupPermission(rawValue: "read")
    public static let write = DeviceCgroupPermission(rawValue: "write")
    public static let mknod = DeviceCgroupPermission(rawValue: "mknod")

    public static let knownValues: [DeviceCgroupPermission] = [.read, .write, .mknod]
}

/// The kind of an environment file.
public struct EnvironmentFileType: ECSEnum {
    public static let shapeName = "EnvironmentFileType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let s3 = EnvironmentFileType(rawValue: "s3")

    public static let knownValues: [EnvironmentFileType] = [.s3]
}

/// The kind of a resource requirement.
public struct ResourceType: ECSEnum {
    public static let shapeName = "ResourceType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let gpu = ResourceType(rawValue: "GPU")
    public static let inferenceAccelerator = ResourceType(rawValue: "InferenceAccelerator")

    public static let knownValues: [ResourceType] = [.gpu, .inferenceAccelerator]
}

/// The log router of a FireLens configuration.
public struct FirelensConfigurationType: ECSEnum {
    public static let shapeName = "FirelensConfigurationType"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let fluentd = FirelensConfigurationType(rawValue: "fluentd")
    public static let fluentbit = FirelensConfigurationType(rawValue: "fluentbit")

    public static let knownValues: [FirelensConfigurationType] = [.fluentd, .fluentbit]
}

/// Whether the image tag is resolved to a digest at registration (`enabled` by default).
public struct VersionConsistency: ECSEnum {
    public static let shapeName = "VersionConsistency"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let enabled = VersionConsistency(rawValue: "enabled")
    public static let disabled = VersionConsistency(rawValue: "disabled")

    public static let knownValues: [VersionConsistency] = [.enabled, .disabled]
}
