import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// `initProcessEnabled`: berth's PID 1, the job tini does under `docker run --init`. It forks the
/// payload, forwards every signal to it, reaps every orphan that the kernel re-parents to PID 1, and
/// exits with the payload's status once the payload exits.
///
/// It runs after the whole isolation sequence (same user, capabilities and seccomp filter as the
/// payload), and it never execs, so it stays non-dumpable for good: other processes of the same uid in
/// the container must not reach berth's memory or descriptors through /proc/1 or ptrace (CVE-2019-5736),
/// and its /proc/1/exe is the sealed copy berth-shim runs from, not the host's file.
enum ReapingInit {
    static func run(path: String, args: [String], env: [String], errorFD: Int32) -> Never {
        SignalMask.blockAll()
        // Already so since the shim forked it; set once more before the fork, so the payload never sees a
        // dumpable PID 1 whatever came before (its own exec resets the flag).
        NonDumpable.set()
        let payload = bk_fork()
        if payload < 0 { ContainerLauncher.fail(.syscall(SyscallError("fork payload")), errorFD: errorFD) }
        if payload == 0 {
            SignalMask.unblockAll()
            ContainerLauncher.execute(path: path, args: args, env: env, errorFD: errorFD)
        }
        close(errorFD)

        var all = sigset_t()
        sigfillset(&all)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&all, &info)
            if signal < 0 { continue }
            if signal != SIGCHLD {
                _ = kill(payload, signal)
                continue
            }
            var status: Int32 = 0
            while true {
                let reaped = waitpid(-1, &status, WNOHANG)
                if reaped <= 0 { break }
                if reaped == payload { _exit(ExitStatus(waitStatus: status).code) }
            }
        }
    }
}
