import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command inside a running container (what a health check needs, like `docker exec`): in the
/// container's cgroups and namespaces, as its user, with its capabilities, rlimits, no_new_privs and
/// seccomp filter; the body of `berth-shim --exec`.
public enum ContainerExec {
    /// Exit code 124 (like timeout(1)) when the command outlived `timeoutSeconds` and was killed.
    public static let timedOut: Int32 = 124

    /// `spec` is the container's own launch spec with `args` replaced by the command; `target` is the
    /// host pid of a process of the container (its first one). Returns the command's exit code.
    public static func run(_ spec: LaunchSpec, target: pid_t, timeoutSeconds: Int, report: (String) -> Void) -> Int32 {
        SignalMask.blockAll()
        var program: [UInt8]? = nil
        if spec.seccomp, let path = spec.seccompProgramPath {
            guard let bytes = FileText.readBytes(path) else {
                report(SyscallError("read seccomp program \(path)").description)
                return 125
            }
            program = bytes
        }
        do {
            try ContainerSetup(spec: spec).joinCgroups()
            try joinNamespaces(of: target)
        } catch {
            report(error.description)
            return 125
        }
        var pipeFDs: [Int32] = [0, 0]
        guard bk_pipe2(&pipeFDs, O_CLOEXEC) == 0 else {
            report(SyscallError("pipe2").description)
            return 125
        }
        let child = bk_fork()
        if child < 0 {
            report(SyscallError("fork").description)
            return 125
        }
        if child == 0 {
            close(pipeFDs[0])
            _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
            do {
                let (path, env) = try ContainerSetup(spec: spec).prepareProcess(seccompProgram: program)
                ContainerLauncher.execute(path: path, args: spec.args, env: env, errorFD: pipeFDs[1])
            } catch {
                ContainerLauncher.fail(error, errorFD: pipeFDs[1])
            }
        }
        close(pipeFDs[1])
        let failure = ContainerLauncher.readAll(pipeFDs[0])
        close(pipeFDs[0])
        if !failure.isEmpty { report(String(decoding: failure, as: UTF8.self)) }
        return wait(for: child, timeoutSeconds: timeoutSeconds)
    }

    /// setns into each namespace of `target`; the mount namespace last, since it changes what /proc
    /// paths resolve to, and the PID namespace takes effect for the child forked next.
    private static func joinNamespaces(of target: pid_t) throws(LaunchError) {
        let kinds: [(String, Int32)] = [
            ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET), ("cgroup", CLONE_NEWCGROUP),
            ("pid", CLONE_NEWPID), ("mnt", CLONE_NEWNS),
        ]
        var fds: [(Int32, String, Int32)] = []
        defer { for (fd, _, _) in fds { close(fd) } }
        for (name, flag) in kinds {
            let path = "/proc/\(target)/ns/\(name)"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .syscall(SyscallError("open \(path)")) }
            fds.append((fd, path, flag))
        }
        for (fd, path, flag) in fds {
            try syscallOrThrow("setns(\(path))") { bk_setns(fd, flag) }
        }
    }

    private static func wait(for child: pid_t, timeoutSeconds: Int) -> Int32 {
        var chld = sigset_t()
        sigemptyset(&chld)
        sigaddset(&chld, SIGCHLD)
        var timeout = timespec(tv_sec: timeoutSeconds, tv_nsec: 0)
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += timeoutSeconds
        while true {
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child { return ExitStatus(waitStatus: status).code }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = (deadline.tv_sec - now.tv_sec) * 1_000_000_000 + (deadline.tv_nsec - now.tv_nsec)
            if left <= 0 {
                _ = kill(child, SIGKILL)
                _ = waitpid(child, &status, 0)
                return timedOut
            }
            timeout = timespec(tv_sec: left / 1_000_000_000, tv_nsec: left % 1_000_000_000)
            _ = sigtimedwait(&chld, nil, &timeout)
        }
    }
}
