import CLinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// One line of /proc/self/cgroup: `hierarchy-id:controller-list:path` (v2's line is `0::/path`).
struct ProcCgroupEntry: Sendable, Equatable {
    var hierarchyID: Int
    var controllers: [String]
    var path: String

    static func parse(_ text: String) -> [ProcCgroupEntry] {
        text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, let id = Int(fields[0]) else { return nil }
            let controllers = fields[1].split(separator: ",").map(String.init)
            return ProcCgroupEntry(hierarchyID: id, controllers: controllers, path: String(fields[2]))
        }
    }
}

/// The cgroup mounts of /proc/self/mountinfo: where each hierarchy is mounted and which of its
/// directories is the mount's root (not `/` inside a cgroup namespace or for a bind mount).
struct CgroupMount: Sendable, Equatable {
    var mountPoint: String
    var root: String
    var isVersion2: Bool
    /// v1: the controllers in the super options (`rw,cpu,cpuacct` -> cpu, cpuacct); `name=` hierarchies too.
    var options: [String]

    static func parse(_ mountinfo: String) -> [CgroupMount] {
        mountinfo.split(separator: "\n").compactMap { line in
            // `id parent major:minor root mount-point options [optional fields...] - fstype source super-options`
            let fields = line.split(separator: " ")
            guard let dash = fields.firstIndex(of: "-") else { return nil }
            let left = fields[..<dash]
            let right = Array(fields[(dash + 1)...])
            guard left.count >= 5, right.count >= 3, right[0] == "cgroup" || right[0] == "cgroup2" else {
                return nil
            }
            return CgroupMount(
                mountPoint: unescape(String(left[left.startIndex + 4])),
                root: unescape(String(left[left.startIndex + 3])),
                isVersion2: right[0] == "cgroup2", options: right[2].split(separator: ",").map(String.init))
        }
    }

    /// mountinfo escapes space, tab, newline and backslash as octal (`\040`).
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3,
                let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The directory of cgroup `path` (as /proc/self/cgroup names it) under this mount, or nil if the
    /// mount does not show that part of the hierarchy.
    func directory(of path: String) -> String? {
        let relative: Substring
        if root == "/" {
            relative = path.dropFirst(path.hasPrefix("/") ? 1 : 0)
        } else if path == root {
            relative = ""
        } else if path.hasPrefix(root + "/") {
            relative = path.dropFirst(root.count + 1)
        } else {
            return nil
        }
        return relative.isEmpty ? mountPoint : mountPoint + "/" + relative
    }
}

/// Finds the cgroup layout of this process and builds the driver for it: the one place that decides v1
/// against v2 (DESIGN §4, reference §1.10).
public enum CgroupDiscovery {
    /// `statfs(2)` magic of a cgroup2 mount (linux/magic.h CGROUP2_SUPER_MAGIC).
    static let cgroup2Magic: Int = 0x6367_7270
    /// v1 hierarchies berth needs: CFS quota and shares, CPU usage, memory, pids, and freezer for a
    /// teardown no fork can outrun.
    public static let v1Controllers = ["cpu", "cpuacct", "memory", "pids", "freezer"]
    /// v1 hierarchies berth gives each container a group in when the host has them: not for limits, but
    /// so the container's /sys/fs/cgroup shows a group of its own there. The JVM needs cpuset to trust
    /// a v1 hierarchy at all (hotspot's cgroupSubsystem_linux.cpp refuses v1 without it).
    public static let v1OptionalControllers = ["cpuset"]
    public static let v2Controllers = ["cpu", "memory", "pids"]

    /// The driver for this host (or for the tree under `fileSystem`'s root), following `configuration.mode`.
    /// Throws one `controllerMissing` naming every missing controller and the fix, rather than returning
    /// a driver that would run tasks unlimited.
    public static func driver(
        _ configuration: CgroupConfiguration = CgroupConfiguration(),
        fileSystem: any CgroupFileSystem = HostCgroupFileSystem()
    ) throws(CgroupError) -> any CgroupDriver {
        let entries = ProcCgroupEntry.parse(try fileSystem.read("/proc/self/cgroup"))
        let mounts = CgroupMount.parse(try fileSystem.read("/proc/self/mountinfo"))
        let unifiedAtRoot =
            isCgroup2(fileSystem, "/sys/fs/cgroup")
            ?? mounts.contains { $0.isVersion2 && $0.mountPoint == "/sys/fs/cgroup" }
        switch configuration.mode {
        case .v2:
            return try version2(configuration, fileSystem, entries, mounts, preferRoot: unifiedAtRoot)
        case .v1:
            return try version1(configuration, fileSystem, entries, mounts)
        case .auto:
            if unifiedAtRoot {
                return try version2(configuration, fileSystem, entries, mounts, preferRoot: true)
            }
            let v1Mounted = mounts.contains {
                !$0.isVersion2 && ($0.options.contains("cpu") || $0.options.contains("memory"))
            }
            if v1Mounted { return try version1(configuration, fileSystem, entries, mounts) }
            return try version2(configuration, fileSystem, entries, mounts, preferRoot: false)
        }
    }

