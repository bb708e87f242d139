import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Starts a container from a LaunchSpec and supervises it: the body of berth-shim.
///
/// The shim is single-threaded and links no Foundation, so fork() is safe here (it never is in the
/// multithreaded berth or berthd, which start the shim with posix_spawn). The shim stays outside every
/// namespace of the container; it unshares only its PID namespace, which affects its children, so the
/// one child it forks is PID 1 of a new PID namespace.
public enum ContainerLauncher {
    /// Runs the container to completion. Returns the code to exit with: the container's exit code
    /// (128 + signal for a signal death) or LaunchError.exitCode when it could not start, after
    /// `report` has been given the reason.
    /// `readyFD`: written "started" and closed once the payload has exec'd (never, if it could not start),
    /// so the engine reports RUNNING only for containers that really run.
    public static func run(_ spec: LaunchSpec, parent: pid_t, readyFD: Int32? = nil, report: (String) -> Void) -> Int32
    {
        var startedAt: Int64? = nil
        let code = launchAndSupervise(spec, parent: parent, readyFD: readyFD, startedAt: &startedAt, report: report)
        if let path = spec.exitCodePath {
            ExitCodeFile.write(
                code, ranMilliseconds: startedAt.map { ExitCodeFile.monotonicMilliseconds() - $0 }, to: path)
        }
        return code
    }

    private static func launchAndSupervise(
        _ spec: LaunchSpec, parent: pid_t, readyFD: Int32?, startedAt: inout Int64?, report: (String) -> Void
    ) -> Int32 {
        SignalMask.blockAll()
        // Inherited by the container's PID 1, which is in the container's PID namespace from its fork (a
        // shared one under pidMode task, where the other containers see it) until its execve.
        NonDumpable.set()
        if spec.dieWithParent {
            _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
            // The parent may have died before the line above: then nobody is waiting for this container.
            guard getppid() == parent else {
                report("berth exited before the container started")
                return 125
            }
        }
        var output: ContainerOutput? = nil
        if let logPath = spec.logPath {
            do {
                output = try ContainerOutput(logPath: logPath)
            } catch {
                report(error.description)
                return 125
            }
        }
        var pipeFDs: [Int32] = [0, 0]
        guard bk_pipe2(&pipeFDs, O_CLOEXEC) == 0 else {
            report(SyscallError("pipe2").description)
            return 125
        }
        let (errorRead, errorWrite) = (pipeFDs[0], pipeFDs[1])
        do {
            try enterPIDNamespace(spec.pidNamespacePath)
        } catch {
            report(error.description)
            return 125
        }
        let child = bk_fork()
        if child < 0 {
            report(SyscallError("fork").description)
            return 125
        }
        if child == 0 {
            if let readyFD { close(readyFD) }
            close(errorRead)
            output?.becomeChildStdio()
            runContainerInit(spec, errorFD: errorWrite)
        }
        close(errorWrite)
        output?.closeChildEnds()
        let failure = readAll(errorRead)
        close(errorRead)
        if !failure.isEmpty {
            report(String(decoding: failure, as: UTF8.self))
        } else {
            startedAt = ExitCodeFile.monotonicMilliseconds()
        }
        if let readyFD {
            if failure.isEmpty {
                // The host pid of the container's first process: berthd joins its namespaces for health
                // checks and finds it again after a restart.
                let word = Array("started \(child)\n".utf8)
                _ = word.withUnsafeBytes { write(readyFD, $0.baseAddress, $0.count) }
            }
            close(readyFD)
        }
        if var output { return supervise(child, output: &output) }
        return supervise(child)
    }

