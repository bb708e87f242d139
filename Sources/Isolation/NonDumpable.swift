import CLinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// PR_SET_DUMPABLE 0 for every process berth puts into a container's PID namespace, from before it joins
/// until its execve (which makes the container's program dumpable again, as any program it runs).
///
/// Until then such a process runs berth-shim's code with berth's descriptors and memory. While it is
/// non-dumpable the kernel refuses the container's processes its /proc/<pid>/exe, fd/, mem, environ
/// and ptrace (they would need CAP_SYS_PTRACE; CVE-2019-5736, CVE-2016-9962), as runc's nsexec does.
/// The flag is inherited across fork, so it is set before forking; and a change of uid resets it to
/// fs.suid_dumpable, so it is set again after switching to the container's user.
enum NonDumpable {
    static func set() {
        // Cannot fail for the value 0 (EINVAL is only for values other than 0 and 1).
        _ = bk_prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    }
}
