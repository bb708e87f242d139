#if canImport(Glibc)
    import Glibc
#endif

/// Operations both drivers do on a directory tree of one hierarchy.
extension CgroupFileSystem {
    /// Every pid in `directory` and the groups below it.
    func processes(under directory: String) -> [Int32] {
        guard exists(directory) else { return [] }
        var pids = ((try? read(directory + "/cgroup.procs")) ?? "").split(separator: "\n").compactMap { Int32($0) }
        for child in (try? subdirectories(directory)) ?? [] {
            pids += processes(under: directory + "/" + child)
        }
        return pids
    }

    /// Removes `directory` and its child groups, leaves first. A group can be busy for a moment after
    /// its last process died (the kernel frees it asynchronously), so EBUSY is retried until `deadline`.
    func removeTree(_ directory: String, deadline: MonotonicDeadline) throws(CgroupError) {
        guard exists(directory) else { return }
        for child in try subdirectories(directory) {
            try removeTree(directory + "/" + child, deadline: deadline)
        }
        while true {
            do {
                try removeDirectory(directory)
                return
            } catch .io(let error) where error.errno == EBUSY && !deadline.hasPassed {
                usleep(2000)
            }
        }
    }

    /// Writes `pid` into a cgroup.procs file; EINVAL means the process is still TASK_NEW (runc's
    /// WriteCgroupProc retries it the same way, reference §1.10).
    func writeProcess(_ pid: Int32, into procsFile: String) throws(CgroupError) {
        var attempts = 0
        while true {
            do {
                try write(procsFile, "\(pid)")
                return
            } catch .io(let error) where error.errno == EINVAL && attempts < 5 {
                attempts += 1
                usleep(30_000)
            }
        }
    }

    /// Applies rendered limits: `directory(controller)` says where each controller's files are.
    func apply(_ writes: [CgroupFileWrite], directory: (String) -> String) throws(CgroupError) {
        for entry in writes {
            let path = directory(entry.controller) + "/" + entry.file
            if entry.optional && !exists(path) { continue }
            try write(path, entry.value)
        }
    }
}

/// A point on the monotonic clock: teardown waits are bounded without ever reading wall-clock time.
struct MonotonicDeadline {
    let nanoseconds: UInt64

    init(millisecondsFromNow milliseconds: Int) {
        nanoseconds = MonotonicDeadline.now() + UInt64(max(0, milliseconds)) * 1_000_000
    }

    var hasPassed: Bool { MonotonicDeadline.now() >= nanoseconds }

    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Polls `condition` until it holds (true) or the deadline passes (false).
    func wait(pollMicroseconds: UInt32 = 2000, _ condition: () -> Bool) -> Bool {
        while true {
            if condition() { return true }
            if hasPassed { return false }
            usleep(pollMicroseconds)
        }
    }
}
