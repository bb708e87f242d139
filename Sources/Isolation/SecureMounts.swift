import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Mount targets inside an untrusted rootfs, resolved with openat2(RESOLVE_IN_ROOT) so that a symlink
/// planted by the image (e.g. /proc -> /etc) can never redirect a mount onto the host: the lesson of
/// CVE-2019-19921, CVE-2021-30465 and CVE-2025-31133 in runc. Each target is opened as an BK_O_PATH fd and
/// the mount goes onto /proc/self/fd/N, never a string path.
struct SecureMounts {
    let rootFD: Int32

    /// Opens `path` (absolute, inside the rootfs) as BK_O_PATH, creating it as a directory or an empty file first.
    func openTarget(_ path: String, directory: Bool = true) throws(LaunchError) -> Int32 {
        let relative = String(path.drop { $0 == "/" })
        if relative.isEmpty { return try reopenRoot() }
        var parentFD = try reopenRoot()
        defer { close(parentFD) }
        let components = relative.split(separator: "/").map(String.init)
        for (index, component) in components.enumerated() {
            let last = index == components.count - 1
            var fd = bk_openat2(parentFD, component, UInt64(BK_O_PATH | O_CLOEXEC), 0, resolveFlags)
            if fd < 0 && errno == ENOENT {
                if last && !directory {
                    let created = bk_openat2(
                        parentFD, component, UInt64(O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW), 0o644, resolveFlags)
                    if created >= 0 { close(created) }
                } else {
                    _ = mkdirat(parentFD, component, 0o755)
                }
                fd = bk_openat2(parentFD, component, UInt64(BK_O_PATH | O_CLOEXEC), 0, resolveFlags)
            }
            guard fd >= 0 else {
                if errno == ELOOP {
                    throw .invalidSpec(
                        "the image's \(path) (at \(component)) is a symlink; berth mounts only onto real directories")
                }
                throw .syscall(SyscallError("open mount target \(path)"))
            }
            close(parentFD)
            parentFD = fd
        }
        let result = dup(parentFD)
        guard result >= 0 else { throw .syscall(SyscallError("dup")) }
        _ = fcntl(result, F_SETFD, FD_CLOEXEC)
        return result
    }

    /// Opens an existing path inside the rootfs, or nil when it does not exist.
    func openExisting(_ path: String) throws(LaunchError) -> Int32? {
        let relative = String(path.drop { $0 == "/" })
        let fd = bk_openat2(rootFD, relative.isEmpty ? "." : relative, UInt64(BK_O_PATH | O_CLOEXEC), 0, resolveFlags)
        if fd < 0 {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw .syscall(SyscallError("open \(path)"))
        }
        return fd
    }

    func mount(
        source: String, at path: String, type: String?, flags: UInt, data: String?, directory: Bool = true
    ) throws(LaunchError) {
        let fd = try openTarget(path, directory: directory)
        defer { close(fd) }
        try mount(source: source, onto: fd, type: type, flags: flags, data: data, describing: path)
    }

    func mount(
        source: String?, onto fd: Int32, type: String?, flags: UInt, data: String?, describing path: String
    ) throws(LaunchError) {
        let procPath = "/proc/self/fd/\(fd)"
        let rc = Glibc.mount(source, procPath, type, flags, data)
        guard rc == 0 else { throw .syscall(SyscallError("mount \(type ?? "bind") on \(path)")) }
    }

    /// Creates a symlink at `path` (absolute, inside the rootfs) whose content is `target`. The parent is
    /// resolved like a mount target; the content is never followed here.
    func symlink(_ target: String, at path: String) throws(LaunchError) {
        guard let slash = path.lastIndex(of: "/"), path.index(after: slash) < path.endIndex else {
            throw .invalidSpec("symlink path \(path) has no name")
        }
        let parent = try openTarget(String(path[..<slash]))
        defer { close(parent) }
        let name = String(path[path.index(after: slash)...])
        try syscallOrThrow("symlink \(path) -> \(target)") { symlinkat(target, parent, name) }
    }

    private func reopenRoot() throws(LaunchError) -> Int32 {
        let fd = bk_openat2(rootFD, ".", UInt64(BK_O_PATH | O_CLOEXEC | O_DIRECTORY), 0, 0)
        guard fd >= 0 else { throw .syscall(SyscallError("reopen rootfs")) }
        return fd
    }

    /// Inside the root, and no symlinks at all: an image's `/sys -> /proc` or `/dev -> /` would otherwise
    /// stack the container's filesystems in places it chose (runc refuses these too).
    private var resolveFlags: UInt64 { BK_RESOLVE_IN_ROOT | BK_RESOLVE_NO_MAGICLINKS | BK_RESOLVE_NO_SYMLINKS }
}
