import Cgroups
import Testing

@Suite("CgroupLimits: ECS task and container sizes to cgroup values")
struct CgroupLimitsTests {
    /// A task with no size: the container's limits are its own only.
    static let unsized = TaskResources(cpuUnits: nil, memoryMiB: nil, pidsMax: nil)

    struct Effective: Sendable, CustomTestStringConvertible {
        var label: String
        var task: TaskResources
        var container: ContainerResources
        var quota: UInt64?
        var memory: UInt64?
        var pids: UInt64?
        var testDescription: String { label }
    }

    static let effective: [Effective] = [
        Effective(
            label: "no container memory: the task's memory and quota",
            task: TaskResources(cpuUnits: 1024, memoryMiB: 2048),
            container: ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: nil),
            quota: 100_000, memory: 2048 << 20, pids: 4096),
        Effective(
            label: "container memory below the task's: the container's",
            task: TaskResources(cpuUnits: 1024, memoryMiB: 2048),
            container: ContainerResources(cpuUnits: 256, memoryMiB: 512, memoryReservationMiB: nil),
            quota: 100_000, memory: 512 << 20, pids: 4096),
        Effective(
            label: "container memory above the task's: the task's",
            task: TaskResources(cpuUnits: 256, memoryMiB: 512),
            container: ContainerResources(cpuUnits: nil, memoryMiB: 1024, memoryReservationMiB: nil),
            quota: 25_000, memory: 512 << 20, pids: 4096),
        Effective(
            label: "a reservation alone sets no hard limit beyond the task's",
            task: TaskResources(cpuUnits: 2048, memoryMiB: 4096, pidsMax: 100),
            container: ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: 128),
            quota: 200_000, memory: 4096 << 20, pids: 100),
        Effective(
            label: "an unsized task adds nothing",
            task: unsized, container: ContainerResources(cpuUnits: 512, memoryMiB: 256, memoryReservationMiB: nil),
            quota: nil, memory: 256 << 20, pids: nil),
    ]

    @Test(arguments: effective)
    func aContainerGroupCarriesTheLimitsItsTaskImposes(_ entry: Effective) {
        let limits = CgroupLimits.container(entry.container, in: entry.task)
        #expect(limits.cpuQuotaMicros == entry.quota)
        #expect(limits.cpuPeriodMicros == CgroupLimits.cfsPeriodMicros)
        #expect(limits.memoryMaxBytes == entry.memory)
        #expect(limits.pidsMax == entry.pids)
        // The container's own knobs are untouched by the task's.
        #expect(limits.cpuShares == CgroupLimits.shares(cpuUnits: entry.container.cpuUnits))
        #expect(limits.memoryLowBytes == entry.container.memoryReservationMiB.map { UInt64($0) << 20 })
        #expect(limits.oomGroup && limits.swapMaxBytes == 0)
    }

    @Test func aSizedContainerGroupsFilesShowTheTasksQuotaAndMemory() {
        let limits = CgroupLimits.container(
            ContainerResources(cpuUnits: 512, memoryMiB: nil, memoryReservationMiB: nil),
            in: TaskResources(cpuUnits: 1024, memoryMiB: 512))
        #expect(
            limits.v2Files.map(\.description) == [
                "cpu.max=100000 100000", "cpu.weight=59", "memory.max=536870912", "memory.swap.max=0",
                "memory.oom.group=1", "pids.max=4096",
            ])
        #expect(
            limits.v1Files.map(\.description) == [
                "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=100000", "cpu.shares=512",
                "memory.limit_in_bytes=536870912", "memory.memsw.limit_in_bytes=536870912", "pids.max=4096",
            ])
    }

    @Test func taskCPUUnitsBecomeAQuotaPer100Milliseconds() {
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512)).cpuQuotaMicros == 25_000)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 512, memoryMiB: 1024)).cpuQuotaMicros == 50_000)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 1024, memoryMiB: 2048)).cpuQuotaMicros == 100_000)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 4096, memoryMiB: 8192)).cpuQuotaMicros == 400_000)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 16384, memoryMiB: 32768)).cpuQuotaMicros == 1_600_000)
        // The kernel's 1 ms minimum quota.
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 1, memoryMiB: nil)).cpuQuotaMicros == 1000)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: nil, memoryMiB: nil)).cpuQuotaMicros == nil)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512)).cpuPeriodMicros == 100_000)
    }

    @Test func taskMemoryAndPids() {
        let limits = CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512))
        #expect(limits.memoryMaxBytes == 512 * 1024 * 1024)
        #expect(limits.swapMaxBytes == 0)
        #expect(limits.pidsMax == 4096)
        #expect(limits.cpuShares == nil)
        // oom.group sits on container groups: a task-level OOM kills one container, as on Fargate.
        #expect(!limits.oomGroup)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512, pidsMax: nil)).pidsMax == nil)
        #expect(CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512, pidsMax: 100)).pidsMax == 100)
    }

    @Test func containerMemoryReservationAndCPU() {
        let limits = CgroupLimits.container(
            ContainerResources(cpuUnits: 128, memoryMiB: 256, memoryReservationMiB: 64), in: Self.unsized)
        #expect(limits.cpuShares == 128)
        #expect(limits.memoryMaxBytes == 256 << 20)
        #expect(limits.memoryLowBytes == 64 << 20)
        #expect(limits.swapMaxBytes == 0)
        #expect(limits.oomGroup)
        #expect(limits.cpuQuotaMicros == nil)
        #expect(limits.pidsMax == nil)
        let soft = CgroupLimits.container(
            ContainerResources(cpuUnits: nil, memoryMiB: nil, memoryReservationMiB: 128), in: Self.unsized)
        #expect(soft.memoryMaxBytes == nil)
        #expect(soft.memoryLowBytes == 128 << 20)
    }

    @Test func containerCPUFollowsECSShareRules() {
        // ECS: null, 0 and 1 are passed to Docker as 2 shares; the kernel's range is 2...262144.
        #expect(CgroupLimits.shares(cpuUnits: nil) == 2)
        #expect(CgroupLimits.shares(cpuUnits: 0) == 2)
        #expect(CgroupLimits.shares(cpuUnits: 1) == 2)
        #expect(CgroupLimits.shares(cpuUnits: 3) == 3)
        #expect(CgroupLimits.shares(cpuUnits: 1024) == 1024)
        #expect(CgroupLimits.shares(cpuUnits: 1_000_000) == 262_144)
    }

    @Test(arguments: [
        (UInt64(0), UInt64(0)), (1, 1), (2, 1), (3, 2), (128, 21), (256, 35), (512, 59), (768, 80), (1024, 100),
        (2048, 174), (4042, 300), (4096, 303), (262_143, 10_000), (262_144, 10_000), (1_000_000, 10_000),
    ])
    func sharesToWeightIsThe2025Formula(shares: UInt64, weight: UInt64) {
        #expect(CgroupLimits.cpuWeight(shares: shares) == weight)
    }

    @Test func weightIsMonotonicAndInRange() {
        var previous: UInt64 = 1
        for shares in stride(from: UInt64(2), through: 262_144, by: 97) {
            let weight = CgroupLimits.cpuWeight(shares: shares)
            #expect(weight >= previous && weight <= 10_000)
            previous = weight
        }
    }

    @Test func v2FilesForATaskAndAContainer() {
        let task = CgroupLimits.task(TaskResources(cpuUnits: 256, memoryMiB: 512))
        #expect(
            task.v2Files.map(\.description) == [
                "cpu.max=25000 100000", "memory.max=536870912", "memory.swap.max=0", "pids.max=4096",
            ])
        let container = CgroupLimits.container(
            ContainerResources(cpuUnits: 1024, memoryMiB: 256, memoryReservationMiB: 128), in: Self.unsized)
        #expect(
            container.v2Files.map(\.description) == [
                "cpu.weight=100", "memory.low=134217728", "memory.max=268435456", "memory.swap.max=0",
                "memory.oom.group=1",
            ])
        #expect(container.v2Files.filter(\.optional).map(\.file) == ["memory.swap.max"])
    }

    @Test func v1FilesWritePeriodBeforeQuotaAndLimitBeforeMemsw() {
        let task = CgroupLimits.task(TaskResources(cpuUnits: 512, memoryMiB: 1024))
        #expect(
            task.v1Files.map(\.description) == [
                "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=50000", "memory.limit_in_bytes=1073741824",
                "memory.memsw.limit_in_bytes=1073741824", "pids.max=4096",
            ])
        let container = CgroupLimits.container(
            ContainerResources(cpuUnits: 256, memoryMiB: 256, memoryReservationMiB: 128), in: Self.unsized)
        #expect(
            container.v1Files.map(\.description) == [
                "cpu.shares=256", "memory.limit_in_bytes=268435456", "memory.memsw.limit_in_bytes=268435456",
                "memory.soft_limit_in_bytes=134217728",
            ])
        #expect(container.v1Files.map(\.controller) == ["cpu", "memory", "memory", "memory"])
    }

    @Test func limitsRoundTripThroughJSONForTheEngine() throws {
        let limits = CgroupLimits.container(
            ContainerResources(cpuUnits: 256, memoryMiB: 256, memoryReservationMiB: nil), in: Self.unsized)
        let data = try JSONEncoderShim.encode(limits)
        #expect(try JSONEncoderShim.decode(CgroupLimits.self, data) == limits)
    }
}
