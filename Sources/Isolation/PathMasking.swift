import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Moby's read-only and masked paths, applied after pivot_root (the paths are inside /proc and /sys,
/// which the container's own mounts provide).
enum PathMasking {
    /// Bind each path onto itself and remount it read-only, keeping its nosuid/nodev/noexec flags.
    static func applyReadonly(_ paths: [String]) throws(LaunchError) {
        for path in paths {
            guard exists(path) else { continue }
            try syscallOrThrow("bind \(path)") { Glibc.mount(path, path, nil, UInt(MS_BIND | MS_REC), nil) }
            var info = statvfs()
            try syscallOrThrow("statvfs \(path)") { statvfs(path, &info) }
            let kept = UInt(info.f_flag) & UInt(BK_ST_NOSUID | BK_ST_NODEV | BK_ST_NOEXEC)
            var flags = UInt(MS_BIND | MS_REMOUNT | MS_RDONLY)
            if kept & UInt(BK_ST_NOSUID) != 0 { flags |= UInt(MS_NOSUID) }
            if kept & UInt(BK_ST_NODEV) != 0 { flags |= UInt(MS_NODEV) }
            if kept & UInt(BK_ST_NOEXEC) != 0 { flags |= UInt(MS_NOEXEC) }
            try syscallOrThrow("remount \(path) read-only") { Glibc.mount(path, path, nil, flags, nil) }
        }
    }

    /// Files get /dev/null bound over them, directories an empty read-only tmpfs. The /dev/null used is
    /// checked to be the real 1:3 device (CVE-2025-31133: a /dev/null swapped for a symlink turned a
    /// mask into a bind of anything).
    static func applyMasked(_ paths: [String]) throws(LaunchError) {
        var null = stat()
        guard lstat("/dev/null", &null) == 0, null.st_mode & mode_t(BK_S_IFMT) == mode_t(BK_S_IFCHR),
            null.st_rdev == makedevice(1, 3)
        else { throw .invalidSpec("/dev/null is not the null device") }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if info.st_mode & mode_t(BK_S_IFMT) == mode_t(BK_S_IFDIR) {
                try syscallOrThrow("mask \(path)") {
                    Glibc.mount("tmpfs", path, "tmpfs", UInt(MS_RDONLY), "size=0,nr_inodes=1,mode=0")
                }
            } else {
                try syscallOrThrow("mask \(path)") { Glibc.mount("/dev/null", path, nil, UInt(MS_BIND), nil) }
            }
        }
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    private static func makedevice(_ major: UInt64, _ minor: UInt64) -> UInt64 {
        ((major & 0xfffff000) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00) << 12) | (minor & 0xff)
    }
}
