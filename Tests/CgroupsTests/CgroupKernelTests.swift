import Cgroups
import Foundation
import Testing

/// The auto-detected driver on the real kernel (v1 on this hybrid host, v2 in the VM lane), with real
/// processes. Serialized: CPU measurements must not compete with each other. Every test tears its groups
/// down in `defer`, failures included, and checks nothing is left under its private tasks directory.
@Suite("Cgroups on the real kernel (root)", .serialized, .enabled(if: getuid() == 0, "needs root"))
final class CgroupKernelTests {
    let driver: any CgroupDriver
    var children: [Process] = []
    var tasks: [TaskCgroup] = []
    var taskResources: [String: TaskResources] = [:]

    /// Seconds each CPU measurement runs; the VM lane may shorten it (BERTH_CGROUP_WINDOW_SECONDS).
    let window = Double(ProcessInfo.processInfo.environment["BERTH_CGROUP_WINDOW_SECONDS"] ?? "") ?? 5
    let busybox = "/bin/busybox"
    let cores = max(2, ProcessInfo.processInfo.activeProcessorCount)

    init() throws {
        driver = try CgroupDiscovery.driver(
            CgroupConfiguration(tasksDirectory: "berth-test-\(UInt32.random(in: 0...UInt32.max))"))
        try driver.adoptDaemon()
    }

    deinit {
        for child in children where child.isRunning { kill(child.processIdentifier, SIGKILL) }
        for task in tasks { _ = try? driver.destroy(task) }
        try? driver.removeTasksDirectory()
        for child in children { child.waitUntilExit() }
    }

    func makeTask(_ resources: TaskResources) throws -> TaskCgroup {
        let task = try driver.createTaskGroup(taskID: "t\(UInt32.random(in: 0...UInt32.max))", limits: .task(resources))
        tasks.append(task)
        taskResources[task.taskID] = resources
        return task
    }

    /// A container's limits inside `task`, as the engine computes them.
    func limits(_ container: ContainerResources, in task: TaskCgroup) -> CgroupLimits {
        .container(container, in: taskResources[task.taskID]!)
    }

