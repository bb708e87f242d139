/// Everything berth-shim needs to turn a prepared rootfs into an isolated, running process.
///
/// This is the low-level contract between the Engine (which knows ECS and images) and the launch
/// sequence (which knows only the kernel). It is deliberately Foundation-free: berth-shim decodes it
/// on every container start and must stay small and fast.
public struct LaunchSpec: Sendable, Equatable {
    /// Used in messages and as the default hostname.
    public var containerID: String = ""
    /// The root filesystem: mounted inside the container's own mount namespace, so it disappears with it.
    public var rootfs: RootfsMount = RootfsMount()
    /// `readonlyRootFilesystem`: the root is remounted read-only after pivot_root.
    public var readonlyRootfs: Bool = false
    public var hostname: String = ""
    /// argv; `args[0]` is looked up in the container's PATH when it has no slash, as Docker does.
    public var args: [String] = []
    /// "NAME=value", final order (later duplicates already removed by the builder).
    public var env: [String] = []
    public var workingDirectory: String = "/"
    /// The ECS `user` string in any of its six forms; resolved against the image's /etc/passwd and
    /// /etc/group inside the rootfs, after pivot_root. Empty means root.
    public var user: String = ""
    /// Final capability set, kernel names ("CAP_CHOWN"); bounding = permitted = effective.
    public var capabilities: [String] = Capabilities.dockerDefault
    public var rlimits: [Rlimit] = []
    public var noNewPrivileges: Bool = true
    /// Apply berth's default seccomp profile (Docker's, see SeccompProfile).
    public var seccomp: Bool = true
    /// A program compiled by `SeccompFilter.compile` for `capabilities` (a host path, read before the
    /// rootfs is entered); nil compiles the profile in the shim, which costs ~5 ms per launch.
    public var seccompProgramPath: String? = nil
    /// `initProcessEnabled`: PID 1 is berth's reaping, signal-forwarding init and the payload runs as its child.
    public var initProcess: Bool = false
    /// An existing network namespace to join (the task's); nil creates a new one with only loopback.
    public var networkNamespacePath: String? = nil
    /// `pidMode: task`: the task's PID namespace to join (a `pid_for_children` link of the task's
    /// namespace holder); nil gives the container a PID namespace of its own, where it is PID 1.
    public var pidNamespacePath: String? = nil
    /// The container's `cgroup.procs` files (one per v1 hierarchy, one on v2). PID 1 writes "0" into
    /// each before it unshares its cgroup namespace, so nothing of the container ever runs outside them.
    public var cgroupProcsFiles: [String] = []
    /// What the container sees at /sys/fs/cgroup: its own groups, read-only, mounted inside its cgroup
    /// namespace so that no ancestor or sibling group is visible. `.none` leaves sysfs's empty directory.
    public var cgroupFilesystem: CgroupFilesystem = .none
    /// Where the shim writes the container's stdout and stderr as timestamped lines (the CRI log format:
    /// `<RFC 3339 time> <stdout|stderr> <F|P> <text>`); nil leaves the container on the shim's own stdio.
    public var logPath: String? = nil
    /// Where the shim records the container's exit code before it exits ("<code>\n"), so an exit that
    /// happens while berthd is down is not lost.
    public var exitCodePath: String? = nil
    /// `berth run`: the shim (and with it the container) dies with the berth process that started it.
    /// The daemon's tasks leave this off: they must outlive berthd.
    public var dieWithParent: Bool = false
    /// Host files bound over paths in the container, as Docker does for /etc/hosts, /etc/resolv.conf and
    /// /etc/hostname: created in the rootfs if missing; skipped if the image made the path a symlink.
    public var fileMounts: [FileMount] = []
    public var maskedPaths: [String] = DefaultPaths.masked
    public var readonlyPaths: [String] = DefaultPaths.readonly

    public init() {}
}

/// The rootfs as a mount: overlayfs over image layers (the usual case) or a bind of a directory.
public struct RootfsMount: Sendable, Equatable {
    /// Where the rootfs is assembled; must exist. Mounted only inside the container's mount namespace.
    public var target: String = ""
    /// "overlay" or "bind".
    public var type: String = "overlay"
    /// For overlay: the mount data ("lowerdir=…,upperdir=…,workdir=…"); for bind: the source directory.
    public var source: String = ""

    public init(target: String = "", type: String = "overlay", source: String = "") {
        self.target = target
        self.type = type
        self.source = source
    }
}

public struct FileMount: Sendable, Equatable {
    public var source: String
    public var target: String
    public var readonly: Bool

    public init(source: String, target: String, readonly: Bool = false) {
        self.source = source
        self.target = target
        self.readonly = readonly
    }
}

public struct Rlimit: Sendable, Equatable {
    /// Lower-case name as ECS writes it: "nofile", "nproc", "core", …
    public var name: String
    public var soft: UInt64
    public var hard: UInt64

    public init(name: String, soft: UInt64, hard: UInt64) {
        self.name = name
        self.soft = soft
        self.hard = hard
    }
}

/// The container's view of its cgroups, as runc mounts it for a container with a cgroup namespace.
public enum CgroupFilesystem: Sendable, Equatable {
    /// Nothing mounted (a container berth placed in no cgroup of its own).
    case none
    /// cgroup v2: one cgroup2 mount at /sys/fs/cgroup.
    case unified
    /// cgroup v1: a tmpfs at /sys/fs/cgroup holding one mount per hierarchy the container has a group in.
    case hierarchies([CgroupHierarchyMount])
}

/// One hierarchy under a v1 /sys/fs/cgroup.
public struct CgroupHierarchyMount: Sendable, Equatable {
    /// Its directory, named as on the host: "memory", "cpu,cpuacct", "unified".
    public var name: String
    /// The v1 hierarchy's controllers, as the mount options that select it ("cpu,cpuacct",
    /// "name=systemd"); nil for the cgroup2 hierarchy of a hybrid host.
    public var controllers: String?

    public init(name: String, controllers: String?) {
        self.name = name
        self.controllers = controllers
    }
}

/// Moby's masked and read-only paths (moby daemon/pkg/oci/defaults.go): kernel interfaces that leak
/// host information or allow host-wide changes. /proc/interrupts is masked as in GHSA-jq35-85cj-fj4p;
/// the per-CPU thermal_throttle dirs (GHSA-6fw5-f8r9-fgfm) are found at launch (PathMasking).
public enum DefaultPaths {
    public static let masked = [
        "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
        "/sys/devices/virtual/powercap",
    ]
    public static let readonly = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
}
