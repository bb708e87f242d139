#if canImport(Glibc)
    import Glibc
#endif

/// What a task definition asks for at the task level (Fargate requires both `cpu` and `memory` there).
public struct TaskResources: Sendable, Equatable {
    /// ECS CPU units: 1024 is one vCPU.
    public var cpuUnits: Int?
    public var memoryMiB: Int?
    /// The task group's `pids.max`; nil leaves it unlimited.
    public var pidsMax: Int?

    public init(cpuUnits: Int?, memoryMiB: Int?, pidsMax: Int? = CgroupLimits.defaultTaskPidsMax) {
        self.cpuUnits = cpuUnits
        self.memoryMiB = memoryMiB
        self.pidsMax = pidsMax
    }
}

/// What one container definition asks for: `cpu`, `memory` (hard) and `memoryReservation` (soft).
public struct ContainerResources: Sendable, Equatable {
    public var cpuUnits: Int?
    public var memoryMiB: Int?
    public var memoryReservationMiB: Int?

    public init(cpuUnits: Int?, memoryMiB: Int?, memoryReservationMiB: Int?) {
        self.cpuUnits = cpuUnits
        self.memoryMiB = memoryMiB
        self.memoryReservationMiB = memoryReservationMiB
    }
}

/// The limits of one cgroup, independent of the cgroup version; a driver renders them to files with
/// `CgroupLimits.v2Files` / `v1Files`. nil means "leave the kernel's default" (unlimited, weight 100).
public struct CgroupLimits: Sendable, Equatable, Codable {
    /// CFS bandwidth: the group may run `cpuQuotaMicros` per `cpuPeriodMicros` across all CPUs.
    public var cpuQuotaMicros: UInt64?
    public var cpuPeriodMicros: UInt64
    /// Relative CPU weight as v1 shares (2...262144); v2 writes `cpuWeight`, converted.
    public var cpuShares: UInt64?
    public var memoryMaxBytes: UInt64?
    /// Best-effort protection (`memory.low`; v1 `memory.soft_limit_in_bytes`).
    public var memoryLowBytes: UInt64?
    /// Swap the group may use beyond memory: berth, like Fargate, gives none.
    public var swapMaxBytes: UInt64?
    public var pidsMax: UInt64?
    /// v2 `memory.oom.group`: an OOM kill takes the whole group, not one process of it.
    public var oomGroup: Bool

    public init(
        cpuQuotaMicros: UInt64? = nil, cpuPeriodMicros: UInt64 = CgroupLimits.cfsPeriodMicros,
        cpuShares: UInt64? = nil, memoryMaxBytes: UInt64? = nil, memoryLowBytes: UInt64? = nil,
        swapMaxBytes: UInt64? = 0, pidsMax: UInt64? = nil, oomGroup: Bool = false
    ) {
        self.cpuQuotaMicros = cpuQuotaMicros
        self.cpuPeriodMicros = cpuPeriodMicros
        self.cpuShares = cpuShares
        self.memoryMaxBytes = memoryMaxBytes
        self.memoryLowBytes = memoryLowBytes
        self.swapMaxBytes = swapMaxBytes
        self.pidsMax = pidsMax
        self.oomGroup = oomGroup
    }

    /// 100 ms, the CFS default period (and the one the quota formula in DESIGN §4 assumes).
    public static let cfsPeriodMicros: UInt64 = 100_000
    /// The kernel refuses quotas under 1 ms (`cfs_quota_us` min, kernel/sched/core.c).
    public static let minimumQuotaMicros: UInt64 = 1000
    /// pids.max of a task group unless configured: tasks count threads too (a JVM or Go service can run
    /// hundreds), so 4096 leaves real workloads far from the limit while a fork bomb stops at a size the
    /// host shrugs off (the kernel's pid_max is 4194304, threads-max tens of thousands per GB).
    public static let defaultTaskPidsMax = 4096

    /// The task group: a hard CPU cap (`cpu.max`), the task's memory cap, no swap, pids.max.
    /// cpu.max = cpu/1024 x 100000 per 100000 µs, so cpu 256 runs at most a quarter of one CPU.
    public static func task(_ resources: TaskResources) -> CgroupLimits {
        var limits = CgroupLimits()
        if let units = resources.cpuUnits, units > 0 {
            limits.cpuQuotaMicros = max(minimumQuotaMicros, UInt64(units) * cfsPeriodMicros / 1024)
        }
        limits.memoryMaxBytes = resources.memoryMiB.flatMap(bytes(mebibytes:))
        limits.pidsMax = resources.pidsMax.flatMap { $0 > 0 ? UInt64($0) : nil }
        return limits
    }

