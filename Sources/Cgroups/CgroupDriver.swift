import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// One cgroup berth created, in every hierarchy it spans (one directory on v2; one per v1 hierarchy).
public struct CgroupGroup: Sendable, Hashable, Codable {
    /// The path below berth's base, e.g. `tasks/<taskId>/<container>`.
    public let path: String
    /// The group's directory in each hierarchy, as host paths.
    public let directories: [String]

    /// The `cgroup.procs` files a process must be written into to join this group: one per hierarchy.
    /// The container's PID 1 writes "0" into each before it unshares its cgroup namespace.
    public var procsFiles: [String] { directories.map { $0 + "/cgroup.procs" } }
}

/// How a container sees its cgroups at /sys/fs/cgroup: mounted read-only from inside its cgroup
/// namespace, so each mount's root is the container's own group. The engine puts it in the launch spec.
public enum CgroupNamespaceView: Sendable, Equatable {
    /// v2: one cgroup2 mount.
    case unified
    /// v1: a tmpfs with one mount per hierarchy the container has a group in.
    case hierarchies([CgroupMountedHierarchy])
}

/// One v1 hierarchy (or a hybrid host's cgroup2 one) as the container's /sys/fs/cgroup shows it.
public struct CgroupMountedHierarchy: Sendable, Equatable {
    /// The host's name for it: the last component of its mount point ("memory", "cpu,cpuacct", "unified").
    public var name: String
    /// Its controllers as /proc/self/cgroup lists them, the mount options that select it ("cpu,cpuacct",
    /// "name=systemd"); nil for cgroup2.
    public var controllers: String?

    public init(name: String, controllers: String?) {
        self.name = name
        self.controllers = controllers
    }
}

/// The group of one task: holds the task-level limits (cpu.max, memory.max, pids.max).
public struct TaskCgroup: Sendable, Hashable, Codable {
    public let taskID: String
    public let group: CgroupGroup
}

/// The group of one container inside its task group: weight, its own memory limits, its OOM counter.
public struct ContainerCgroup: Sendable, Hashable, Codable {
    public let taskID: String
    public let name: String
    public let group: CgroupGroup

    public var procsFiles: [String] { group.procsFiles }
}

/// What a teardown found: the OOM kill count of each container group, read after every process was dead
/// and before its directory was removed (reference §1.10: a counter read after rmdir is lost).
public struct CgroupTeardownReport: Sendable, Equatable, Codable {
    public var oomKills: [String: UInt64]
}

/// A cgroup driver: creates berth's task and container groups with their limits, reports OOM kills and
/// usage, and tears groups down so nothing escapes and nothing is left behind. Obtain one from
/// `CgroupDiscovery.driver(_:)`. Every method touches only groups under berth's own subtree.
///
/// Wiring into a task supervisor:
///
///     let cgroups = try CgroupDiscovery.driver(CgroupConfiguration(mode: .auto))  // once, in berthd
///     try cgroups.adoptDaemon()                                                   // v2: into <own>/berthd
///     let task = try cgroups.createTaskGroup(
///         taskID: id, limits: .task(TaskResources(cpuUnits: 256, memoryMiB: 512)))
///     let app = try cgroups.createContainerGroup(
///         "app", in: task,
///         limits: .container(ContainerResources(cpuUnits: 128, memoryMiB: 256, memoryReservationMiB: 128),
///                            in: TaskResources(cpuUnits: 256, memoryMiB: 512)))
///     // hand app.procsFiles and cgroups.namespaceView to the container's PID 1 (it writes "0" into each
///     // procs file, unshares its cgroup namespace, mounts the view), then start it
///     let watch = try cgroups.watchOOMKills(app) { count in /* mark app OOM-killed: exit 137 */ }
///     let usage = try cgroups.stats(task)                         // berth stats, DescribeTasks
///     watch.cancel()
///     let report = try cgroups.destroy(task)                      // kill all, wait, rmdir
///     if report.oomKills["app", default: 0] > 0 { /* OutOfMemoryError reason */ }
public protocol CgroupDriver: AnyObject, Sendable {
    var version: CgroupVersion { get }
    /// The directory holding every task group, per hierarchy (for "nothing left behind" checks).
    var tasksDirectories: [String] { get }
    /// What a container of this driver's groups gets at /sys/fs/cgroup.
    var namespaceView: CgroupNamespaceView { get }

    /// v2: moves the calling process (all its threads) into `<own>/<daemonLeaf>`, so controllers can be
    /// enabled in `<own>` (the no-internal-processes rule). v1: nothing to do.
    func adoptDaemon() throws(CgroupError)