    /// A PID namespace of the container's own (the shim's next child is its PID 1), or the task's
    /// shared one under `pidMode: task`. Either way only children are affected: the shim stays outside.
    private static func enterPIDNamespace(_ path: String?) throws(LaunchError) {
        guard let path else {
            try syscallOrThrow("unshare(CLONE_NEWPID)") { bk_unshare(CLONE_NEWPID) }
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .syscall(SyscallError("open the task's PID namespace \(path)")) }
        defer { close(fd) }
        try syscallOrThrow("setns(\(path))") { bk_setns(fd, CLONE_NEWPID) }
    }

    /// In the new PID namespace: isolate, then exec (or become init). Never returns.
    private static func runContainerInit(_ spec: LaunchSpec, errorFD: Int32) -> Never {
        // Dies with the shim: a container is never left running with nobody to report its exit.
        _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
        // Its own session: terminal job-control signals go to berth, which forwards them deliberately.
        _ = setsid()
        do {
            let (path, env) = try ContainerSetup(spec: spec).prepare()
            // The switch to the container's user reset it to fs.suid_dumpable.
            NonDumpable.set()
            if spec.initProcess {
                ReapingInit.run(path: path, args: spec.args, env: env, errorFD: errorFD)
            }
            execute(path: path, args: spec.args, env: env, errorFD: errorFD)
        } catch {
            fail(error, errorFD: errorFD)
        }
    }

    static func execute(path: String, args: [String], env: [String], errorFD: Int32) -> Never {
        fail(exec(path: path, args: args, env: env), errorFD: errorFD)
    }

    /// execve; returns only if it failed, with the reason in Docker's terms.
    static func exec(path: String, args: [String], env: [String]) -> LaunchError {
        var cArgs = args.map { strdup($0) }
        cArgs.append(nil)
        var cEnv = env.map { strdup($0) }
        cEnv.append(nil)
        execve(path, cArgs, cEnv)
        let code = errno
        return code == ENOENT
            ? .executableNotFound(args.first ?? path)
            : code == EACCES
                ? .notExecutable(args.first ?? path) : .syscall(SyscallError("execve \(path)", errno: code))
    }

    static func fail(_ error: LaunchError, errorFD: Int32) -> Never {
        let message = Array(error.description.utf8)
        _ = message.withUnsafeBytes { write(errorFD, $0.baseAddress, $0.count) }
        _exit(error.exitCode)
    }

    /// Forwards every signal berth-shim receives to the container's PID 1 until it exits.
    private static func supervise(_ child: pid_t) -> Int32 {
        var all = sigset_t()
        sigfillset(&all)
        while true {
            var info = siginfo_t()
            let signal = sigwaitinfo(&all, &info)
            if signal < 0 { continue }
            if signal == SIGCHLD {
                var status: Int32 = 0
                let reaped = waitpid(child, &status, WNOHANG)
                if reaped == child { return ExitStatus(waitStatus: status).code }
                continue
            }
            _ = kill(child, signal)
        }
    }

    /// The same, while copying the container's output into its log: one poll over a signalfd and the
    /// two pipes, so the single-threaded shim never blocks on either.
    private static func supervise(_ child: pid_t, output: inout ContainerOutput) -> Int32 {
        let signals = bk_signalfd_all()
        if signals < 0 { return supervise(child) }
        defer { close(signals) }
        while true {
            var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)] + output.pollFDs()
            if poll(&fds, nfds_t(fds.count), -1) < 0 { continue }
            if fds.dropFirst().contains(where: { $0.revents != 0 }) { output.drain(fds.dropFirst().map(\.fd)) }
            guard fds[0].revents != 0 else { continue }
            while true {
                let signal = bk_signalfd_read(signals, nil, nil)
                if signal <= 0 { break }
                if signal != SIGCHLD {
                    _ = kill(child, signal)
                    continue
                }
                var status: Int32 = 0
                if waitpid(child, &status, WNOHANG) == child {
                    // What the container wrote just before it ended is in the pipes still.
                    output.drainUntilQuiet()
                    output.finish()
                    return ExitStatus(waitStatus: status).code
                }
            }
        }
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
        }
    }
}
