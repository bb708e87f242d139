import LinuxKit
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The cgroup v2 (unified) driver. Layout under the daemon's own group `<own>` (DESIGN §4):
/// `<own>/berthd` holds berthd itself, `<own>/tasks/<taskId>/<container>` the tasks; cpu, memory and pids
/// are enabled in `cgroup.subtree_control` of `<own>`, `tasks` and each task group, never in a leaf.
public final class CgroupV2Driver: CgroupDriver {
    public let version = CgroupVersion.v2
    public let configuration: CgroupConfiguration
    let fileSystem: any CgroupFileSystem
    /// `<own>`: the daemon's group (the parent of its leaf once it moved there).
    let base: String
    /// The root of the hierarchy is exempt from the no-internal-processes rule.
    let isHierarchyRoot: Bool

    init(configuration: CgroupConfiguration, fileSystem: any CgroupFileSystem, base: String, isHierarchyRoot: Bool) {
        self.configuration = configuration
        self.fileSystem = fileSystem
        self.base = base
        self.isHierarchyRoot = isHierarchyRoot
    }

    var tasksRoot: String { base + "/" + configuration.tasksDirectory }
    public var tasksDirectories: [String] { [fileSystem.hostPath(tasksRoot)] }
    public var namespaceView: CgroupNamespaceView { .unified }

    func group(_ path: String) -> CgroupGroup {
        CgroupGroup(path: path, directories: [fileSystem.hostPath(base + "/" + path)])
    }

    func directory(_ group: CgroupGroup) -> String { base + "/" + group.path }

    public func adoptDaemon() throws(CgroupError) {
        let leaf = base + "/" + configuration.daemonLeaf
        try fileSystem.makeDirectory(leaf)
        try fileSystem.writeProcess(getpid(), into: leaf + "/cgroup.procs")
    }

    /// Enables berth's controllers in `directory`'s subtree_control, skipping those already on.
    func enableControllers(in directory: String) throws(CgroupError) {
        let enabled = Set(
            ((try? fileSystem.read(directory + "/cgroup.subtree_control")) ?? "").split { $0 == " " || $0 == "\n" })
        let wanted = CgroupDiscovery.v2Controllers.filter { !enabled.contains(Substring($0)) }
        guard !wanted.isEmpty else { return }
        do {
            try fileSystem.write(directory + "/cgroup.subtree_control", wanted.map { "+" + $0 }.joined(separator: " "))
        } catch .io(let error) where error.errno == EBUSY {
            throw .groupHoldsProcesses(group: fileSystem.hostPath(directory))
        }
    }

    public func createTaskGroup(taskID: String, limits: CgroupLimits) throws(CgroupError) -> TaskCgroup {
        try validateGroupName(taskID)
        try enableControllers(in: base)
        try fileSystem.makeDirectory(tasksRoot)
        try enableControllers(in: tasksRoot)
        let task = TaskCgroup(taskID: taskID, group: group(configuration.tasksDirectory + "/" + taskID))
        let directory = directory(task.group)
        try fileSystem.makeDirectory(directory)
        try enableControllers(in: directory)
        try fileSystem.apply(limits.v2Files) { _ in directory }
        return task
    }

    public func createContainerGroup(_ name: String, in task: TaskCgroup, limits: CgroupLimits) throws(CgroupError)
        -> ContainerCgroup
    {
        try validateGroupName(name)
        let container = ContainerCgroup(taskID: task.taskID, name: name, group: group(task.group.path + "/" + name))
        let directory = directory(container.group)
        try fileSystem.makeDirectory(directory)
        try fileSystem.apply(limits.v2Files) { _ in directory }
        return container
    }

    public func addProcess(_ pid: Int32, to group: CgroupGroup) throws(CgroupError) {
        try fileSystem.writeProcess(pid, into: directory(group) + "/cgroup.procs")
    }

    public func oomKillCount(_ group: CgroupGroup) throws(CgroupError) -> UInt64 {
        // oom_kill, not oom: the oom event is charged to the group that hit its limit (maybe the task),
        // oom_kill to the victim's group and its ancestors (containerd PR #6323; reference §1.10).
        parseKeyedCounters(try fileSystem.read(directory(group) + "/memory.events"))["oom_kill"] ?? 0
    }

