import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a small text file whole, without Foundation.
enum FileText {
    /// A file from the image (e.g. /etc/passwd): only a regular file is read, never through a final
    /// symlink, and without blocking, so a FIFO or /proc/kmsg planted there cannot hang or drain anything
    /// while the container's PID 1 still holds every capability.
    static func readImageFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & mode_t(BK_S_IFMT) == mode_t(BK_S_IFREG) else { return nil }
        guard bk_filesystem_type(fd) != 0x9fa0 else { return nil }  // PROC_SUPER_MAGIC: never a procfs file
        return readAll(fd, limit: 1 << 20).map { String(decoding: $0, as: UTF8.self) }
    }

    static func readBytes(_ path: String, limit: Int = 1 << 20) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd, limit: limit)
    }

    private static func readAll(_ fd: Int32, limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while bytes.count < limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }
}

/// execvp's PATH search, done before seccomp and the user switch so "not found" is a clear launch error.
enum ExecutableLookup {
    static func find(_ command: String, env: [String]) throws(LaunchError) -> String {
        guard !command.isEmpty else {
            throw .invalidSpec("no command: the image has no Entrypoint or Cmd and the container definition sets none")
        }
        if command.contains("/") {
            guard let found = try check(command, name: command) else { throw .executableNotFound(command) }
            return found
        }
        let path = env.last { $0.hasPrefix("PATH=") }.map { String($0.dropFirst(5)) } ?? ContainerSetup.defaultPath
        var deniedCandidate = false
        for directory in path.split(separator: ":") {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(command)" : "\(directory)/\(command)"
            do {
                if let found = try check(candidate, name: command) { return found }
            } catch {
                deniedCandidate = true
            }
        }
        throw deniedCandidate ? .notExecutable(command) : .executableNotFound(command)
    }

    /// The path if it is an executable regular file, nil if absent, notExecutable if present but not runnable.
    private static func check(_ path: String, name: String) throws(LaunchError) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        guard info.st_mode & mode_t(BK_S_IFMT) == mode_t(BK_S_IFREG), access(path, X_OK) == 0 else {
            throw .notExecutable(name)
        }
        return path
    }
}

/// ECS ulimit names to RLIMIT_* numbers.
public enum RlimitNames {
    static let table: [String: Int32] = [
        "cpu": 0, "fsize": 1, "data": 2, "stack": 3, "core": 4, "rss": 5, "nproc": 6, "nofile": 7, "memlock": 8,
        "as": 9, "locks": 10, "sigpending": 11, "msgqueue": 12, "nice": 13, "rtprio": 14, "rttime": 15,
    ]
    public static var names: [String] { table.keys.sorted() }
    public static func resource(_ name: String) -> Int32? { table[name] }
}

enum SignalMask {
    static func blockAll() {
        var set = sigset_t()
        sigfillset(&set)
        sigprocmask(SIG_BLOCK, &set, nil)
    }

    static func unblockAll() {
        var set = sigset_t()
        sigfillset(&set)
        sigprocmask(SIG_UNBLOCK, &set, nil)
    }
}
