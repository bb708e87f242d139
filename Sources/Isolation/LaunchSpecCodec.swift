import LinuxKit

/// A tiny wire format for LaunchSpec: "key\0value\0" records, lists as repeated keys.
///
/// Why not JSON: the shim links no Foundation (startup time, single-threadedness), and argv, env and
/// paths can never contain NUL, so NUL is a separator that needs no escaping. `tr '\0' '\n'` makes a
/// spec file readable when debugging.
///
/// The separator is also the format's one danger: a value holding a NUL (JSON allows "\u0000", and so
/// does an image config) would smuggle in records of its own, e.g. a second `rootfs.source`. So the
/// encoder refuses such values outright, and the decoder refuses a repeated single-valued key.
public enum LaunchSpecCodec {
    static let listKeys: Set<String> = [
        "arg", "env", "cap", "rlimit", "masked", "readonly", "cgroupProcs", "cgroupHierarchy", "fileMount",
    ]

    /// Writes the encoded spec to `path`, readable by root only (it carries the container's environment,
    /// secrets included). No fsync (see `FileReplacement`): a spec lives as long as its container.
    public static func write(_ spec: LaunchSpec, to path: String) throws(LaunchError) {
        let bytes = try encode(spec)
        do { try FileReplacement.write(bytes, to: path, mode: 0o600) } catch { throw .syscall(error) }
    }

