import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// `pidMode: task`: the task's shared PID namespace, held by a process that does nothing but be its
/// PID 1 (the role of the ECS agent's pause container): it reaps what the containers orphan, and the
/// namespace lives exactly as long as it does. Containers join with setns through
/// `/proc/<its host pid>/ns/pid`, reported on the readiness fd as "started <pid>".
///
/// Every container of the task sees PID 1 for as long as the task runs, and one given SYS_PTRACE may
/// attach to it at leisure; non-dumpable does not stop such a tracer. So before the holder is reported
/// ready it keeps nothing worth having: an empty read-only root in mount, network, IPC and UTS namespaces
/// of its own, uid and gid 65534 with no capabilities, no_new_privs, /dev/null for stdio, and its code is
/// the sealed copy berth-shim runs from (not the host's file).
public enum PIDNamespaceHolder {
    /// The holder's uid and gid (nobody). No container can signal it for that: it leaves only on a
    /// signal from outside the namespace (its shim's).
    static let unprivilegedID: UInt32 = 65534

    public static func run(readyFD: Int32?) -> Int32 {
        SignalMask.blockAll()
        // Inherited by the holder, which is in the namespace from its fork.
        NonDumpable.set()
        guard bk_unshare(CLONE_NEWPID) == 0 else {
            printError(SyscallError("unshare(CLONE_NEWPID)").description)
            return 125
        }
        var confined: [Int32] = [0, 0]
        guard bk_pipe2(&confined, O_CLOEXEC) == 0 else {
            printError(SyscallError("pipe2").description)
            return 125
        }
        let child = bk_fork()
        if child < 0 {
            printError(SyscallError("fork").description)
            return 125
        }
        if child == 0 {
            if let readyFD { close(readyFD) }
            close(confined[0])
            _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
            _ = setsid()
            do {
                try confine(keeping: confined[1])
            } catch {
                let message = Array(error.description.utf8)
                _ = message.withUnsafeBytes { write(confined[1], $0.baseAddress, $0.count) }
                _exit(125)
            }
            close(confined[1])
            holdNamespace()
        }
        close(confined[1])
        let failure = ContainerLauncher.readAll(confined[0])
        close(confined[0])
        if !failure.isEmpty {
            printError(String(decoding: failure, as: UTF8.self))
            var status: Int32 = 0
            _ = waitpid(child, &status, 0)
            return 125
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

    /// Drops everything the holder does not need to be PID 1; `keeping` is the fd that reports the result.
    private static func confine(keeping reportFD: Int32) throws(LaunchError) {
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        guard null >= 0 else { throw .syscall(SyscallError("open /dev/null")) }
        try syscallOrThrow("unshare(mount, network, IPC, UTS)") {
            bk_unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
        }
        try syscallOrThrow("make / rprivate") { Glibc.mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) }
        // Any directory serves as the mount point in this private namespace; /proc always exists.
        try syscallOrThrow("mount an empty root") {
            Glibc.mount(
                "tmpfs", "/proc", "tmpfs", UInt(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC), "size=4k,mode=0555")
        }
        try syscallOrThrow("chdir to the empty root") { chdir("/proc") }
        // pivot_root(".", ".") stacks the old root on the new one and the lazy unmount drops it: no host
        // mount is left to reach. A root that cannot be pivoted (an initramfs) is left behind a chroot.
        if bk_pivot_root(".", ".") == 0 {
            try syscallOrThrow("detach the old root") { umount2(".", Int32(MNT_DETACH)) }
        } else {
            try syscallOrThrow("chroot to the empty root") { chroot(".") }
        }
        try syscallOrThrow("chdir /") { chdir("/") }
        for fd: Int32 in 0...2 {
            try syscallOrThrow("stdio to /dev/null") { dup2(null, fd) }
        }
        close(null)
        try syscallOrThrow("close inherited descriptors") {
            reportFD > 3 ? bk_close_range(3, UInt32(reportFD - 1), 0) : 0
        }
        try syscallOrThrow("close inherited descriptors") { bk_close_range(UInt32(reportFD + 1), UInt32.max, 0) }
        // Changing every uid from 0 clears all capabilities (no keepcaps); no_new_privs keeps them cleared.
        try syscallOrThrow("setgroups") { bk_setgroups(0, nil) }
        try syscallOrThrow("setgid(\(unprivilegedID))") { bk_setresgid(unprivilegedID) }
        try syscallOrThrow("setuid(\(unprivilegedID))") { bk_setresuid(unprivilegedID) }
        try syscallOrThrow("prctl(PR_SET_NO_NEW_PRIVS)") { bk_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }
        // The uid change reset both.
        NonDumpable.set()
        _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
    }

    /// PID 1 of the namespace: reap every orphan, exit on SIGTERM or SIGINT from outside the namespace
    /// (its death kills every process left in it). A sender inside shows a pid; the shim, outside, shows 0.
    private static func holdNamespace() -> Never {
        var all = sigset_t()
        sigfillset(&all)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&all, &info)
            if (signal == SIGTERM || signal == SIGINT) && info._sifields._kill.si_pid == 0 { _exit(0) }
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
