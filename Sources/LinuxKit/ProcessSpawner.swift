import CLinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Starts helper processes from multithreaded code (berth, berthd) without fork(): posix_spawn, with
/// fds above stderr closed and signals reset in the child. `argumentZero` is the child's argv[0]
/// (default: `path`), for executables run from a descriptor path such as a `SealedExecutable`; `stdinPath`
/// feeds a helper that takes its request on stdin (docker-credential-*).
public enum ProcessSpawner {
    public static func spawn(
        _ path: String, argumentZero: String? = nil, arguments: [String], environment: [String],
        newProcessGroup: Bool = false, stdinPath: String? = nil, stdoutPath: String? = nil,
        stderrPath: String? = nil
    ) throws(SyscallError) -> pid_t {
        var cArgs = ([argumentZero ?? path] + arguments).map { strdup($0) }
        cArgs.append(nil)
        var cEnv = environment.map { strdup($0) }
        cEnv.append(nil)
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = bk_spawn_logged(&pid, path, cArgs, cEnv, newProcessGroup ? 1 : 0, stdinPath, stdoutPath, stderrPath)
        guard rc == 0 else { throw SyscallError("spawn \(path)", errno: rc) }
        return pid
    }

    /// Starts berth-shim: all signals blocked from its first instruction, its own process group, output
    /// to a log, and `readyFD` (if any) as its fd 3.
    public static func spawnShim(
        _ path: String, argumentZero: String? = nil, arguments: [String], logPath: String, readyFD: Int32?
    ) throws(SyscallError) -> pid_t {
        var cArgs = ([argumentZero ?? path] + arguments).map { strdup($0) }
        cArgs.append(nil)
        let cEnv: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/sbin:/usr/bin:/sbin:/bin"), nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var pid: pid_t = 0
        let rc = bk_spawn_shim(&pid, path, cArgs, cEnv, logPath, logPath, readyFD ?? -1)
        guard rc == 0 else { throw SyscallError("spawn \(path)", errno: rc) }
        return pid
    }

    /// Blocks until `pid` exits, retrying EINTR.
    public static func wait(_ pid: pid_t) throws(SyscallError) -> ExitStatus {
        var status: Int32 = 0
        try syscallChecked("waitpid(\(pid))") { waitpid(pid, &status, 0) }
        return ExitStatus(waitStatus: status)
    }
}
