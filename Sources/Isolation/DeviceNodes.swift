import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// /dev for a container: the OCI default devices and the symlinks the runtime spec requires.
///
/// The devices are the host's own nodes bind-mounted onto empty files (as bubblewrap does), not
/// mknod'ed: the container's /dev is mounted nodev like every filesystem it can write to, so a node
/// the container makes itself stays unopenable, while these binds keep their host mount's flags.
enum DeviceNodes {
    static let nodes: [(name: String, major: UInt32, minor: UInt32)] = [
        ("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("tty", 5, 0), ("random", 1, 8), ("urandom", 1, 9),
    ]
    static let links: [(name: String, target: String)] = [
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"), ("core", "/proc/kcore"),
    ]

    /// Runs before pivot_root, while the host's /dev is still reachable.
    static func populate(_ mounts: SecureMounts) throws(LaunchError) {
        for node in nodes {
            let host = open("/dev/\(node.name)", BK_O_PATH | O_NOFOLLOW | O_CLOEXEC)
            guard host >= 0 else { throw .syscall(SyscallError("open host /dev/\(node.name)")) }
            defer { close(host) }
            var info = stat()
            guard fstat(host, &info) == 0, info.st_mode & mode_t(BK_S_IFMT) == mode_t(BK_S_IFCHR),
                info.st_rdev == makeDevice(node.major, node.minor)
            else { throw .invalidSpec("host /dev/\(node.name) is not the \(node.major):\(node.minor) device") }
            let target = try mounts.openTarget("/dev/\(node.name)", directory: false)
            defer { close(target) }
            try mounts.mount(
                source: "/proc/self/fd/\(host)", onto: target, type: nil, flags: UInt(MS_BIND), data: nil,
                describing: "/dev/\(node.name)")
        }
        let devFD = try mounts.openTarget("/dev")
        defer { close(devFD) }
        for link in links {
            try syscallOrThrow("symlink /dev/\(link.name)") { symlinkat(link.target, devFD, link.name) }
        }
    }

    static func makeDevice(_ major: UInt32, _ minor: UInt32) -> UInt64 {
        let major = UInt64(major)
        let minor = UInt64(minor)
        return ((major & 0xffff_f000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffff_ff00) << 12) | (minor & 0xff)
    }
}
