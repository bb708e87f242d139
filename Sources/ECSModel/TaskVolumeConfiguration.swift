import Foundation

/// A volume configured at launch (`configuredAtLaunch` in the definition).
public struct TaskVolumeConfiguration: ECSShape {
    public static let shapeName = "TaskVolumeConfiguration"

    public var name: String
    public var managedEBSVolume: TaskManagedEBSVolumeConfiguration?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, managedEBSVolume
    }

    public init(
        name: String,
        managedEBSVolume: TaskManagedEBSVolumeConfiguration? = nil
    ) {
        self.name = name
        self.managedEBSVolume = managedEBSVolume
    }
}

/// An EBS volume ECS creates and attaches for a task.
public struct TaskManagedEBSVolumeConfiguration: ECSShape {
    public static let shapeName = "TaskManagedEBSVolumeConfiguration"

    public var encrypted: Bool?
    public var kmsKeyId: String?
    public var volumeType: String?
    public var sizeInGiB: Int?
    public var snapshotId: String?
    public var volumeInitializationRate: Int?
    public var iops: Int?
    public var throughput: Int?
    public var tagSpecifications: [EBSTagSpecification]?
    public var roleArn: String
    public var terminationPolicy: TaskManagedEBSVolumeTerminationPolicy?
    public var filesystemType: TaskFilesystemType?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case encrypted, kmsKeyId, volumeType, sizeInGiB, snapshotId, volumeInitializationRate, iops, throughput
        case tagSpecifications, roleArn, terminationPolicy, filesystemType
    }

    public init(
        encrypted: Bool? = nil,
        kmsKeyId: String? = nil,
        volumeType: String? = nil,
        sizeInGiB: Int? = nil,
        snapshotId: String? = nil,
        volumeInitializationRate: Int? = nil,
        iops: Int? = nil,
        throughput: Int? = nil,
        tagSpecifications: [EBSTagSpecification]? = nil,
        roleArn: String,
        terminationPolicy: TaskManagedEBSVolumeTerminationPolicy? = nil,
        filesystemType: TaskFilesystemType? = nil
    ) {
        self.encrypted = encrypted
        self.kmsKeyId = kmsKeyId
        self.volumeType = volumeType
        self.sizeInGiB = sizeInGiB
        self.snapshotId = snapshotId
        self.volumeInitializationRate = volumeInitializationRate
        self.iops = iops
        self.throughput = throughput
        self.tagSpecifications = tagSpecifications
        self.roleArn = roleArn
        self.terminationPolicy = terminationPolicy
        self.filesystemType = filesystemType
    }
}

/// The tags ECS puts on a managed EBS volume.
public struct EBSTagSpecification: ECSShape {
    public static let shapeName = "EBSTagSpecification"

    public var resourceType: EBSResourceType
    public var tags: [Tag]?
    public var propagateTags: PropagateTags?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case resourceType, tags, propagateTags
    }

    public init(
        resourceType: EBSResourceType,
        tags: [Tag]? = nil,
        propagateTags: PropagateTags? = nil
    ) {
        self.resourceType = resourceType
        self.tags = tags
        self.propagateTags = propagateTags
    }
}

/// Whether a managed EBS volume is deleted when its task stops.
public struct TaskManagedEBSVolumeTerminationPolicy: ECSShape {
    public static let shapeName = "TaskManagedEBSVolumeTerminationPolicy"

    public var deleteOnTermination: Bool

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case deleteOnTermination
    }

    public init(deleteOnTermination: Bool) {
        self.deleteOnTermination = deleteOnTermination
    }
}
