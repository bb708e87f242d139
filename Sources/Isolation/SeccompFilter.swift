import CLinuxKit
import CSeccomp
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// Compiles SeccompProfile for one container's capability set with libseccomp and loads it.
public enum SeccompFilter {
    // libseccomp's action macros do not import into Swift.
    static let actAllow: UInt32 = 0x7fff_0000
    static func actErrno(_ code: Int32) -> UInt32 { 0x0005_0000 | (UInt32(code) & 0xffff) }

    /// Compiles and loads the filter into the calling thread (inherited across execve with NNP set).
    /// Called as the very last step before exec, because from here on mount, setns and friends fail.
    static func load(capabilities: [String]) throws(LaunchError) {
        let context = try build(capabilities: capabilities)
        defer { seccomp_release(context) }
        let rc = seccomp_load(context)
        guard rc == 0 else { throw .seccomp("seccomp_load: \(ErrnoName.symbol(-rc))") }
    }

    /// The filter as a classic BPF program, for callers that compile once and launch many times:
    /// compiling costs ~5 ms per launch (half of berth-shim's whole run), loading a program ~0.
    public static func compile(capabilities: [String]) throws(LaunchError) -> [UInt8] {
        let context = try build(capabilities: capabilities)
        defer { seccomp_release(context) }
        let fd = bk_memfd_create("berth-seccomp")
        guard fd >= 0 else { throw .syscall(SyscallError("memfd_create")) }
        defer { close(fd) }
        let rc = seccomp_export_bpf(context, fd)
        guard rc == 0 else { throw .seccomp("seccomp_export_bpf: \(ErrnoName.symbol(-rc))") }
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0, lseek(fd, 0, SEEK_SET) == 0 else { throw .seccomp("empty program") }
        var program = [UInt8](repeating: 0, count: Int(size))
        let count = program.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count == Int(size) else { throw .seccomp("short read of the compiled program") }
        return program
    }

    /// Installs a program made by `compile`. Requires no_new_privs (set earlier in the sequence).
    static func install(program: [UInt8]) throws(LaunchError) {
        let rc = program.withUnsafeBytes { bk_seccomp_install($0.baseAddress, $0.count) }
        guard rc == 0 else { throw .syscall(SyscallError("install seccomp program")) }
    }

    /// Bumped whenever the rule-building code below changes, so cached programs are rebuilt (changes to
    /// SeccompProfile's lists and to libseccomp's version already change `fingerprint`).
    public static let revision = 2

    /// Everything a compiled program depends on besides the capability set: the rule revision, the
    /// profile's lists and the libseccomp version that compiles them.
    public static var fingerprint: String {
        var parts = ["r\(revision)"]
        if let version = seccomp_version() {
            parts.append("libseccomp \(version.pointee.major).\(version.pointee.minor).\(version.pointee.micro)")
        }
        parts += SeccompProfile.allowed
        for (capability, names) in SeccompProfile.capabilityGated {
            parts.append(capability + ":" + names.joined(separator: ","))
        }
        parts.append(SeccompProfile.allowedSocketFamilies.map(String.init).joined(separator: ","))
        parts.append(SeccompProfile.allowedPersonalities.map(String.init).joined(separator: ","))
        parts.append(String(SeccompProfile.namespaceCloneFlags))
        parts += SeccompProfile.x86_64Fallback.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return parts.joined(separator: "\n")
    }

    private static func build(capabilities: [String]) throws(LaunchError) -> scmp_filter_ctx {
        guard let context = seccomp_init(actErrno(ENOSYS)) else { throw .seccomp("seccomp_init failed") }
        var built = false
        defer { if !built { seccomp_release(context) } }
        // A binary tree of syscall numbers instead of a linear list: the allowlist is ~350 entries.
        _ = seccomp_attr_set(context, SCMP_FLTATR_CTL_OPTIMIZE, 2)

        var allowed = Set<Int32>()
        func allow(_ name: String) throws(LaunchError) {
            guard let number = resolve(name) else { return }  // not on this architecture
            allowed.insert(number)
            let rc = seccomp_rule_add_array(context, actAllow, number, 0, nil)
            guard rc == 0 else { throw .seccomp("allowing \(name): \(ErrnoName.symbol(-rc))") }
        }
        for name in SeccompProfile.allowed { try allow(name) }
        for (capability, names) in SeccompProfile.capabilityGated where capabilities.contains(capability) {
            for name in names where !allowed.contains(resolve(name) ?? -1) { try allow(name) }
        }
        let hasSysAdmin = capabilities.contains("CAP_SYS_ADMIN")
        try addConditionalRules(context, hasSysAdmin: hasSysAdmin, allowed: &allowed)

        // Everything the profile knows of but does not allow answers EPERM, like Docker; numbers past
        // the newest syscall it knows keep the default action, ENOSYS.
        let known = knownNumbers()
        let newest = known.max() ?? 0
        for number in 0...newest where !allowed.contains(number) {
            let rc = seccomp_rule_add_array(context, actErrno(EPERM), number, 0, nil)
            // Numbers that are holes in the table are rejected by libseccomp; they keep ENOSYS.
            _ = rc
        }
        built = true
        return context
    }

