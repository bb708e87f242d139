import CCap
import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// The isolation sequence, run in the container's PID 1 (a child of berth-shim, already in its new PID
/// namespace) and ending in execve. The order follows runc/crun (see docs/ARCHITECTURE.md): cgroups,
/// namespaces, private propagation, rootfs, mounts (the container's own /sys/fs/cgroup among them), /dev,
/// pivot_root, read-only and masked paths, hostname, user, rlimits, no_new_privs, capabilities, fds,
/// seccomp last, exec.
struct ContainerSetup {
    let spec: LaunchSpec

    /// Everything up to (not including) exec. Returns the resolved executable path and environment.
    func prepare() throws(LaunchError) -> (path: String, env: [String]) {
        umask(0)
        // The compiled seccomp program is a host file: read it before the host's tree is gone.
        var seccompProgram: [UInt8]? = nil
        if spec.seccomp, let path = spec.seccompProgramPath {
            guard let bytes = FileText.readBytes(path) else {
                throw .syscall(SyscallError("read seccomp program \(path)"))
            }
            seccompProgram = bytes
        }
        // Into the container's cgroups first: before its cgroup namespace exists (so the namespace's root
        // is the container's own group) and before any of its code runs.
        try joinCgroups()
        try enterNamespaces()
        try buildRootfs()
        try setHostname()
        return try prepareProcess(seccompProgram: seccompProgram)
    }

    /// The process half of the sequence, inside an already isolated root: user, environment defaults,
    /// rlimits, no_new_privs, the executable, capabilities, fds, seccomp. Also what a health check
    /// (`berth-shim --exec`) runs after joining a running container's namespaces.
    func prepareProcess(seccompProgram: [UInt8]?) throws(LaunchError) -> (path: String, env: [String]) {
        // Resolve the user inside the container, after pivot_root: /etc/passwd is the image's.
        let user = try resolveUser()
        var env = spec.env
        if !env.contains(where: { $0.hasPrefix("HOME=") }) { env.append("HOME=\(user.home)") }
        if !env.contains(where: { $0.hasPrefix("PATH=") }) { env.append("PATH=\(Self.defaultPath)") }
        if !env.contains(where: { $0.hasPrefix("HOSTNAME=") }) { env.append("HOSTNAME=\(spec.hostname)") }

        try applyRlimits()
        if spec.noNewPrivileges {
            try syscallOrThrow("prctl(PR_SET_NO_NEW_PRIVS)") { bk_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }
        }
        let executable = try ExecutableLookup.find(spec.args.first ?? "", env: env)
        try switchUser(user)
        // A working directory the user cannot enter is an error, as in Docker; checked as the user.
        try syscallOrThrow("chdir(\(spec.workingDirectory))") { chdir(spec.workingDirectory) }
        umask(0o022)
        // Marks every fd above stdio close-on-exec; nothing of berth's reaches the payload
        // (CVE-2024-21626: a leaked host directory fd used as cwd).
        try syscallOrThrow("close_range") { bk_close_range(3, UInt32.max, BK_CLOSE_RANGE_CLOEXEC) }
        SignalMask.unblockAll()
        if let seccompProgram {
            try SeccompFilter.install(program: seccompProgram)
        } else if spec.seccomp {
            try SeccompFilter.load(capabilities: spec.capabilities)
        }
        return (executable, env)
    }

    /// Writes "0" (this process) into each of the container's cgroup.procs files.
    func joinCgroups() throws(LaunchError) {
        for path in spec.cgroupProcsFiles {
            let fd = open(path, O_WRONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .syscall(SyscallError("open \(path)")) }
            defer { close(fd) }
            try syscallOrThrow("join cgroup \(path)") { Int32(truncatingIfNeeded: write(fd, "0", 1)) }
        }
    }

    static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    // MARK: namespaces

