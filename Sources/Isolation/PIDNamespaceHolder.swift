import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// `pidMode: task`: the task's shared PID namespace, held by a process that does nothing but be its
/// PID 1 (the role of the ECS agent's pause container): it reaps what the containers orphan, and the
/// namespace lives exactly as long as it does. Containers join with setns through
/// `/proc/<its host pid>/ns/pid`, reported on the readiness fd as "started <pid>".
public enum PIDNamespaceHolder {
    public static func run(readyFD: Int32?) -> Int32 {
        SignalMask.blockAll()
        guard bk_unshare(CLONE_NEWPID) == 0 else {
            printError(SyscallError("unshare(CLONE_NEWPID)").description)
            return 125
        }
        let child = bk_fork()
        if child < 0 {
            printError(SyscallError("fork").description)
            return 125
        }
        if child == 0 {
            if let readyFD { close(readyFD) }
            _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
            _ = setsid()
            holdNamespace()
        }
        if let readyFD {
            let word = Array("started \(child)\n".utf8)
            _ = word.withUnsafeBytes { write(readyFD, $0.baseAddress, $0.count) }
            close(readyFD)
        }
        // Like a container's shim: forward signals, exit with the holder's status.
        var all = sigset_t()
        sigfillset(&all)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&all, &info)
            if signal < 0 { continue }
            if signal == SIGCHLD {
                var status: Int32 = 0
                if waitpid(child, &status, WNOHANG) == child { return ExitStatus(waitStatus: status).code }
                continue
            }
            _ = kill(child, signal)
        }
    }

    /// PID 1 of the namespace: reap every orphan, exit on SIGTERM or SIGINT (its death kills every
    /// process left in the namespace).
    private static func holdNamespace() -> Never {
        var all = sigset_t()
        sigfillset(&all)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&all, &info)
            if signal == SIGTERM || signal == SIGINT { _exit(0) }
            if signal == SIGCHLD {
                var status: Int32 = 0
                while waitpid(-1, &status, WNOHANG) > 0 {}
            }
        }
    }

    private static func printError(_ message: String) {
        let line = Array("berth-shim: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}
