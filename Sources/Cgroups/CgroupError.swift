import LinuxKit

/// Every way the Cgroups layer fails. Descriptions are written for the person running berthd: they say what
/// is wrong and, where berth can know it, how to fix it.
public enum CgroupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One or more controllers berth needs are absent. `controllers` names them all, `fix` says what to do;
    /// berth refuses to run a task without them rather than run it silently unlimited.
    case controllerMissing(controllers: [String], fix: String)
    /// Neither a cgroup v2 mount nor the v1 hierarchies berth needs were found.
    case noCgroupFilesystem(String)
    /// A task id or container name that is not a plain path component berth can create.
    case invalidName(String)
    /// /proc/self/cgroup or /proc/self/mountinfo said something berth cannot map to a directory.
    case unreadableLayout(String)
    /// A file operation on a cgroup file failed.
    case io(SyscallError)
    /// Processes were still in the group after teardown killed them (`remaining` pids).
    case teardownTimedOut(group: String, remaining: [Int32])
    /// cgroup v2's no-internal-processes rule: controllers cannot be enabled below a group holding processes.
    case groupHoldsProcesses(group: String)

    public var description: String {
        switch self {
        case .controllerMissing(let controllers, let fix):
            let names = controllers.joined(separator: ", ")
            let noun = controllers.count == 1 ? "controller" : "controllers"
            return "cgroup \(noun) \(names) not available, so task limits cannot be enforced: \(fix)"
        case .noCgroupFilesystem(let detail): return "no usable cgroup filesystem: \(detail)"
        case .invalidName(let name):
            return "\"\(name)\" cannot name a cgroup: use 1-255 letters, digits, '-' or '_'"
        case .unreadableLayout(let detail): return "cannot locate berth's cgroup: \(detail)"
        case .io(let error): return "cgroup: \(error)"
        case .teardownTimedOut(let group, let remaining):
            return "cgroup \(group): processes \(remaining) still present after kill"
        case .groupHoldsProcesses(let group):
            return
                "cgroup \(group) holds processes, so cgroup v2 forbids enabling controllers below it "
                + "(move berthd into a leaf first: CgroupDriver.adoptDaemon())"
        }
    }
}