    private static func addConditionalRules(
        _ context: scmp_filter_ctx, hasSysAdmin: Bool, allowed: inout Set<Int32>
    ) throws(LaunchError) {
        if let socket = resolve("socket") {
            allowed.insert(socket)
            // A conditional syscall whose conditions all fail gets the default action (ENOSYS), so the
            // refused families get explicit EPERM rules (an unconditional one would override the allows).
            let known = UInt64(SeccompProfile.socketFamilyLimit)
            for family in 0..<known {
                let action = SeccompProfile.allowedSocketFamilies.contains(family) ? actAllow : actErrno(EPERM)
                var comparison = scmp_arg_cmp(arg: 0, op: SCMP_CMP_EQ, datum_a: family, datum_b: 0)
                let rc = seccomp_rule_add_array(context, action, socket, 1, &comparison)
                guard rc == 0 else { throw .seccomp("socket rule: \(ErrnoName.symbol(-rc))") }
            }
            var beyond = scmp_arg_cmp(arg: 0, op: SCMP_CMP_GE, datum_a: known, datum_b: 0)
            let rc = seccomp_rule_add_array(context, actErrno(EPERM), socket, 1, &beyond)
            guard rc == 0 else { throw .seccomp("socket rule: \(ErrnoName.symbol(-rc))") }
        }
        if let personality = resolve("personality") {
            allowed.insert(personality)
            for value in SeccompProfile.allowedPersonalities {
                var comparison = scmp_arg_cmp(arg: 0, op: SCMP_CMP_EQ, datum_a: value, datum_b: 0)
                let rc = seccomp_rule_add_array(context, actAllow, personality, 1, &comparison)
                guard rc == 0 else { throw .seccomp("personality rule: \(ErrnoName.symbol(-rc))") }
            }
        }
        if let clone = resolve("clone") {
            allowed.insert(clone)
            var comparisons: [scmp_arg_cmp] = []
            if !hasSysAdmin {
                let mask = SeccompProfile.namespaceCloneFlags
                comparisons.append(scmp_arg_cmp(arg: 0, op: SCMP_CMP_MASKED_EQ, datum_a: mask, datum_b: 0))
            }
            let rc = seccomp_rule_add_array(context, actAllow, clone, UInt32(comparisons.count), comparisons)
            guard rc == 0 else { throw .seccomp("clone rule: \(ErrnoName.symbol(-rc))") }
            // clone with any namespace flag: EPERM, one rule per flag (see the socket rules for why).
            if !hasSysAdmin {
                for bit in 0..<64 where SeccompProfile.namespaceCloneFlags & (1 << UInt64(bit)) != 0 {
                    let flag = UInt64(1) << UInt64(bit)
                    var comparison = scmp_arg_cmp(arg: 0, op: SCMP_CMP_MASKED_EQ, datum_a: flag, datum_b: flag)
                    let rc = seccomp_rule_add_array(context, actErrno(EPERM), clone, 1, &comparison)
                    guard rc == 0 else { throw .seccomp("clone rule: \(ErrnoName.symbol(-rc))") }
                }
            }
        }
        // Without CAP_SYS_ADMIN clone3 answers ENOSYS (its flags live in memory, out of a filter's
        // reach), so glibc falls back to clone, which the rule above can inspect. ENOSYS is the default
        // action, so marking it handled (no EPERM rule below) is all it takes.
        if !hasSysAdmin, let clone3 = resolve("clone3") {
            allowed.insert(clone3)
        }
    }

    static func resolve(_ name: String) -> Int32? {
        let number = seccomp_syscall_resolve_name(name)
        if number >= 0 { return number }
        return SeccompProfile.x86_64Fallback[name]
    }

    private static func knownNumbers() -> [Int32] {
        var names = SeccompProfile.allowed + ["socket", "personality", "clone", "clone3"]
        for (_, gated) in SeccompProfile.capabilityGated { names += gated }
        return names.compactMap(resolve)
    }
}
