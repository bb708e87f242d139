import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// A task's network namespace, kept alive by a bind mount of its nsfs file onto a path (as `ip netns`
/// does), so every container of the task can join it by path and it outlives any one container.
///
/// `create` must run in a single-threaded process (berth-shim --pin-netns): unshare(CLONE_NEWNET)
/// moves only the calling thread. `remove` is a plain unmount and unlink, safe from the daemon.
public enum NetworkNamespacePin {
    public static func create(at path: String) throws(LaunchError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard fd >= 0 else { throw .syscall(SyscallError("create \(path)")) }
        close(fd)
        do {
            try syscallOrThrow("unshare(CLONE_NEWNET)") { bk_unshare(CLONE_NEWNET) }
            try syscallOrThrow("bring up lo") { bk_interface_up("lo") }
            try syscallOrThrow("pin network namespace at \(path)") {
                Glibc.mount("/proc/self/ns/net", path, nil, UInt(MS_BIND), nil)
            }
        } catch {
            unlink(path)
            throw error
        }
    }

    public static func remove(at path: String) {
        _ = umount2(path, Int32(MNT_DETACH))
        unlink(path)
    }
}