    /// A container group: relative CPU weight among its task's containers, its effective hard memory
    /// limit, its soft one, no swap, and oom.group so an OOM kill ends the container as a whole (as
    /// Kubernetes does on v2).
    ///
    /// The group also carries the limits its task imposes on it: the task's CPU quota, the smaller of its
    /// own and the task's memory, the task's pids.max. The kernel already enforces those through the task
    /// group, so they take nothing more away (a child's quota or limit equal to its parent's is no
    /// tighter); they are there to be seen. A container looks at its cgroup from inside its cgroup
    /// namespace, where the task group above is out of sight, and runtimes size themselves from what
    /// they find there (the JVM's heap and processor count, Go's GOMAXPROCS, .NET, Node): without them a
    /// JVM in a 1 vCPU, 2 GB task sizes itself from the whole host. On Fargate each task is its own VM,
    /// so every container of a task sees the task's size as the machine's; this gives the same answer.
    public static func container(_ resources: ContainerResources, in task: TaskResources) -> CgroupLimits {
        var limits = CgroupLimits(oomGroup: true)
        let taskLimits = CgroupLimits.task(task)
        limits.cpuQuotaMicros = taskLimits.cpuQuotaMicros
        limits.cpuPeriodMicros = taskLimits.cpuPeriodMicros
        limits.cpuShares = shares(cpuUnits: resources.cpuUnits)
        let own = resources.memoryMiB.flatMap(bytes(mebibytes:))
        limits.memoryMaxBytes = [own, taskLimits.memoryMaxBytes].compactMap { $0 }.min()
        limits.memoryLowBytes = resources.memoryReservationMiB.flatMap(bytes(mebibytes:))
        limits.pidsMax = taskLimits.pidsMax
        return limits
    }

    /// ECS's rule for container `cpu` (ECS developer guide, task definition parameters, "cpu"): on Linux
    /// it is passed to Docker as CPU shares, and since agent 1.2.0 "null, zero, and CPU values of 1 are
    /// passed to Docker as 2"; the kernel accepts 2...262144.
    public static func shares(cpuUnits: Int?) -> UInt64 {
        guard let units = cpuUnits, units > 2 else { return 2 }
        return min(UInt64(units), 262_144)
    }

    /// cgroup v1 shares -> v2 `cpu.weight`, the conversion runc and crun adopted in 2025 (crun issue #1721,
    /// commit 4998c928; runc PR #4785 / opencontainers/cgroups PR #20, `ConvertCPUSharesToCgroupV2Value`
    /// in utils.go): a quadratic in log2(shares) through (2, 1), (1024, 100) and (262144, 10000), so the
    /// default 1024 shares maps to the default weight 100. The linear formula it replaced,
    /// 1 + (shares-2)*9999/262142, gave 1024 -> 39 (runc #4772, kubernetes #131216).
    public static func cpuWeight(shares: UInt64) -> UInt64 {
        if shares == 0 { return 0 }
        if shares <= 2 { return 1 }
        if shares >= 262_144 { return 10_000 }
        let l = log2(Double(shares))
        let exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0
        return UInt64(pow(10.0, exponent).rounded(.up))
    }

    static func bytes(mebibytes: Int) -> UInt64? {
        mebibytes > 0 ? UInt64(mebibytes) * 1024 * 1024 : nil
    }
}

/// One write a driver makes: `value` into `file` of the group's directory in `controller`'s hierarchy.
/// `optional` files are skipped when the kernel does not have them (swap accounting off, older kernels).
public struct CgroupFileWrite: Sendable, Equatable, CustomStringConvertible {
    public var controller: String
    public var file: String
    public var value: String
    public var optional: Bool

    public init(_ controller: String, _ file: String, _ value: String, optional: Bool = false) {
        self.controller = controller
        self.file = file
        self.value = value
        self.optional = optional
    }

    public var description: String { "\(file)=\(value)" }
}

extension CgroupLimits {
    /// The cgroup v2 files, in the order they are written.
    public var v2Files: [CgroupFileWrite] {
        var writes: [CgroupFileWrite] = []
        if let quota = cpuQuotaMicros { writes.append(.init("cpu", "cpu.max", "\(quota) \(cpuPeriodMicros)")) }
        if let shares = cpuShares {
            writes.append(.init("cpu", "cpu.weight", "\(CgroupLimits.cpuWeight(shares: shares))"))
        }
        if let low = memoryLowBytes { writes.append(.init("memory", "memory.low", "\(low)")) }
        if let max = memoryMaxBytes { writes.append(.init("memory", "memory.max", "\(max)")) }
        if let swap = swapMaxBytes {
            writes.append(.init("memory", "memory.swap.max", "\(swap)", optional: true))
        }
        if oomGroup { writes.append(.init("memory", "memory.oom.group", "1")) }
        if let pids = pidsMax { writes.append(.init("pids", "pids.max", "\(pids)")) }
        return writes
    }

    /// The cgroup v1 files, in the order they are written: the period before the quota, the memory limit
    /// before memsw (the kernel requires memsw >= limit). v1 has no swap-only knob: memory+swap equal to
    /// the memory limit means no swap. v1 has no oom.group.
    public var v1Files: [CgroupFileWrite] {
        var writes: [CgroupFileWrite] = []
        if let quota = cpuQuotaMicros {
            writes.append(.init("cpu", "cpu.cfs_period_us", "\(cpuPeriodMicros)"))
            writes.append(.init("cpu", "cpu.cfs_quota_us", "\(quota)"))
        }
        if let shares = cpuShares { writes.append(.init("cpu", "cpu.shares", "\(shares)")) }
        if let max = memoryMaxBytes {
            writes.append(.init("memory", "memory.limit_in_bytes", "\(max)"))
            if let swap = swapMaxBytes {
                writes.append(.init("memory", "memory.memsw.limit_in_bytes", "\(max + swap)", optional: true))
            }
        }
        if let low = memoryLowBytes { writes.append(.init("memory", "memory.soft_limit_in_bytes", "\(low)")) }
        if let pids = pidsMax { writes.append(.init("pids", "pids.max", "\(pids)")) }
        return writes
    }
}
