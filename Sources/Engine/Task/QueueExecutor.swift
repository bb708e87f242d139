import Dispatch

/// A serial executor on a Dispatch queue of its own. A task supervisor's work is mostly blocking system calls
/// (spawning shims, netlink, nft transactions, cgroup files, SQLite commits): on Swift's cooperative pool,
/// which has one thread per CPU, a burst of task starts left no thread for the API, and a RunTask that
/// berthd handled in 3.5 ms took 125 ms as the client saw it (make bench, 100-task burst, 2 CPUs). On its
/// own queue a supervisor blocks a Dispatch worker thread instead; the pool stays free for requests.
final class QueueExecutor: SerialExecutor, @unchecked Sendable {
    private let queue: DispatchQueue

    init(label: String) { queue = DispatchQueue(label: label) }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
