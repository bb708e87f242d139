import Foundation

/// Linux-specific settings. On Fargate only `capabilities` (add SYS_PTRACE only) and
/// `initProcessEnabled` apply; `devices`, `sharedMemorySize`, `tmpfs`, `maxSwap` and `swappiness` do not.
public struct LinuxParameters: ECSShape {
    public static let shapeName = "LinuxParameters"

    public var capabilities: KernelCapabilities?
    public var devices: [Device]?
    public var initProcessEnabled: Bool?
    public var sharedMemorySize: Int?
    public var tmpfs: [Tmpfs]?
    public var maxSwap: Int?
    public var swappiness: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case capabilities, devices, initProcessEnabled, sharedMemorySize, tmpfs, maxSwap, swappiness
    }

    public init(
        capabilities: KernelCapabilities? = nil,
        devices: [Device]? = nil,
        initProcessEnabled: Bool? = nil,
        sharedMemorySize: Int? = nil,
        tmpfs: [Tmpfs]? = nil,
        maxSwap: Int? = nil,
        swappiness: Int? = nil
    ) {
        self.capabilities = capabilities
        self.devices = devices
        self.initProcessEnabled = initProcessEnabled
        self.sharedMemorySize = sharedMemorySize
        self.tmpfs = tmpfs
        self.maxSwap = maxSwap
        self.swappiness = swappiness
    }
}

/// Capabilities added to or dropped from Docker's default set: drop first, then add.
public struct KernelCapabilities: ECSShape {
    public static let shapeName = "KernelCapabilities"

    public var add: [String]?
    public var drop: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case add, drop
    }

    public init(
        add: [String]? = nil,
        drop: [String]? = nil
    ) {
        self.add = add
        self.drop = drop
    }
}

/// A host device exposed to the container (`--device`).
public struct Device: ECSShape {
    public static let shapeName = "Device"

    public var hostPath: String
    public var containerPath: String?
    public var permissions: [DeviceCgroupPermission]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case hostPath, containerPath, permissions
    }

    public init(
        hostPath: String,
        containerPath: String? = nil,
        permissions: [DeviceCgroupPermission]? = nil
    ) {
        self.hostPath = hostPath
        self.containerPath = containerPath
        self.permissions = permissions
    }
}

/// A tmpfs mount (`--tmpfs`); `size` is in MiB.
public struct Tmpfs: ECSShape {
    public static let shapeName = "Tmpfs"

    public var containerPath: String
    public var size: Int
    public var mountOptions: [String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case containerPath, size, mountOptions
    }

    public init(
        containerPath: String,
        size: Int,
        mountOptions: [String]? = nil
    ) {
        self.containerPath = containerPath
        self.size = size
        self.mountOptions = mountOptions
    }
}
