/// Which driver berthd uses; `auto` unless the operator says otherwise (`berthd --cgroup-driver v1`).
public enum CgroupMode: String, Sendable, CaseIterable, Codable {
    /// cgroup v2 if /sys/fs/cgroup is a cgroup2 mount, else v1 if its hierarchies hold cpu and memory,
    /// else a v2 mount elsewhere (the hybrid `unified` one) if its controllers suffice.
    case auto
    case v1
    case v2
}

/// The cgroup version a driver speaks.
public enum CgroupVersion: String, Sendable, Codable {
    case v1
    case v2
}

/// Where berth's groups live relative to the daemon's own cgroup (DESIGN §4), and the task default.
/// Tests give each run its own `tasksDirectory` so they never meet a real berthd's tasks.
public struct CgroupConfiguration: Sendable, Equatable {
    public var mode: CgroupMode
    /// v2: the leaf berthd moves itself into (the no-internal-processes rule).
    public var daemonLeaf: String
    /// The directory, beside the daemon leaf, that holds `<taskId>/<container>`.
    public var tasksDirectory: String

    public init(mode: CgroupMode = .auto, daemonLeaf: String = "berthd", tasksDirectory: String = "tasks") {
        self.mode = mode
        self.daemonLeaf = daemonLeaf
        self.tasksDirectory = tasksDirectory
    }
}