    private func enterNamespaces() throws(LaunchError) {
        var flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP
        if let path = spec.networkNamespacePath {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .syscall(SyscallError("open network namespace \(path)")) }
            defer { close(fd) }
            try syscallOrThrow("setns(\(path))") { bk_setns(fd, CLONE_NEWNET) }
        } else {
            flags |= CLONE_NEWNET
        }
        try syscallOrThrow("unshare") { bk_unshare(Int32(flags)) }
        if spec.networkNamespacePath == nil {
            try syscallOrThrow("bring up lo") { bk_interface_up("lo") }
        }
    }

    // MARK: rootfs

    private func buildRootfs() throws(LaunchError) {
        // Nothing mounted from here on may propagate back to the host's mount namespace.
        try syscallOrThrow("make / rprivate") { Glibc.mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) }
        let target = spec.rootfs.target
        switch spec.rootfs.type {
        // nodev everywhere the container can create files: CAP_MKNOD (one of Docker's 14) lets it make
        // device nodes, and until berth has a device cgroup, nodev is what keeps a node like the host's
        // disk or /dev/kmsg unopenable. The default devices are bound from the host (DeviceNodes).
        case "overlay":
            try syscallOrThrow("mount overlay rootfs on \(target)") {
                Glibc.mount("overlay", target, "overlay", UInt(MS_NODEV), spec.rootfs.source)
            }
        case "bind":
            try syscallOrThrow("bind rootfs \(spec.rootfs.source)") {
                Glibc.mount(spec.rootfs.source, target, nil, UInt(MS_BIND | MS_REC), nil)
            }
            try syscallOrThrow("remount rootfs nodev") {
                Glibc.mount(nil, target, nil, UInt(MS_BIND | MS_REMOUNT | MS_NODEV), nil)
            }
        default:
            throw .invalidSpec("unknown rootfs type \(spec.rootfs.type)")
        }
        let rootFD = open(target, BK_O_PATH | O_DIRECTORY | O_CLOEXEC)
        guard rootFD >= 0 else { throw .syscall(SyscallError("open rootfs \(target)")) }
        defer { close(rootFD) }
        let mounts = SecureMounts(rootFD: rootFD)
        try mountFilesystems(mounts)
        try mountCgroupFilesystem(mounts)
        try DeviceNodes.populate(mounts)
        try mountFiles(mounts)
        try pivotRoot(rootFD)
        // Docker creates a missing working directory even when the root ends up read-only.
        try prepareWorkingDirectory()
        if spec.readonlyRootfs {
            try syscallOrThrow("remount / read-only") {
                Glibc.mount(nil, "/", nil, UInt(MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NODEV), nil)
            }
        }
        try PathMasking.applyReadonly(spec.readonlyPaths)
        try PathMasking.applyMasked(spec.maskedPaths)
    }

    /// The OCI default filesystems with Docker's options.
    private func mountFilesystems(_ mounts: SecureMounts) throws(LaunchError) {
        let nosuidNoexecNodev = UInt(MS_NOSUID | MS_NOEXEC | MS_NODEV)
        try mounts.mount(source: "proc", at: "/proc", type: "proc", flags: nosuidNoexecNodev, data: nil)
        try mounts.mount(
            source: "tmpfs", at: "/dev", type: "tmpfs", flags: UInt(MS_NOSUID | MS_NODEV | MS_STRICTATIME),
            data: "mode=755,size=65536k")
        try mounts.mount(
            source: "devpts", at: "/dev/pts", type: "devpts", flags: UInt(MS_NOSUID | MS_NOEXEC),
            data: "newinstance,ptmxmode=0666,mode=0620,gid=5")
        try mounts.mount(
            source: "shm", at: "/dev/shm", type: "tmpfs", flags: nosuidNoexecNodev, data: "mode=1777,size=65536k")
        try mounts.mount(source: "mqueue", at: "/dev/mqueue", type: "mqueue", flags: nosuidNoexecNodev, data: nil)
        try mounts.mount(
            source: "sysfs", at: "/sys", type: "sysfs", flags: nosuidNoexecNodev | UInt(MS_RDONLY), data: nil)
    }

    /// The container's own cgroups at /sys/fs/cgroup, read-only (`CgroupMountPlan`). After /sys, inside
    /// the cgroup namespace entered above: each cgroup mount's root is the container's group.
    private func mountCgroupFilesystem(_ mounts: SecureMounts) throws(LaunchError) {
        for step in try CgroupMountPlan.steps(spec.cgroupFilesystem) {
            switch step {
            case .mount(let source, let target, let type, let flags, let data):
                try mounts.mount(source: source, at: target, type: type, flags: flags, data: data)
            case .symlink(let target, let path):
                try mounts.symlink(target, at: path)
            case .remount(let target, let flags):
                // Opened after the mount, so the fd names the mount's root and the remount reaches it.
                let fd = try mounts.openTarget(target)
                defer { close(fd) }
                try mounts.mount(source: nil, onto: fd, type: nil, flags: flags, data: nil, describing: target)
            }
        }
    }

    /// /etc/hosts, /etc/resolv.conf, /etc/hostname: bound from the task's files, read-only if asked.
    private func mountFiles(_ mounts: SecureMounts) throws(LaunchError) {
        for file in spec.fileMounts {
            let fd: Int32
            do {
                fd = try mounts.openTarget(file.target, directory: false)
            } catch .invalidSpec(_) {
                continue  // the image made it a symlink (e.g. to a resolver's runtime file): leave it be
            }
            defer { close(fd) }
            try mounts.mount(
                source: file.source, onto: fd, type: nil, flags: UInt(MS_BIND), data: nil, describing: file.target)
            // The fd still names the file under the new mount: reopen the path to remount the bind itself.
            let top = try mounts.openTarget(file.target, directory: false)
            defer { close(top) }
            let flags =
                UInt(MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC) | (file.readonly ? UInt(MS_RDONLY) : 0)
            try mounts.mount(source: nil, onto: top, type: nil, flags: flags, data: nil, describing: file.target)
        }
    }

    /// pivot_root(".", ".") then detach the old root, as runc does: no temporary directory inside the
    /// rootfs, and the host's tree is gone from this namespace before any user code runs.
    private func pivotRoot(_ rootFD: Int32) throws(LaunchError) {
        try syscallOrThrow("fchdir(rootfs)") { fchdir(rootFD) }
        try syscallOrThrow("pivot_root") { bk_pivot_root(".", ".") }
        try syscallOrThrow("detach old root") { umount2(".", Int32(MNT_DETACH)) }
        try syscallOrThrow("chdir(/)") { chdir("/") }
    }

    private func setHostname() throws(LaunchError) {
        let name = spec.hostname.isEmpty ? String(spec.containerID.prefix(12)) : spec.hostname
        try syscallOrThrow("sethostname(\(name))") { bk_sethostname(name, name.utf8.count) }
    }

    // MARK: user, cwd, limits

    private func resolveUser() throws(LaunchError) -> ResolvedUser {
        let passwd = UserDatabase.parsePasswd(FileText.readImageFile("/etc/passwd") ?? "")
        let groups = UserDatabase.parseGroup(FileText.readImageFile("/etc/group") ?? "")
        return try UserDatabase.resolve(spec.user, passwd: passwd, groups: groups)
    }

    /// Docker creates a missing working directory (owned by root, like runc's mkdir of cwd).
    private func prepareWorkingDirectory() throws(LaunchError) {
        let path = spec.workingDirectory
        guard path.hasPrefix("/") else { throw .invalidSpec("workingDirectory must be absolute: \(path)") }
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw .syscall(SyscallError("create working directory \(current)"))
            }
        }
    }

    private func applyRlimits() throws(LaunchError) {
        for limit in spec.rlimits {
            guard let resource = RlimitNames.resource(limit.name) else { throw .unknownRlimit(limit.name) }
            try syscallOrThrow("setrlimit(\(limit.name), \(limit.soft), \(limit.hard))") {
                bk_setrlimit(resource, limit.soft, limit.hard)
            }
        }
    }

    /// Bounding set first (needs CAP_SETPCAP), then keep capabilities across setuid, switch ids,
    /// and set the final sets; ambient stays empty, as in Docker.
    private func switchUser(_ user: ResolvedUser) throws(LaunchError) {
        let keep = Set(spec.capabilities.compactMap(Capabilities.number))
        let last = Int(cap_max_bits())
        for number in 0..<last where !keep.contains(number) {
            try syscallOrThrow("drop \(Capabilities.all[safe: number] ?? "cap \(number)") from bounding set") {
                bk_prctl(PR_CAPBSET_DROP, UInt(number), 0, 0, 0)
            }
        }
        try syscallOrThrow("prctl(PR_SET_KEEPCAPS)") { bk_prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) }
        try syscallOrThrow("setgroups") {
            user.groups.withUnsafeBufferPointer { bk_setgroups($0.count, $0.baseAddress) }
        }
        try syscallOrThrow("setgid(\(user.gid))") { bk_setresgid(user.gid) }
        try syscallOrThrow("setuid(\(user.uid))") { bk_setresuid(user.uid) }
        try syscallOrThrow("prctl(PR_SET_KEEPCAPS, 0)") { bk_prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) }

        guard let caps = cap_init() else { throw .syscall(SyscallError("cap_init")) }
        defer { cap_free(UnsafeMutableRawPointer(caps)) }
        var values = keep.sorted().map { cap_value_t($0) }
        if !values.isEmpty {
            for flag in [CAP_PERMITTED, CAP_EFFECTIVE] {
                _ = cap_set_flag(caps, flag, Int32(values.count), &values, CAP_SET)
            }
        }
        try syscallOrThrow("capset") { cap_set_proc(caps) }
        _ = bk_prctl(PR_CAP_AMBIENT, UInt(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0)
        // setuid cleared the parent-death signal; restore it so the container dies with its shim.
        _ = bk_prctl(PR_SET_PDEATHSIG, UInt(SIGKILL), 0, 0, 0)
    }
}

func syscallOrThrow(_ stage: @autoclosure () -> String, _ call: () -> Int32) throws(LaunchError) {
    do {
        try syscallChecked(stage(), call)
    } catch {
        throw .syscall(error)
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
