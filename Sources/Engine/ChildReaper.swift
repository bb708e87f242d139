import CLinuxKit
import Foundation
import LinuxKit

/// The one place berthd waits for its children (the per-container berth-shims): a dedicated thread
/// polling a pidfd per child and reaping exactly those pids. One thread for any number of containers;
/// unlike waitpid(-1) it never steals another component's child (Foundation's Process, a test harness),
/// and an exit that happens before anyone awaits it is kept until asked for.
public final class ChildReaper: @unchecked Sendable {
    public static let shared = ChildReaper()

    private let lock = NSLock()
    private var watched: [pid_t: Int32] = [:]  // pid -> pidfd
    /// Processes berthd watches but cannot wait for: shims of tasks re-adopted after a restart, whose
    /// parent is now init. Their end is seen on the pidfd; the exit code comes from the shim's file.
    private var adopted: Set<pid_t> = []
    private var waiting: [pid_t: CheckedContinuation<ExitStatus, Never>] = [:]
    private var finished: [pid_t: ExitStatus] = [:]
    private var wakeRead: Int32 = -1
    private var wakeWrite: Int32 = -1
    private var started = false

    /// Call right after spawning `pid`, before awaiting it.
    public func expect(_ pid: pid_t) {
        let pidfd = bk_pidfd_open(pid, 0)
        lock.lock()
        startIfNeeded()
        if pidfd >= 0 {
            watched[pid] = pidfd
        } else {
            // pidfd_open fails only if the pid is already gone (reaped by nobody yet: it is our zombie).
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { finished[pid] = ExitStatus(waitStatus: status) }
        }
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    /// Watches a process that is not berthd's child. Returns false if it is already gone.
    public func adopt(_ pid: pid_t) -> Bool {
        let pidfd = bk_pidfd_open(pid, 0)
        guard pidfd >= 0 else { return false }
        lock.lock()
        startIfNeeded()
        watched[pid] = pidfd
        adopted.insert(pid)
        lock.unlock()
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        return true
    }

    public func exitStatus(of pid: pid_t) async -> ExitStatus {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let status = finished.removeValue(forKey: pid) {
                lock.unlock()
                continuation.resume(returning: status)
            } else {
                waiting[pid] = continuation
                lock.unlock()
            }
        }
    }

    /// Called with the lock held.
    private func startIfNeeded() {
        guard !started else { return }
        started = true
        var fds: [Int32] = [0, 0]
        _ = bk_pipe2(&fds, O_CLOEXEC | O_NONBLOCK)
        (wakeRead, wakeWrite) = (fds[0], fds[1])
        let thread = Thread { [unowned self] in self.pollForever() }
        thread.name = "berth.reaper"
        thread.start()
    }

    private func pollForever() {
        while true {
            lock.lock()
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            var pids: [pid_t] = []
            for (pid, pidfd) in watched {
                fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0))
                pids.append(pid)
            }
            lock.unlock()
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready <= 0 { continue }
            if fds[0].revents != 0 {
                var drain = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drain, drain.count) > 0 {}
            }
            for (index, pid) in pids.enumerated() where fds[index + 1].revents != 0 {
                var status: Int32 = 0
                lock.lock()
                let isAdopted = adopted.remove(pid) != nil
                lock.unlock()
                // An adopted process is not ours to wait for: its pidfd being readable means it ended.
                guard isAdopted || waitpid(pid, &status, WNOHANG) == pid else { continue }
                let exit = isAdopted ? ExitStatus.exited(255) : ExitStatus(waitStatus: status)
                lock.lock()
                if let pidfd = watched.removeValue(forKey: pid) { close(pidfd) }
                let continuation = waiting.removeValue(forKey: pid)
                if continuation == nil { finished[pid] = exit }
                lock.unlock()
                continuation?.resume(returning: exit)
            }
        }
    }
}
