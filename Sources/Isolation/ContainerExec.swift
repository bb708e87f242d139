import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a command inside a running container (what `docker exec` does): in the container's cgroups and
/// namespaces, as its user, with its capabilities, rlimits, no_new_privs and seccomp filter. The body of
/// `berth-shim --exec`, and berth's one way into a running container: health checks use it, and so must
/// anything else that runs a process in one (ECS Exec's execute-command included).
///
/// Three processes, so that the only one ever inside the container's PID namespace has nothing left to
/// drop and only execs:
/// - the shim (root, in no PID namespace of the container) joins the container's cgroups and its other
///   namespaces, copies the command's output to its own, and enforces the timeout;
/// - the preparer, its child (still outside: setns into a PID namespace only places later children),
///   takes the container's PID namespace for its children and becomes the container's process: user,
///   rlimits, no_new_privs, capabilities, seccomp;
/// - the command, the preparer's child, born into the container's PID namespace with all of that done,
///   execs at once.
/// So a process of the container never sees one of berth's that holds more than the container does (with
/// SYS_PTRACE it could attach to it, CVE-2016-9962), and the one it sees is non-dumpable and runs from the
/// sealed copy berth spawns shims from: its /proc/<pid>/exe is not the host's file (CVE-2019-5736). The
/// command's stdout and stderr are a pipe, never the shim's log file: once it runs the container's
/// program, its /proc/<pid>/fd is the container's to open.
public enum ContainerExec {
    /// Exit code 124 (like timeout(1)) when the command outlived `timeoutSeconds` and was killed.
    public static let timedOut: Int32 = 124

    /// `spec` is the container's own launch spec with `args` replaced by the command; `target` is the
    /// host pid of a process of the container (its first one). Returns the command's exit code; its
    /// output and berth's reasons for a command that could not start go to stdout.
    public static func run(_ spec: LaunchSpec, target: pid_t, timeoutSeconds: Int, report: (String) -> Void) -> Int32 {
        SignalMask.blockAll()
        // Before anything is joined; inherited by the preparer and the command.
        NonDumpable.set()
        var program: [UInt8]? = nil
        if spec.seccomp, let path = spec.seccompProgramPath {
            guard let bytes = FileText.readBytes(path) else {
                report(SyscallError("read seccomp program \(path)").description)
                return 125
            }
            program = bytes
        }
        let pidNamespace: Int32
        do {
            try ContainerSetup(spec: spec).joinCgroups()
            pidNamespace = try joinNamespaces(of: target)
        } catch {
            report(error.description)
            return 125
        }
        var output: [Int32] = [0, 0]
        var commandPID: [Int32] = [0, 0]
        guard bk_pipe2(&output, O_CLOEXEC) == 0 else {
            report(SyscallError("pipe2").description)
            return 125
        }
        guard bk_pipe2(&commandPID, O_CLOEXEC) == 0 else {
            report(SyscallError("pipe2").description)
            return 125
        }
        let signals = bk_signalfd_all()
        guard signals >= 0 else {
            report(SyscallError("signalfd").description)
            return 125
        }
        let preparer = bk_fork()
        if preparer < 0 {
            report(SyscallError("fork").description)
            return 125
        }
        if preparer == 0 {
            close(signals)
            close(output[0])
            close(commandPID[0])
            // stdout and stderr become the pipe: none of the shim's host files goes any further.
            _ = dup2(output[1], 1)
            _ = dup2(output[1], 2)
            close(output[1])
            prepareAndExec(spec, pidNamespace: pidNamespace, seccompProgram: program, reportFD: commandPID[1])
        }
        close(pidNamespace)
        close(output[1])
        close(commandPID[1])
        return supervise(
            preparer, output: output[0], commandPIDPipe: commandPID[0], signals: signals,
            timeoutSeconds: timeoutSeconds)
    }

