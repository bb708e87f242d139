/// Usage counters of one cgroup, as the kernel reports them, in units named by each field.
public struct CgroupStats: Sendable, Equatable, Codable {
    /// CPU time consumed by the group (and its descendants), in microseconds.
    public var cpuUsageMicros: UInt64
    /// CFS enforcement periods that elapsed while the group was runnable, and how many of them throttled it.
    public var cpuPeriods: UInt64
    public var cpuThrottledPeriods: UInt64
    /// Total time the group was throttled, in microseconds.
    public var cpuThrottledMicros: UInt64
    public var memoryCurrentBytes: UInt64
    /// The high-water mark (v2 memory.peak, kernel 5.19+; v1 max_usage_in_bytes); nil if the kernel lacks it.
    public var memoryPeakBytes: UInt64?
    /// The group's own hard limit; nil when unlimited.
    public var memoryLimitBytes: UInt64?
    public var pidsCurrent: UInt64
    public var oomKills: UInt64

    public init(
        cpuUsageMicros: UInt64 = 0, cpuPeriods: UInt64 = 0, cpuThrottledPeriods: UInt64 = 0,
        cpuThrottledMicros: UInt64 = 0, memoryCurrentBytes: UInt64 = 0, memoryPeakBytes: UInt64? = nil,
        memoryLimitBytes: UInt64? = nil, pidsCurrent: UInt64 = 0, oomKills: UInt64 = 0
    ) {
        self.cpuUsageMicros = cpuUsageMicros
        self.cpuPeriods = cpuPeriods
        self.cpuThrottledPeriods = cpuThrottledPeriods
        self.cpuThrottledMicros = cpuThrottledMicros
        self.memoryCurrentBytes = memoryCurrentBytes
        self.memoryPeakBytes = memoryPeakBytes
        self.memoryLimitBytes = memoryLimitBytes
        self.pidsCurrent = pidsCurrent
        self.oomKills = oomKills
    }
}

/// A task group's counters and those of each container group, keyed by container name.
public struct TaskCgroupStats: Sendable, Equatable, Codable {
    public var task: CgroupStats
    public var containers: [String: CgroupStats]
}

/// `key value` lines (cpu.stat, memory.events, memory.oom_control) as a dictionary.
func parseKeyedCounters(_ text: String) -> [String: UInt64] {
    var values: [String: UInt64] = [:]
    for line in text.split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let value = UInt64(parts[1]) { values[String(parts[0])] = value }
    }
    return values
}

/// A single number, or nil for "max" and v1's "unlimited" (a value near Int64.max rounded to a page).
func parseLimit(_ text: String) -> UInt64? {
    let trimmed = text.split(separator: "\n").first.map(String.init) ?? ""
    guard let value = UInt64(trimmed), value < (1 << 62) else { return nil }
    return value
}
