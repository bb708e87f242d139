#if canImport(Glibc)
    import Glibc
#endif

/// One step of mounting the container's /sys/fs/cgroup; paths are inside the rootfs.
enum CgroupMountStep: Sendable, Equatable {
    case mount(source: String, target: String, type: String, flags: UInt, data: String?)
    /// A symlink at `path` whose content is `target`.
    case symlink(target: String, path: String)
    /// Makes the mount at `target` read-only (a bind remount: the flag of this mount, not its superblock).
    case remount(target: String, flags: UInt)
}

/// The mounts that show a container its own cgroups, in runc's order (libcontainer rootfs_linux.go,
/// mountCgroupV1 and mountCgroupV2 with a cgroup namespace). They run after PID 1 joined its groups and
/// unshared its cgroup namespace, so every cgroup mount made here has the container's own group as its
/// root: the host's tree above it, and other tasks' groups beside it, are not reachable through them.
/// Runtimes that size themselves from their limits (the JVM, Go, .NET) read /proc/self/mountinfo and
/// /proc/self/cgroup, and both then say "/" for the container's group, consistently.
///
/// - v2: one cgroup2 mount at /sys/fs/cgroup.
/// - v1: a tmpfs at /sys/fs/cgroup, then each hierarchy mounted as cgroup v1 of its controllers in a
///   directory of the host's name for it (the mount options select the existing hierarchy; the kernel
///   refuses a set of controllers that does not match one), the hybrid host's cgroup2 hierarchy too;
///   then a link per controller of each co-mounted hierarchy (cpu -> cpu,cpuacct), as the host has; then
///   the tmpfs remounted read-only, so nothing can be created beside the hierarchies.
///
/// Every cgroup mount is read-only, nosuid, noexec, nodev (Docker's options for /sys/fs/cgroup): a
/// container must not change its own limits, and without CAP_SYS_ADMIN it cannot remount them writable.
enum CgroupMountPlan {
    static let root = "/sys/fs/cgroup"
    static let hardened = UInt(MS_NOSUID | MS_NOEXEC | MS_NODEV)

    static func steps(_ filesystem: CgroupFilesystem) throws(LaunchError) -> [CgroupMountStep] {
        let readonly = hardened | UInt(MS_RDONLY)
        switch filesystem {
        case .none:
            return []
        case .unified:
            return [.mount(source: "cgroup", target: root, type: "cgroup2", flags: readonly, data: nil)]
        case .hierarchies(let hierarchies):
            var names = Set<String>()
            for hierarchy in hierarchies {
                let name = hierarchy.name
                guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
                    throw .invalidSpec("cgroup hierarchy name \"\(name)\" is not one path component")
                }
                guard names.insert(name).inserted else { throw .invalidSpec("cgroup hierarchy \(name) appears twice") }
            }
            var steps: [CgroupMountStep] = [
                .mount(source: "tmpfs", target: root, type: "tmpfs", flags: hardened, data: "mode=755")
            ]
            for hierarchy in hierarchies {
                steps.append(
                    .mount(
                        source: "cgroup", target: root + "/" + hierarchy.name,
                        type: hierarchy.controllers == nil ? "cgroup2" : "cgroup", flags: readonly,
                        data: hierarchy.controllers))
            }
            var linked = names
            for hierarchy in hierarchies where hierarchy.name.contains(",") {
                for controller in hierarchy.name.split(separator: ",").map(String.init)
                where !controller.isEmpty && linked.insert(controller).inserted {
                    steps.append(.symlink(target: hierarchy.name, path: root + "/" + controller))
                }
            }
            steps.append(.remount(target: root, flags: UInt(MS_BIND | MS_REMOUNT) | readonly))
            return steps
        }
    }
}