    /// setns into each namespace of `target` but its PID namespace, whose descriptor is returned for the
    /// preparer; the mount namespace last, since it changes what /proc paths resolve to.
    private static func joinNamespaces(of target: pid_t) throws(LaunchError) -> Int32 {
        let kinds: [(String, Int32)] = [
            ("pid", CLONE_NEWPID), ("ipc", CLONE_NEWIPC), ("uts", CLONE_NEWUTS), ("net", CLONE_NEWNET),
            ("cgroup", CLONE_NEWCGROUP), ("mnt", CLONE_NEWNS),
        ]
        var fds: [(Int32, String, Int32)] = []
        var keep: Int32 = -1
        defer { for (fd, _, _) in fds where fd != keep { close(fd) } }
        for (name, flag) in kinds {
            let path = "/proc/\(target)/ns/\(name)"
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .syscall(SyscallError("open \(path)")) }
            fds.append((fd, path, flag))
        }
        for (fd, path, flag) in fds.dropFirst() {
            try syscallOrThrow("setns(\(path))") { bk_setns(fd, flag) }
        }
        keep = fds[0].0
        return keep
    }

    /// The preparer: becomes the container's process, forks the command into the container's PID
    /// namespace, tells the shim its pid, and exits with its status. Never returns.
    private static func prepareAndExec(
        _ spec: LaunchSpec, pidNamespace: Int32, seccompProgram: [UInt8]?, reportFD: Int32
    ) -> Never {
        // With the shim: a preparer whose shim is gone has nobody to report to.
        _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
        let path: String
        let env: [String]
        do {
            try syscallOrThrow("setns(the container's PID namespace)") { bk_setns(pidNamespace, CLONE_NEWPID) }
            close(pidNamespace)
            (path, env) = try ContainerSetup(spec: spec).prepareProcess(seccompProgram: seccompProgram)
        } catch {
            exitReporting(error)
        }
        // prepareProcess unblocked every signal for the payload; the preparer only waits.
        SignalMask.blockAll()
        // The switch to the container's user reset it to fs.suid_dumpable.
        NonDumpable.set()
        let command = bk_fork()
        if command < 0 { exitReporting(.syscall(SyscallError("fork"))) }
        if command == 0 {
            close(reportFD)
            _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
            SignalMask.unblockAll()
            exitReporting(ContainerLauncher.exec(path: path, args: spec.args, env: env))
        }
        let word = Array("\(command)".utf8)
        _ = word.withUnsafeBytes { write(reportFD, $0.baseAddress, $0.count) }
        close(reportFD)
        var status: Int32 = 0
        while waitpid(command, &status, 0) < 0 {
            if errno != EINTR { _exit(125) }
        }
        _exit(ExitStatus(waitStatus: status).code)
    }

    /// On stderr (the output pipe), in the shim's own words, then the exit Docker would give.
    private static func exitReporting(_ error: LaunchError) -> Never {
        let line = Array("berth-shim: \(error.description)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        _exit(error.exitCode)
    }

    /// Copies the command's output to stdout until the preparer exits (with the command's status) or the
    /// timeout passes, then kills the command and the preparer (the shim is root; the command may have
    /// become a user the preparer cannot signal).
    private static func supervise(
        _ preparer: pid_t, output: Int32, commandPIDPipe: Int32, signals: Int32, timeoutSeconds: Int
    ) -> Int32 {
        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        deadline.tv_sec += timeoutSeconds
        var pidText: [UInt8] = []
        var outputOpen = true
        var pidPipeOpen = true
        while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let leftMilliseconds =
                (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1_000_000
            if leftMilliseconds <= 0 {
                if pidPipeOpen { _ = readChunk(commandPIDPipe, into: &pidText) }
                if let command = pid_t(String(decoding: pidText, as: UTF8.self)), command > 0 {
                    _ = kill(command, SIGKILL)
                }
                _ = kill(preparer, SIGKILL)
                var status: Int32 = 0
                _ = waitpid(preparer, &status, 0)
                if outputOpen { drain(output) }
                return timedOut
            }
            var fds = [
                pollfd(fd: signals, events: Int16(POLLIN), revents: 0),
                pollfd(fd: outputOpen ? output : -1, events: Int16(POLLIN), revents: 0),
                pollfd(fd: pidPipeOpen ? commandPIDPipe : -1, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&fds, nfds_t(fds.count), Int32(min(leftMilliseconds, 60_000))) < 0 { continue }
            if fds[1].revents != 0 { outputOpen = copyChunk(output) }
            if fds[2].revents != 0 { pidPipeOpen = readChunk(commandPIDPipe, into: &pidText) }
            if fds[0].revents != 0 {
                while bk_signalfd_read(signals, nil, nil) > 0 {}
                var status: Int32 = 0
                if waitpid(preparer, &status, WNOHANG) == preparer {
                    // What the command wrote just before it ended is in the pipe still; a daemon it left
                    // behind may hold the pipe open, so only what is there now is copied.
                    if outputOpen { drain(output) }
                    return ExitStatus(waitStatus: status).code
                }
            }
        }
    }

    /// One read from the pipe to stdout; false once the pipe is at end of file (or broken).
    private static func copyChunk(_ fd: Int32) -> Bool { copyOnce(fd) != .finished }

    private enum ReadResult { case copied, empty, finished }

    private static func copyOnce(_ fd: Int32) -> ReadResult {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN ? .empty : .finished }
        if count == 0 { return .finished }
        writeAll(1, buffer[0..<count])
        return .copied
    }

    private static func readChunk(_ fd: Int32, into text: inout [UInt8]) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 { return errno == EINTR || errno == EAGAIN }
        if count == 0 { return false }
        text.append(contentsOf: buffer[0..<count])
        return true
    }

    /// Whatever the pipe holds now, without waiting for more.
    private static func drain(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        while copyOnce(fd) == .copied {}
    }

    private static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) {
        var rest = bytes
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            // The log is gone or full: the command's exit status still counts, so output is dropped.
            if written <= 0 { return }
            rest = rest.dropFirst(written)
        }
    }
}