    public static func encode(_ spec: LaunchSpec) throws(LaunchError) -> [UInt8] {
        var out: [UInt8] = []
        var smuggled: String? = nil
        func put(_ key: String, _ value: String) {
            if value.utf8.contains(0) { smuggled = smuggled ?? key }
            out.append(contentsOf: key.utf8)
            out.append(0)
            out.append(contentsOf: value.utf8)
            out.append(0)
        }
        put("version", "1")
        put("containerID", spec.containerID)
        put("rootfs.target", spec.rootfs.target)
        put("rootfs.type", spec.rootfs.type)
        put("rootfs.source", spec.rootfs.source)
        put("readonlyRootfs", spec.readonlyRootfs ? "1" : "0")
        put("hostname", spec.hostname)
        for arg in spec.args { put("arg", arg) }
        for variable in spec.env { put("env", variable) }
        put("workingDirectory", spec.workingDirectory)
        put("user", spec.user)
        for capability in spec.capabilities { put("cap", capability) }
        for limit in spec.rlimits { put("rlimit", "\(limit.name) \(limit.soft) \(limit.hard)") }
        put("noNewPrivileges", spec.noNewPrivileges ? "1" : "0")
        put("seccomp", spec.seccomp ? "1" : "0")
        if let path = spec.seccompProgramPath { put("seccompProgram", path) }
        put("initProcess", spec.initProcess ? "1" : "0")
        if let path = spec.networkNamespacePath { put("netns", path) }
        if let path = spec.pidNamespacePath { put("pidns", path) }
        for path in spec.cgroupProcsFiles { put("cgroupProcs", path) }
        switch spec.cgroupFilesystem {
        case .none: put("cgroupfs", "none")
        case .unified: put("cgroupfs", "unified")
        case .hierarchies(let hierarchies):
            put("cgroupfs", "hierarchies")
            for hierarchy in hierarchies {
                let fields = [hierarchy.name] + (hierarchy.controllers.map { [$0] } ?? [])
                guard fields.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
                    throw .invalidSpec("cgroup hierarchy names and controllers may not be empty or contain spaces")
                }
                put("cgroupHierarchy", fields.joined(separator: " "))
            }
        }
        if let path = spec.logPath { put("log", path) }
        if let path = spec.exitCodePath { put("exitCode", path) }
        put("dieWithParent", spec.dieWithParent ? "1" : "0")
        for mount in spec.fileMounts {
            guard !mount.source.contains(" "), !mount.target.contains(" ") else {
                throw .invalidSpec("file mount paths may not contain spaces: \(mount.source) -> \(mount.target)")
            }
            put("fileMount", "\(mount.readonly ? "ro" : "rw") \(mount.source) \(mount.target)")
        }
        for path in spec.maskedPaths { put("masked", path) }
        for path in spec.readonlyPaths { put("readonly", path) }
        if let smuggled { throw .invalidSpec("\(smuggled) contains a NUL character") }
        return out
    }

    public static func decode(_ bytes: [UInt8]) throws(LaunchError) -> LaunchSpec {
        var fields: [(String, String)] = []
        var start = 0
        var pending: String? = nil
        for index in bytes.indices where bytes[index] == 0 {
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            start = index + 1
            if let key = pending {
                fields.append((key, text))
                pending = nil
            } else {
                pending = text
            }
        }
        guard pending == nil, start == bytes.count else { throw .invalidSpec("truncated record") }
        guard fields.first?.0 == "version", fields.first?.1 == "1" else { throw .invalidSpec("unknown version") }

        var seen = Set<String>()
        for (key, _) in fields where !listKeys.contains(key) {
            guard seen.insert(key).inserted else { throw .invalidSpec("repeated key \(key)") }
        }
        var spec = LaunchSpec()
        var cgroupfs = "none"
        var hierarchies: [CgroupHierarchyMount] = []
        spec.capabilities = []
        spec.maskedPaths = []
        spec.readonlyPaths = []
        for (key, value) in fields.dropFirst() {
            switch key {
            case "containerID": spec.containerID = value
            case "rootfs.target": spec.rootfs.target = value
            case "rootfs.type": spec.rootfs.type = value
            case "rootfs.source": spec.rootfs.source = value
            case "readonlyRootfs": spec.readonlyRootfs = value == "1"
            case "hostname": spec.hostname = value
            case "arg": spec.args.append(value)
            case "env": spec.env.append(value)
            case "workingDirectory": spec.workingDirectory = value
            case "user": spec.user = value
            case "cap": spec.capabilities.append(value)
            case "rlimit":
                let parts = value.split(separator: " ")
                guard parts.count == 3, let soft = UInt64(parts[1]), let hard = UInt64(parts[2]) else {
                    throw .invalidSpec("bad rlimit \(value)")
                }
                spec.rlimits.append(Rlimit(name: String(parts[0]), soft: soft, hard: hard))
            case "noNewPrivileges": spec.noNewPrivileges = value == "1"
            case "seccomp": spec.seccomp = value == "1"
            case "seccompProgram": spec.seccompProgramPath = value
            case "initProcess": spec.initProcess = value == "1"
            case "netns": spec.networkNamespacePath = value
            case "pidns": spec.pidNamespacePath = value
            case "cgroupProcs": spec.cgroupProcsFiles.append(value)
            case "cgroupfs": cgroupfs = value
            case "cgroupHierarchy":
                let parts = value.split(separator: " ").map(String.init)
                guard parts.count == 1 || parts.count == 2 else { throw .invalidSpec("bad cgroupHierarchy \(value)") }
                hierarchies.append(CgroupHierarchyMount(name: parts[0], controllers: parts.count == 2 ? parts[1] : nil))
            case "log": spec.logPath = value
            case "exitCode": spec.exitCodePath = value
            case "dieWithParent": spec.dieWithParent = value == "1"
            case "fileMount":
                let parts = value.split(separator: " ", maxSplits: 2).map(String.init)
                guard parts.count == 3, parts[0] == "ro" || parts[0] == "rw" else {
                    throw .invalidSpec("bad fileMount \(value)")
                }
                spec.fileMounts.append(FileMount(source: parts[1], target: parts[2], readonly: parts[0] == "ro"))
            case "masked": spec.maskedPaths.append(value)
            case "readonly": spec.readonlyPaths.append(value)
            default: throw .invalidSpec("unknown key \(key)")
            }
        }
        switch cgroupfs {
        case "none" where hierarchies.isEmpty: spec.cgroupFilesystem = .none
        case "unified" where hierarchies.isEmpty: spec.cgroupFilesystem = .unified
        case "hierarchies": spec.cgroupFilesystem = .hierarchies(hierarchies)
        default: throw .invalidSpec("bad cgroupfs \(cgroupfs) with \(hierarchies.count) hierarchies")
        }
        return spec
    }
}