    /// Starts `script` under busybox sh, gated on a line on stdin so it runs no user code before it is in
    /// `group`, then moves it there and lets it go. With `cpu`, busybox taskset pins it to that CPU first.
    @discardableResult
    func start(_ script: String, in group: CgroupGroup, cpu: Int? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: busybox)
        let shell = ["sh", "-c", "read go; " + script]
        process.arguments = cpu.map { ["taskset", "-c", "\($0)", busybox] + shell } ?? shell
        let gate = Pipe()
        process.standardInput = gate
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        children.append(process)
        try driver.addProcess(process.processIdentifier, to: group)
        gate.fileHandleForWriting.write(Data("go\n".utf8))
        return process
    }

    @discardableResult
    func busyLoops(_ count: Int, in group: CgroupGroup, cpu: Int? = nil) throws -> [Int32] {
        try (0..<count).map { _ in try start("while :; do :; done", in: group, cpu: cpu).processIdentifier }
    }

    /// The first CPU this process may run on, from /proc/self/status `Cpus_allowed_list` ("0-1", "2,5-7").
    func firstAllowedCPU() -> Int {
        let list = allowedCPUs(of: getpid()) ?? ""
        return Int(list.prefix { $0.isNumber }) ?? 0
    }

    /// `Cpus_allowed_list` of a process, as the kernel prints it.
    func allowedCPUs(of pid: Int32) -> String? {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let prefix = "Cpus_allowed_list:"
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
    }

    func monotonicSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// CPUs used by each group over the window: its own usage counter over elapsed monotonic time.
    func cpuRate(_ groups: [CgroupGroup]) throws -> [Double] {
        Thread.sleep(forTimeInterval: 0.5)  // let the loops start and the quota settle
        let before = try groups.map { try driver.stats($0).cpuUsageMicros }
        let start = monotonicSeconds()
        Thread.sleep(forTimeInterval: window)
        let after = try groups.map { try driver.stats($0).cpuUsageMicros }
        let elapsed = monotonicSeconds() - start
        return zip(before, after).map { Double($1 - $0) / 1e6 / elapsed }
    }

    func expectGone(_ task: TaskCgroup, sourceLocation: SourceLocation = #_sourceLocation) {
        for directory in task.group.directories {
            #expect(
                !FileManager.default.fileExists(atPath: directory), "left: \(directory)", sourceLocation: sourceLocation
            )
        }
    }

    /// A pid is gone when it no longer exists or is a zombie its parent has not reaped yet.
    func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] != "Z"
    }

    /// The VM lane sets BERTH_EXPECT_CGROUP_VERSION=v2, so a lane that silently ran v1 fails.
    @Test func autoDetectionPicksTheHostsVersion() {
        let expected = ProcessInfo.processInfo.environment["BERTH_EXPECT_CGROUP_VERSION"]
        let unified =
            (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8))?
            .split(separator: "\n").contains { $0.contains(" /sys/fs/cgroup ") && $0.contains(" - cgroup2 ") } ?? false
        #expect(driver.version == (unified ? .v2 : .v1))
        if let expected { #expect(driver.version.rawValue == expected) }
    }

    /// The kernel accepts a container group whose quota and memory limit equal its task's (v1 refuses a
    /// child quota above its parent's), and a process can join every hierarchy, cpuset included.
    @Test func aContainerGroupCarriesItsTasksLimitsAndAcceptsAProcess() throws {
        let task = try makeTask(TaskResources(cpuUnits: 1024, memoryMiB: 512))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        func value(_ file: String) -> String? {
            app.group.directories.lazy.compactMap { try? String(contentsOfFile: "\($0)/\(file)", encoding: .utf8) }
                .first?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        if driver.version == .v1 {
            #expect(value("cpu.cfs_quota_us") == "100000")
            #expect(value("cpu.cfs_period_us") == "100000")
            #expect(value("memory.limit_in_bytes") == "536870912")
            if let cpus = value("cpuset.cpus") { #expect(!cpus.isEmpty, "cpuset.cpus was not inherited") }
        } else {
            #expect(value("cpu.max") == "100000 100000")
            #expect(value("memory.max") == "536870912")
        }
        #expect(value("pids.max") == "4096")
        let sleeper = try start("exec sleep 1000", in: app.group)
        for procs in app.procsFiles {
            #expect(Self.pids(in: procs).contains(sleeper.processIdentifier), "not in \(procs)")
        }
        try driver.destroy(task)
        expectGone(task)
    }

    @Test func cpu256GetsAQuarterOfACPU() throws {
        let task = try makeTask(TaskResources(cpuUnits: 256, memoryMiB: 512))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        try busyLoops(cores, in: app.group)
        let rate = try cpuRate([task.group])[0]
        #expect(abs(rate - 0.25) <= 0.025, "cpu 256 used \(rate) CPUs")
        #expect(try driver.stats(task.group).cpuThrottledPeriods > 0)
        try driver.destroy(task)
        expectGone(task)
    }

    @Test func cpu1024GetsOneCPU() throws {
        let task = try makeTask(TaskResources(cpuUnits: 1024, memoryMiB: 2048))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        try busyLoops(cores, in: app.group)
        let rate = try cpuRate([task.group])[0]
        #expect(abs(rate - 1.0) <= 0.1, "cpu 1024 used \(rate) CPUs")
        try driver.destroy(task)
        expectGone(task)
    }

    /// cpu.weight (v1 cpu.shares) divides a CPU among the groups runnable on that CPU's run queue; it is
    /// not a machine-wide ledger. The test once left placement to the kernel, two loops per group on two
    /// CPUs under the task's one-CPU cpu.max: the task is throttled half of each period, so the CPUs look
    /// half idle and the load balancer evens out task counts without weighing groups. Whenever both of a's
    /// loops started on one CPU and both of b's on the other (seen in the VM lane: /proc/<pid>/stat
    /// placement 0011 for the whole window, weights 100 and 300 in place), each CPU burnt the task's quota
    /// at the same rate and a got half, whatever the weights. So every loop runs on one CPU, where the two
    /// containers really contend for the task's CPU time and only the weights decide the split.
    @Test func weightsOneToThreeSplitAContendedTask() throws {
        let task = try makeTask(TaskResources(cpuUnits: 1024, memoryMiB: 2048))
        // 1:3 as the kernel sees it: v1 shares 256:768; v2 weights 100:300 (shares 1024 and 4042 under the
        // 2025 formula, which is not proportional).
        let (light, heavy): (UInt64, UInt64) = driver.version == .v1 ? (256, 768) : (1024, 4042)
        let a = try driver.createContainerGroup("a", in: task, limits: CgroupLimits(cpuShares: light, oomGroup: true))
        let b = try driver.createContainerGroup("b", in: task, limits: CgroupLimits(cpuShares: heavy, oomGroup: true))
        let cpu = firstAllowedCPU()
        let loops = [a: try busyLoops(2, in: a.group, cpu: cpu), b: try busyLoops(2, in: b.group, cpu: cpu)]
        let rates = try cpuRate([a.group, b.group])
        // The split says something about the weights only if every loop ran where the test put it.
        for (container, pids) in loops {
            let members = Set(container.procsFiles.flatMap(Self.pids(in:)))
            for pid in pids {
                #expect(members.contains(pid), "loop \(pid) is not in \(container.name)'s group")
                #expect(allowedCPUs(of: pid) == "\(cpu)", "loop \(pid) is not pinned to CPU \(cpu)")
            }
        }
        let share = rates[0] / (rates[0] + rates[1])
        #expect(abs(share - 0.25) <= 0.25 * 0.15, "light container got \(share) of the task (\(rates))")
        try driver.destroy(task)
        expectGone(task)
    }

    @Test func aMemoryHogOverItsLimitIsOOMKilledAndTheKillIsSeen() throws {
        let task = try makeTask(TaskResources(cpuUnits: 1024, memoryMiB: 512))
        let hog = try driver.createContainerGroup(
            "hog", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: 256, memoryReservationMiB: nil), in: task))
        let sidecar = try driver.createContainerGroup(
            "sidecar", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        let seen = LockedCounts()
        let watch = try driver.watchOOMKills(hog) { seen.record($0) }
        defer { watch.cancel() }
        let survivor = try start("exec sleep 1000", in: sidecar.group)
        // dd's buffer of 400 MiB, filled from /dev/zero, is touched page by page: over the 256 MiB limit.
        let victim = try start("exec \(busybox) dd if=/dev/zero of=/dev/null bs=400M count=1", in: hog.group)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal && victim.terminationStatus == SIGKILL)
        #expect(waitFor { seen.last > 0 }, "the OOM watch never fired")
        #expect(try driver.oomKillCount(hog.group) >= 1)
        #expect(try driver.oomKillCount(sidecar.group) == 0)
        #expect(survivor.isRunning)
        let peak = try driver.stats(hog.group).memoryPeakBytes ?? 0
        #expect(peak <= 256 << 20 && peak > 128 << 20, "peak \(peak)")
        let report = try driver.destroy(task)
        #expect(report.oomKills["hog", default: 0] >= 1)
        #expect(report.oomKills["sidecar"] == 0)
        expectGone(task)
    }

    @Test func aForkBombIsHeldByPidsMax() throws {
        let task = try makeTask(TaskResources(cpuUnits: 512, memoryMiB: 512, pidsMax: 64))
        let bomb = try driver.createContainerGroup(
            "bomb", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        try start("b() { b | b & }; b; sleep 1000", in: bomb.group)
        // The bomb grows only as fast as busybox forks, at half a CPU: a fixed second saw 24 pids in a busy
        // VM lane. Sample until it has grown to half the limit (waitFor's bound), then a second more to see
        // it held there.
        var highest: UInt64 = 0
        let grew = waitFor {
            highest = max(highest, (try? driver.stats(task.group).pidsCurrent) ?? 0)
            return highest >= 32
        }
        for _ in 0..<20 {
            Thread.sleep(forTimeInterval: 0.05)
            highest = max(highest, try driver.stats(task.group).pidsCurrent)
        }
        #expect(highest <= 64)
        #expect(grew, "the bomb never grew (\(highest)): did it run in the group?")
        try driver.destroy(task)
        expectGone(task)
    }

    /// What a starting berthd reads to tell litter from a live task's group: empty with a change time
    /// of about now, then populated once a container process joins, then empty again when it has gone.
    @Test func occupancySeesAProcessInAContainerGroupAndTheGroupsChangeTime() throws {
        let task = try makeTask(TaskResources(cpuUnits: 256, memoryMiB: 512))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        let empty = try driver.occupancy(task)
        #expect(!empty.populated)
        #expect(abs(empty.lastChanged - Int(Date().timeIntervalSince1970)) < 120, "\(empty)")
        let sleeper = try start("exec sleep 1000", in: app.group)
        #expect(try driver.occupancy(task).populated)
        kill(sleeper.processIdentifier, SIGKILL)
        sleeper.waitUntilExit()
        #expect(waitFor { (try? self.driver.occupancy(task).populated) == false })
        try driver.destroy(task)
        expectGone(task)
    }

    @Test func teardownKillsDaemonizedGrandchildrenAndLeavesNothing() throws {
        let task = try makeTask(TaskResources(cpuUnits: 256, memoryMiB: 512))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        let side = try driver.createContainerGroup(
            "side", in: task,
            limits: limits(ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil), in: task))
        // Double fork plus setsid: the grandchildren leave the shell's session and are reparented.
        let script =
            "(\(busybox) setsid \(busybox) sh -c 'sleep 1000 & sleep 1000 &' &); (sleep 1000 &); exec sleep 1000"
        try start(script, in: app.group)
        try start(script, in: side.group)
        var pids: [Int32] = []
        _ = waitFor {
            pids =
                task.group.procsFiles.flatMap(Self.pids(in:)) + app.procsFiles.flatMap(Self.pids(in:))
                + side.procsFiles.flatMap(Self.pids(in:))
            return Set(pids).count >= 8
        }
        #expect(Set(pids).count >= 8, "expected 4 processes per container, saw \(Set(pids).sorted())")
        try driver.destroy(task)
        #expect(waitFor { pids.allSatisfy { !self.isAlive($0) } }, "survivors: \(pids.filter(isAlive))")
        expectGone(task)
        try driver.removeTasksDirectory()
        for directory in driver.tasksDirectories {
            #expect(!FileManager.default.fileExists(atPath: directory), "left: \(directory)")
        }
    }

    static func pids(in procsFile: String) -> [Int32] {
        ((try? String(contentsOfFile: procsFile, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            Int32($0)
        }
    }

    /// Polls up to 20 s (the VM lane is slow); the result, not the time taken, is what tests assert.
    func waitFor(_ condition: () -> Bool) -> Bool {
        for _ in 0..<400 {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}

final class LockedCounts: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64] = []
    func record(_ value: UInt64) { lock.withLock { values.append(value) } }
    var last: UInt64 { lock.withLock { values.last ?? 0 } }
}
