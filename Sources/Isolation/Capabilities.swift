/// Linux capabilities by kernel name, and Docker's rules for combining `add` and `drop`.
public enum Capabilities {
    /// Index = capability number (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (40).
    public static let all = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// Docker's and containerd's 14 defaults (moby daemon/pkg/oci/caps/defaults.go), which ECS uses too.
    public static let dockerDefault = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE",
    ]

    public static func number(_ name: String) -> Int? { all.firstIndex(of: name) }

    /// "SYS_PTRACE", "sys_ptrace" and "CAP_SYS_PTRACE" all mean CAP_SYS_PTRACE; "ALL" stays "ALL".
    public static func normalize(_ name: String) throws(LaunchError) -> String {
        let upper = name.uppercased()
        if upper == "ALL" { return upper }
        let full = upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
        guard all.contains(full) else { throw .unknownCapability(name) }
        return full
    }

    /// Docker's TweakCapabilities, which ECS documents for `linuxParameters.capabilities`: first drop,
    /// then add. `add: ["ALL"]` grants every capability except those dropped; `drop: ["ALL"]` leaves
    /// only what is added. Result is in kernel order.
    public static func resolve(
        base: [String] = dockerDefault, add: [String], drop: [String]
    ) throws(LaunchError) -> [String] {
        var adds: [String] = []
        for name in add { adds.append(try normalize(name)) }
        var drops: [String] = []
        for name in drop { drops.append(try normalize(name)) }
        var result: Set<String>
        if adds.contains("ALL") {
            result = Set(all.filter { !drops.contains($0) })
        } else if drops.contains("ALL") {
            result = Set(adds)
        } else {
            result = Set(base.filter { !drops.contains($0) }).union(adds)
        }
        return all.filter { result.contains($0) }
    }
}
