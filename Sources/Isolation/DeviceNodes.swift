import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// /dev for a container: the OCI default device nodes (crun's list, mode 0666) on the fresh tmpfs,
/// and the symlinks the runtime spec requires.
enum DeviceNodes {
    static let nodes: [(name: String, major: UInt32, minor: UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("tty", 5, 0), ("random", 1, 8), ("urandom", 1, 9),
    ]
    static let links: [(name: String, target: String)] = [
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"), ("core", "/proc/kcore"),
    ]

    static func populate(_ mounts: SecureMounts) throws(LaunchError) {
        let devFD = try mounts.openTarget("/dev")
        defer { close(devFD) }
        // An BK_O_PATH fd cannot be used for mknodat's dirfd on every kernel path; reopen as a directory.
        let dirFD = openat(devFD, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirFD >= 0 else { throw .syscall(SyscallError("open /dev")) }
        defer { close(dirFD) }
        for node in nodes {
            try syscallOrThrow("mknod /dev/\(node.name)") {
                bk_mknodat(dirFD, node.name, mode_t(BK_S_IFCHR | 0o666), node.major, node.minor)
            }
        }
        for link in links {
            try syscallOrThrow("symlink /dev/\(link.name)") { symlinkat(link.target, dirFD, link.name) }
        }
    }
}