    static func isCgroup2(_ fileSystem: any CgroupFileSystem, _ path: String) -> Bool? {
        guard fileSystem is HostCgroupFileSystem, (fileSystem as! HostCgroupFileSystem).root.isEmpty else {
            return nil
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let magic = bk_filesystem_type(fd)
        return magic < 0 ? nil : magic == cgroup2Magic
    }

    static func version2(
        _ configuration: CgroupConfiguration, _ fileSystem: any CgroupFileSystem, _ entries: [ProcCgroupEntry],
        _ mounts: [CgroupMount], preferRoot: Bool
    ) throws(CgroupError) -> CgroupV2Driver {
        guard let own = entries.first(where: { $0.hierarchyID == 0 && $0.controllers.isEmpty }) else {
            throw .noCgroupFilesystem("/proc/self/cgroup has no cgroup v2 entry (0::/path)")
        }
        let candidates = mounts.filter(\.isVersion2).sorted { a, _ in a.mountPoint == "/sys/fs/cgroup" }
        guard let mount = candidates.first(where: { $0.directory(of: own.path) != nil }) else {
            throw .noCgroupFilesystem("no cgroup2 mount shows this process's group \(own.path)")
        }
        var ownDirectory = mount.directory(of: own.path)!
        // A berthd that already moved itself into its leaf (or a restart inside it) works from the parent.
        if ownDirectory.hasSuffix("/" + configuration.daemonLeaf), ownDirectory != mount.mountPoint {
            ownDirectory = String(ownDirectory.dropLast(configuration.daemonLeaf.count + 1))
        }
        let available = Set(
            ((try? fileSystem.read(ownDirectory + "/cgroup.controllers")) ?? "").split(separator: " ").map {
                $0.trimmingCharacters()
            })
        let missing = v2Controllers.filter { !available.contains($0) }
        if !missing.isEmpty {
            let fix: String
            if ownDirectory == mount.mountPoint && !preferRoot {
                fix =
                    "this host is hybrid: the cgroup v2 hierarchy at \(mount.mountPoint) holds no controllers "
                    + "(they are bound to v1); use the v1 driver (--cgroup-driver v1), or boot with "
                    + "systemd.unified_cgroup_hierarchy=1 for pure cgroup v2"
            } else if ownDirectory == mount.mountPoint {
                fix =
                    "the kernel does not offer them at \(mount.mountPoint) (bound to a v1 hierarchy or not built "
                    + "in: see /proc/cgroups)"
            } else {
                let parent = parentDirectory(ownDirectory)
                fix =
                    "berthd's cgroup \(ownDirectory) was not delegated them: enable them in the parent "
                    + "(echo '\(missing.map { "+" + $0 }.joined(separator: " "))' > \(parent)/cgroup.subtree_control)"
                    + ", or run berthd as a systemd service with Delegate=yes"
            }
            throw .controllerMissing(controllers: missing, fix: fix)
        }
        return CgroupV2Driver(
            configuration: configuration, fileSystem: fileSystem, base: ownDirectory,
            isHierarchyRoot: ownDirectory == mount.mountPoint)
    }

    static func version1(
        _ configuration: CgroupConfiguration, _ fileSystem: any CgroupFileSystem, _ entries: [ProcCgroupEntry],
        _ mounts: [CgroupMount]
    ) throws(CgroupError) -> CgroupV1Driver {
        var hierarchies: [CgroupV1Driver.Hierarchy] = []
        var missing: [String] = []
        let wanted = v1Controllers + v1OptionalControllers
        for controller in wanted {
            if hierarchies.contains(where: { $0.controllers.contains(controller) }) { continue }
            guard let entry = entries.first(where: { $0.hierarchyID != 0 && $0.controllers.contains(controller) }),
                let mount = mounts.first(where: {
                    !$0.isVersion2 && $0.options.contains(controller) && $0.directory(of: entry.path) != nil
                })
            else {
                if !v1OptionalControllers.contains(controller) { missing.append(controller) }
                continue
            }
            hierarchies.append(
                .init(
                    controllers: entry.controllers.filter { wanted.contains($0) },
                    base: mount.directory(of: entry.path)!,
                    view: CgroupMountedHierarchy(
                        name: baseName(mount.mountPoint), controllers: entry.controllers.joined(separator: ","))))
        }
        // A hybrid host's cgroup2 hierarchy holds no controllers, but systemd and others read it: the
        // container gets a group there too, so mounting it shows nothing beyond the container's own.
        if let entry = entries.first(where: { $0.hierarchyID == 0 && $0.controllers.isEmpty }),
            let mount = mounts.first(where: { $0.isVersion2 && $0.directory(of: entry.path) != nil })
        {
            hierarchies.append(
                .init(
                    controllers: [], base: mount.directory(of: entry.path)!,
                    view: CgroupMountedHierarchy(name: baseName(mount.mountPoint), controllers: nil)))
        }
        if !missing.isEmpty {
            let mountsNeeded = missing.map {
                "mkdir -p /sys/fs/cgroup/\($0) && mount -t cgroup -o \($0) cgroup /sys/fs/cgroup/\($0)"
            }
            throw .controllerMissing(
                controllers: missing,
                fix: "no cgroup v1 hierarchy holds them; mount them (\(mountsNeeded.joined(separator: "; "))), "
                    + "or on a pure cgroup v2 host use the v2 driver (--cgroup-driver v2)")
        }
        return CgroupV1Driver(configuration: configuration, fileSystem: fileSystem, hierarchies: hierarchies)
    }
}

func baseName(_ path: String) -> String {
    String(path.split(separator: "/").last ?? "")
}

func parentDirectory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
    return String(path[..<slash])
}

extension Substring {
    func trimmingCharacters() -> String {
        String(
            self.drop { $0 == " " || $0 == "\n" || $0 == "\t" }.reversed().drop {
                $0 == " " || $0 == "\n" || $0 == "\t"
            }.reversed())
    }
}
