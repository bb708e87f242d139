import LinuxKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The cgroup v1 driver for hybrid hosts: one group per hierarchy berth needs (cpu, cpuacct, memory,
/// pids, freezer; co-mounted ones such as `cpu,cpuacct` count once) and, when the host has them, in
/// cpuset and the hybrid cgroup2 hierarchy (for the container's view of its own groups), each at the
/// same relative path `tasks/<taskId>/<container>` under the daemon's own position in that hierarchy.
public final class CgroupV1Driver: CgroupDriver {
    /// One mounted v1 hierarchy: the controllers berth uses in it (none in a hybrid host's cgroup2
    /// hierarchy), the daemon's group in it, and how a container's /sys/fs/cgroup shows it.
    struct Hierarchy: Sendable, Equatable {
        var controllers: [String]
        var base: String
        var view: CgroupMountedHierarchy
    }

    public let version = CgroupVersion.v1
    public let configuration: CgroupConfiguration
    let fileSystem: any CgroupFileSystem
    let hierarchies: [Hierarchy]

    init(configuration: CgroupConfiguration, fileSystem: any CgroupFileSystem, hierarchies: [Hierarchy]) {
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.hierarchies = hierarchies
    }

    public var tasksDirectories: [String] {
        hierarchies.map { fileSystem.hostPath($0.base + "/" + configuration.tasksDirectory) }
    }

    public var namespaceView: CgroupNamespaceView { .hierarchies(hierarchies.map(\.view)) }

    func group(_ path: String) -> CgroupGroup {
        CgroupGroup(path: path, directories: hierarchies.map { fileSystem.hostPath($0.base + "/" + path) })
    }

    /// The group's directory in the hierarchy carrying `controller`.
    func directory(_ group: CgroupGroup, _ controller: String) -> String {
        let hierarchy = hierarchies.first { $0.controllers.contains(controller) }!
        return hierarchy.base + "/" + group.path
    }

    func directories(_ group: CgroupGroup) -> [String] { hierarchies.map { $0.base + "/" + group.path } }

    /// v1 has no no-internal-processes rule: berthd stays where it was started.
    public func adoptDaemon() throws(CgroupError) {}

    public func createTaskGroup(taskID: String, limits: CgroupLimits) throws(CgroupError) -> TaskCgroup {
        try validateGroupName(taskID)
        let task = TaskCgroup(taskID: taskID, group: group(configuration.tasksDirectory + "/" + taskID))
        for hierarchy in hierarchies {
            try makeDirectory(hierarchy.base + "/" + configuration.tasksDirectory, in: hierarchy)
        }
        try create(task.group, limits: limits)
        return task
    }

    public func createContainerGroup(_ name: String, in task: TaskCgroup, limits: CgroupLimits) throws(CgroupError)
        -> ContainerCgroup
    {
        try validateGroupName(name)
        let container = ContainerCgroup(taskID: task.taskID, name: name, group: group(task.group.path + "/" + name))
        try create(container.group, limits: limits)
        return container
    }

    func create(_ group: CgroupGroup, limits: CgroupLimits) throws(CgroupError) {
        for hierarchy in hierarchies { try makeDirectory(hierarchy.base + "/" + group.path, in: hierarchy) }
        try fileSystem.apply(limits.v1Files) { directory(group, $0) }
    }

    /// A new cpuset group starts with no CPUs and no memory nodes, and no process can join it (ENOSPC)
    /// until both are set (cgroup-v1/cpusets.rst): it gets its parent's, as runc's cpuset setup does.
    /// (`cgroup.clone_children` in the parent would copy them too, but would change that group for
    /// everyone who makes children there.)
    func makeDirectory(_ directory: String, in hierarchy: Hierarchy) throws(CgroupError) {
        try fileSystem.makeDirectory(directory)
        guard hierarchy.controllers.contains("cpuset") else { return }
        for file in ["cpuset.cpus", "cpuset.mems"] {
            // Unreadable counts as empty: the parent's value is then written, and a failure there is thrown.
            let own = (try? fileSystem.read(directory + "/" + file)).map { Substring($0).trimmingCharacters() }
            guard own?.isEmpty ?? true else { continue }
            let inherited = Substring(try fileSystem.read(parentDirectory(directory) + "/" + file)).trimmingCharacters()
            try fileSystem.write(directory + "/" + file, inherited)
        }
    }

    public func addProcess(_ pid: Int32, to group: CgroupGroup) throws(CgroupError) {
        for directory in directories(group) { try fileSystem.writeProcess(pid, into: directory + "/cgroup.procs") }
    }

    public func oomKillCount(_ group: CgroupGroup) throws(CgroupError) -> UInt64 {
        let control = try fileSystem.read(directory(group, "memory") + "/memory.oom_control")
        return parseKeyedCounters(control)["oom_kill"] ?? 0
    }

    public func watchOOMKills(_ container: ContainerCgroup, handler: @escaping @Sendable (UInt64) -> Void)
        throws(CgroupError) -> OOMWatch
    {
        // Documentation/admin-guide/cgroup-v1/memory.rst "OOM control": register an eventfd against
        // memory.oom_control through cgroup.event_control; it fires when the group (or an ancestor,
        // such as the task group) is under OOM, and when the group is removed.
        let memory = directory(container.group, "memory")
        let control = open(fileSystem.hostPath(memory + "/memory.oom_control"), O_RDONLY | O_CLOEXEC)
        guard control >= 0 else { throw .io(SyscallError("open(\(memory)/memory.oom_control)")) }
        let event = makeEventDescriptor()
        guard event >= 0 else {
            let error = SyscallError("eventfd")
            close(control)
            throw .io(error)
        }
        do {
            try fileSystem.write(memory + "/cgroup.event_control", "\(event) \(control)")
        } catch {
            close(event)
            close(control)
            throw error
        }
        let seen = Mutex(try oomKillCount(container.group))
        let group = container.group
        let handle: @Sendable () -> CgroupEventMonitor.Outcome = { [self] in
            var value: UInt64 = 0
            _ = read(event, &value, 8)
            // The event fires as the OOM starts, before the victim is chosen: give the counter a moment.
            let deadline = MonotonicDeadline(millisecondsFromNow: 200)
            var now: UInt64 = 0
            _ = deadline.wait(pollMicroseconds: 5000) {
                guard let count = try? oomKillCount(group) else { return true }
                now = count
                return seen.withLock { count > $0 }
            }
            guard fileSystem.exists(memory) else { return .init(keep: false) }
            let rose = seen.withLock { last in
                defer { last = max(last, now) }
                return now > last
            }
            return .init(keep: true, report: rose ? now : nil)
        }
        let token = CgroupEventMonitor.shared.add(
            pollDescriptor: event, descriptors: [event, control], handle: handle, deliver: handler)
        return OOMWatch(token: token, monitor: CgroupEventMonitor.shared)
    }

    public func stats(_ group: CgroupGroup) throws(CgroupError) -> CgroupStats {
        let cpu = parseKeyedCounters(try fileSystem.read(directory(group, "cpu") + "/cpu.stat"))
        let usageNanos = parseLimit(try fileSystem.read(directory(group, "cpuacct") + "/cpuacct.usage")) ?? 0
        let memory = directory(group, "memory")
        return CgroupStats(
            cpuUsageMicros: usageNanos / 1000, cpuPeriods: cpu["nr_periods"] ?? 0,
            cpuThrottledPeriods: cpu["nr_throttled"] ?? 0, cpuThrottledMicros: (cpu["throttled_time"] ?? 0) / 1000,
            memoryCurrentBytes: parseLimit(try fileSystem.read(memory + "/memory.usage_in_bytes")) ?? 0,
            memoryPeakBytes: (try? fileSystem.read(memory + "/memory.max_usage_in_bytes")).flatMap(parseLimit),
            memoryLimitBytes: parseLimit(try fileSystem.read(memory + "/memory.limit_in_bytes")),
            pidsCurrent: parseLimit(try fileSystem.read(directory(group, "pids") + "/pids.current")) ?? 0,
            oomKills: try oomKillCount(group))
    }

    public func destroy(_ task: TaskCgroup, timeoutMilliseconds: Int) throws(CgroupError) -> CgroupTeardownReport {
        let all = directories(task.group)
        guard all.contains(where: fileSystem.exists) else { return CgroupTeardownReport(oomKills: [:]) }
        let deadline = MonotonicDeadline(millisecondsFromNow: timeoutMilliseconds)
        try killAll(task.group, deadline: deadline)
        var report = CgroupTeardownReport(oomKills: [:])
        for container in try containerGroups(of: task) {
            report.oomKills[container.name] = (try? oomKillCount(container.group)) ?? 0
        }
        for directory in all { try fileSystem.removeTree(directory, deadline: deadline) }
        return report
    }

    /// v1 has no cgroup.kill, and killing pid by pid races with fork. The freezer closes the race: a
    /// frozen task group (descendants included) cannot fork, so one pass of SIGKILL reaches every
    /// process, and on thaw each dies before it runs user code again. Pids seen only in other hierarchies
    /// (a process that joined some but not the freezer's group) are killed too, and again until gone.
    func killAll(_ group: CgroupGroup, deadline: MonotonicDeadline) throws(CgroupError) {
        let freezer = directory(group, "freezer")
        let all = directories(group)
        let frozen = fileSystem.exists(freezer)
        if frozen {
            try fileSystem.write(freezer + "/freezer.state", "FROZEN")
            // FREEZING lasts while a task sits in an uninterruptible sleep; proceed after a short wait.
            let freezeDeadline = MonotonicDeadline(millisecondsFromNow: 1000)
            _ = freezeDeadline.wait {
                ((try? fileSystem.read(freezer + "/freezer.state")) ?? "").hasPrefix("FROZEN")
            }
        }
        let remaining = { Set(all.flatMap { self.fileSystem.processes(under: $0) }) }
        for pid in remaining() { kill(pid, SIGKILL) }
        if frozen { try fileSystem.write(freezer + "/freezer.state", "THAWED") }
        let empty = deadline.wait {
            let pids = remaining()
            for pid in pids { kill(pid, SIGKILL) }
            return pids.isEmpty
        }
        if !empty {
            throw .teardownTimedOut(group: fileSystem.hostPath(freezer), remaining: remaining().sorted())
        }
    }

    public func existingTaskGroups() throws(CgroupError) -> [TaskCgroup] {
        var ids = Set<String>()
        for hierarchy in hierarchies {
            let root = hierarchy.base + "/" + configuration.tasksDirectory
            if fileSystem.exists(root) { ids.formUnion(try fileSystem.subdirectories(root)) }
        }
        return ids.sorted().map { TaskCgroup(taskID: $0, group: group(configuration.tasksDirectory + "/" + $0)) }
    }

    public func containerGroups(of task: TaskCgroup) throws(CgroupError) -> [ContainerCgroup] {
        var names = Set<String>()
        for directory in directories(task.group) where fileSystem.exists(directory) {
            names.formUnion(try fileSystem.subdirectories(directory))
        }
        return names.sorted().map {
            ContainerCgroup(taskID: task.taskID, name: $0, group: group(task.group.path + "/" + $0))
        }
    }

    /// Every hierarchy is tried: one still in use (another berthd's tasks in it) leaves the others removed.
    public func removeTasksDirectory() throws(CgroupError) {
        var first: CgroupError? = nil
        for hierarchy in hierarchies {
            do {
                try fileSystem.removeDirectory(hierarchy.base + "/" + configuration.tasksDirectory)
            } catch {
                first = first ?? error
            }
        }
        if let first { throw first }
    }
}

/// eventfd(2) with EFD_CLOEXEC | EFD_NONBLOCK. Swift's Glibc module leaves out <sys/eventfd.h>, so the
/// glibc symbol is looked up once by name rather than growing the shared C target for one call.
private func makeEventDescriptor() -> Int32 {
    typealias EventFD = @convention(c) (UInt32, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "eventfd") else {
        errno = ENOSYS
        return -1
    }
    let cloexecNonblock: Int32 = 0o2_000_000 | 0o4000  // EFD_CLOEXEC (= O_CLOEXEC) | EFD_NONBLOCK (= O_NONBLOCK)
    return unsafeBitCast(symbol, to: EventFD.self)(0, cloexecNonblock)
}
