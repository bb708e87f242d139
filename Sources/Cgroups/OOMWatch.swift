import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A running OOM watch on one container group; `cancel()` stops it and closes its descriptors. A watch
/// also ends by itself once its group is removed.
public final class OOMWatch: Sendable {
    let token: UInt64
    let monitor: CgroupEventMonitor

    init(token: UInt64, monitor: CgroupEventMonitor) {
        self.token = token
        self.monitor = monitor
    }

    public func cancel() { monitor.remove(token) }
}

/// berth's one cgroup event thread: a poll(2) loop over the inotify (v2) and eventfd (v1) descriptors of
/// every OOM watch, so watching a hundred containers costs one thread, not a hundred. (Swift's Glibc module
/// has no epoll; poll over a few hundred descriptors that rarely fire costs nothing that matters here.)
/// A pipe wakes the loop when the set of watches changes.
final class CgroupEventMonitor: Sendable {
    /// What one wake-up of a watch found: whether to keep watching, and a new count to report.
    struct Outcome {
        var keep: Bool
        var report: UInt64? = nil
    }

    /// One registered descriptor. `handle` runs on the event thread with the entry's lock held (so cancel
    /// cannot close its descriptors under it); `deliver` runs after, unlocked, so it may cancel the watch.
    final class Entry: Sendable {
        let descriptors: Mutex<[Int32]>
        let pollDescriptor: Int32
        let handle: @Sendable () -> Outcome
        let deliver: @Sendable (UInt64) -> Void

        init(
            descriptors: [Int32], pollDescriptor: Int32, handle: @escaping @Sendable () -> Outcome,
            deliver: @escaping @Sendable (UInt64) -> Void
        ) {
            self.descriptors = Mutex(descriptors)
            self.pollDescriptor = pollDescriptor
            self.handle = handle
            self.deliver = deliver
        }

        func closeAll() {
            descriptors.withLock { fds in
                fds.forEach { close($0) }
                fds = []
            }
        }
    }

    static let shared = CgroupEventMonitor()

    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let state = Mutex<(next: UInt64, entries: [UInt64: Entry])>((1, [:]))

    private init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe failed: errno \(errno)")
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<CgroupEventMonitor>.fromOpaque(context!).takeUnretainedValue().run()
                return nil
            }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(thread)
    }

    /// Registers `pollDescriptor` (readable = something happened); `descriptors` are closed on removal.
    func add(
        pollDescriptor: Int32, descriptors: [Int32], handle: @escaping @Sendable () -> Outcome,
        deliver: @escaping @Sendable (UInt64) -> Void
    ) -> UInt64 {
        let entry = Entry(descriptors: descriptors, pollDescriptor: pollDescriptor, handle: handle, deliver: deliver)
        let token = state.withLock { state in
            let token = state.next
            state.next += 1
            state.entries[token] = entry
            return token
        }
        wake()
        return token
    }

    func remove(_ token: UInt64) {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: token) }) else { return }
        entry.closeAll()
        wake()
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func run() {
        while true {
            let snapshot = state.withLock { $0.entries.sorted { $0.key < $1.key } }
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            for (_, entry) in snapshot {
                let fd = entry.descriptors.withLock { $0.isEmpty ? -1 : entry.pollDescriptor }
                fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
            }
            let ready = fds.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), -1) }
            guard ready > 0 else { continue }
            if fds[0].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 64)
                while buffer.withUnsafeMutableBytes({ read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
            }
            for (index, (token, entry)) in snapshot.enumerated() where fds[index + 1].revents != 0 {
                let outcome = entry.descriptors.withLock { fds in
                    fds.isEmpty ? Outcome(keep: false) : entry.handle()
                }
                if let count = outcome.report { entry.deliver(count) }
                if !outcome.keep { remove(token) }
            }
        }
    }
}
