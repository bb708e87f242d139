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
            null.st_rdev == DeviceNodes.makeDevice(1, 3)
        else { throw .invalidSpec("/dev/null is not the null device") }
        for path in paths + thermalThrottleDirectories() {
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

    /// Moby masks /sys/devices/system/cpu/cpuN/thermal_throttle (GHSA-6fw5-f8r9-fgfm); which N exist
    /// is only known on the host at run time.
    static func thermalThrottleDirectories() -> [String] {
        guard let directory = opendir("/sys/devices/system/cpu") else { return [] }
        defer { closedir(directory) }
        var found: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasPrefix("cpu"), name.dropFirst(3).allSatisfy(\.isNumber), name.count > 3 else { continue }
            let path = "/sys/devices/system/cpu/\(name)/thermal_throttle"
            if exists(path) { found.append(path) }
        }
        return found
    }

    private static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