    /// Creates `<own>/<tasks>/<taskID>` (enabling cpu, memory and pids on the way down on v2) with `limits`.
    /// An existing group of that id is reused and its limits rewritten.
    func createTaskGroup(taskID: String, limits: CgroupLimits) throws(CgroupError) -> TaskCgroup

    /// Creates the container's group inside its task group with `limits`.
    func createContainerGroup(_ name: String, in task: TaskCgroup, limits: CgroupLimits) throws(CgroupError)
        -> ContainerCgroup

    /// Moves a running process into `group` (all hierarchies). The engine does not need this (PID 1 joins
    /// through `procsFiles` before it runs user code); tests and re-adoption do.
    func addProcess(_ pid: Int32, to group: CgroupGroup) throws(CgroupError)

    /// The OOM kills charged to `group` so far (v2 memory.events `oom_kill`, v1 memory.oom_control
    /// `oom_kill`). Read it before the group is removed.
    func oomKillCount(_ group: CgroupGroup) throws(CgroupError) -> UInt64

    /// Calls `handler` with the new count each time the group's OOM kill count rises (inotify on v2,
    /// cgroup.event_control eventfd on v1), on berth's one cgroup event thread, until cancelled or the
    /// group is removed.
    func watchOOMKills(_ container: ContainerCgroup, handler: @escaping @Sendable (UInt64) -> Void)
        throws(CgroupError) -> OOMWatch

    /// Usage counters of one group.
    func stats(_ group: CgroupGroup) throws(CgroupError) -> CgroupStats

    /// Kills every process in the task's groups (v2 cgroup.kill; v1 freeze, SIGKILL each, thaw), waits
    /// until they are gone, reads each container's OOM count, and removes the directories leaves first.
    /// Safe to call again after a failure, and on a task group that is already gone.
    @discardableResult
    func destroy(_ task: TaskCgroup, timeoutMilliseconds: Int) throws(CgroupError) -> CgroupTeardownReport

    /// Task groups present under berth's tasks directory (e.g. left by a berthd that crashed).
    func existingTaskGroups() throws(CgroupError) -> [TaskCgroup]

    /// Container groups present in a task group.
    func containerGroups(of task: TaskCgroup) throws(CgroupError) -> [ContainerCgroup]

    /// Removes the (empty) tasks directory itself, e.g. when a test instance or berthd shuts down.
    func removeTasksDirectory() throws(CgroupError)
}

extension CgroupDriver {
    /// Usage of a task group and each of its container groups.
    public func stats(_ task: TaskCgroup) throws(CgroupError) -> TaskCgroupStats {
        var containers: [String: CgroupStats] = [:]
        for container in try containerGroups(of: task) {
            containers[container.name] = try stats(container.group)
        }
        return TaskCgroupStats(task: try stats(task.group), containers: containers)
    }

    @discardableResult
    public func destroy(_ task: TaskCgroup) throws(CgroupError) -> CgroupTeardownReport {
        try destroy(task, timeoutMilliseconds: 10_000)
    }

    /// Whether any process is in the task's group or a container group below it, in any hierarchy, and
    /// when its directories last changed: what tells a group some berthd is filling from one left behind.
    public func occupancy(_ task: TaskCgroup) throws(CgroupError) -> TaskCgroupOccupancy {
        var occupancy = TaskCgroupOccupancy(populated: false, lastChanged: 0)
        // A group's directories are host paths already.
        let host = HostCgroupFileSystem()
        for group in [task.group] + (try containerGroups(of: task)).map(\.group) {
            for directory in group.directories where host.exists(directory) {
                var info = stat()
                if stat(directory, &info) == 0 {
                    occupancy.lastChanged = max(occupancy.lastChanged, Int(info.st_mtim.tv_sec))
                }
                if !(try host.read(directory + "/cgroup.procs")).allSatisfy({ $0 == "\n" || $0 == " " }) {
                    occupancy.populated = true
                }
            }
        }
        return occupancy
    }
}

/// See `CgroupDriver.occupancy(_:)`.
public struct TaskCgroupOccupancy: Sendable, Equatable {
    public var populated: Bool
    /// Seconds since the epoch.
    public var lastChanged: Int

    public init(populated: Bool, lastChanged: Int) {
        self.populated = populated
        self.lastChanged = lastChanged
    }
}

/// A plain path component: ECS container names are `[a-zA-Z0-9_-]{1,255}`, task ids hex; no dot, so a
/// name can never be `..` or collide with a cgroup interface file (they all contain one).
func validateGroupName(_ name: String) throws(CgroupError) {
    let allowed = name.utf8.allSatisfy { byte in
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
    guard allowed, !name.isEmpty, name.utf8.count <= 255 else { throw .invalidName(name) }
}