    public func watchOOMKills(_ container: ContainerCgroup, handler: @escaping @Sendable (UInt64) -> Void)
        throws(CgroupError) -> OOMWatch
    {
        // runc's notify_v2: inotify IN_MODIFY on memory.events, then read the counter.
        let inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard inotify >= 0 else { throw .io(SyscallError("inotify_init1")) }
        let events = fileSystem.hostPath(directory(container.group) + "/memory.events")
        guard inotify_add_watch(inotify, events, UInt32(IN_MODIFY)) >= 0 else {
            let error = SyscallError("inotify_add_watch(\(events))")
            close(inotify)
            throw .io(error)
        }
        let seen = Mutex(try oomKillCount(container.group))
        let group = container.group
        let handle: @Sendable () -> CgroupEventMonitor.Outcome = { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            var removed = false
            while true {
                let count = buffer.withUnsafeMutableBytes { read(inotify, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                // IN_IGNORED: the file went away with its group.
                buffer.withUnsafeBytes { raw in
                    var offset = 0
                    while offset + MemoryLayout<inotify_event>.size <= count {
                        let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                        if event.mask & UInt32(IN_IGNORED) != 0 { removed = true }
                        offset += MemoryLayout<inotify_event>.size + Int(event.len)
                    }
                }
            }
            guard let now = try? oomKillCount(group) else { return .init(keep: false) }
            let rose = seen.withLock { last in
                defer { last = max(last, now) }
                return now > last
            }
            return .init(keep: !removed, report: rose ? now : nil)
        }
        let token = CgroupEventMonitor.shared.add(
            pollDescriptor: inotify, descriptors: [inotify], handle: handle, deliver: handler)
        return OOMWatch(token: token, monitor: CgroupEventMonitor.shared)
    }

    public func stats(_ group: CgroupGroup) throws(CgroupError) -> CgroupStats {
        let directory = directory(group)
        let cpu = parseKeyedCounters(try fileSystem.read(directory + "/cpu.stat"))
        var stats = CgroupStats(
            cpuUsageMicros: cpu["usage_usec"] ?? 0, cpuPeriods: cpu["nr_periods"] ?? 0,
            cpuThrottledPeriods: cpu["nr_throttled"] ?? 0, cpuThrottledMicros: cpu["throttled_usec"] ?? 0)
        stats.memoryCurrentBytes = parseLimit(try fileSystem.read(directory + "/memory.current")) ?? 0
        stats.memoryPeakBytes = (try? fileSystem.read(directory + "/memory.peak")).flatMap(parseLimit)
        stats.memoryLimitBytes = parseLimit(try fileSystem.read(directory + "/memory.max"))
        stats.pidsCurrent = parseLimit(try fileSystem.read(directory + "/pids.current")) ?? 0
        stats.oomKills = try oomKillCount(group)
        return stats
    }

    public func destroy(_ task: TaskCgroup, timeoutMilliseconds: Int) throws(CgroupError) -> CgroupTeardownReport {
        let directory = directory(task.group)
        guard fileSystem.exists(directory) else { return CgroupTeardownReport(oomKills: [:]) }
        let deadline = MonotonicDeadline(millisecondsFromNow: timeoutMilliseconds)
        try killAll(in: directory, deadline: deadline)
        var report = CgroupTeardownReport(oomKills: [:])
        for container in try containerGroups(of: task) {
            report.oomKills[container.name] = (try? oomKillCount(container.group)) ?? 0
        }
        try fileSystem.removeTree(directory, deadline: deadline)
        return report
    }

    /// cgroup.kill (5.14+) SIGKILLs the whole subtree at once, forks in flight included, so nothing
    /// escapes; older kernels get freeze, kill each pid, thaw. Then wait for `populated 0`.
    func killAll(in directory: String, deadline: MonotonicDeadline) throws(CgroupError) {
        if fileSystem.exists(directory + "/cgroup.kill") {
            try fileSystem.write(directory + "/cgroup.kill", "1")
        } else {
            try? fileSystem.write(directory + "/cgroup.freeze", "1")
            for pid in fileSystem.processes(under: directory) { kill(pid, SIGKILL) }
            try? fileSystem.write(directory + "/cgroup.freeze", "0")
        }
        let empty = deadline.wait {
            let events = parseKeyedCounters((try? fileSystem.read(directory + "/cgroup.events")) ?? "")
            if events["populated"] == 0 { return true }
            // A lingering process (the fallback path): kill again.
            for pid in fileSystem.processes(under: directory) { kill(pid, SIGKILL) }
            return false
        }
        if !empty {
            throw .teardownTimedOut(
                group: fileSystem.hostPath(directory), remaining: fileSystem.processes(under: directory))
        }
    }

    public func existingTaskGroups() throws(CgroupError) -> [TaskCgroup] {
        guard fileSystem.exists(tasksRoot) else { return [] }
        return try fileSystem.subdirectories(tasksRoot).map {
            TaskCgroup(taskID: $0, group: group(configuration.tasksDirectory + "/" + $0))
        }
    }

    public func containerGroups(of task: TaskCgroup) throws(CgroupError) -> [ContainerCgroup] {
        let directory = directory(task.group)
        guard fileSystem.exists(directory) else { return [] }
        return try fileSystem.subdirectories(directory).map {
            ContainerCgroup(taskID: task.taskID, name: $0, group: group(task.group.path + "/" + $0))
        }
    }

    public func removeTasksDirectory() throws(CgroupError) {
        try fileSystem.removeDirectory(tasksRoot)
    }
}
