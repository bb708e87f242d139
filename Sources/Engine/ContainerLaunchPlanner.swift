import Cgroups
import ECSModel
import Images
import Isolation

/// Where and how one container of a task runs, decided by the engine before the launch.
public struct ContainerLaunchContext: Sendable {
    public var containerID: String
    public var hostname: String
    /// Mount point of the container's rootfs and the overlay data for it (from Images).
    public var rootfsTarget: String
    public var overlayOptions: String
    /// The task's network namespace; nil gives the container one of its own with only loopback.
    public var networkNamespacePath: String?

    public init(
        containerID: String, hostname: String, rootfsTarget: String, overlayOptions: String,
        networkNamespacePath: String? = nil
    ) {
        self.containerID = containerID
        self.hostname = hostname
        self.rootfsTarget = rootfsTarget
        self.overlayOptions = overlayOptions
        self.networkNamespacePath = networkNamespacePath
    }
}

public struct ContainerLaunchPlan: Sendable {
    public var spec: LaunchSpec
    /// Things the user should know (a default clamped to this host, say); never silent.
    public var warnings: [String]
}

/// Turns an ECS container definition plus its image's config into a LaunchSpec, applying ECS's and
/// Docker's precedence rules. Pure: no I/O, so every rule here is unit-tested.
public enum ContainerLaunchPlanner {
    public static func plan(
        container: ContainerDefinition, image: ImageConfig, context: ContainerLaunchContext,
        ulimits: UlimitPolicy
    ) throws(EngineError) -> ContainerLaunchPlan {
        let name = container.name ?? ""
        var warnings: [String] = []
        var spec = LaunchSpec()
        spec.containerID = context.containerID
        spec.hostname = context.hostname
        spec.rootfs = RootfsMount(target: context.rootfsTarget, type: "overlay", source: context.overlayOptions)
        spec.readonlyRootfs = container.readonlyRootFilesystem ?? false
        spec.args = arguments(entryPoint: container.entryPoint, command: container.command, image: image)
        guard !spec.args.isEmpty else {
            throw .client(
                "Container '\(name)' has no command: the image sets no Entrypoint or Cmd, so set entryPoint or command."
            )
        }
        spec.env = environment(image: image.env, definition: container.environment)
        spec.workingDirectory = nonEmpty(container.workingDirectory) ?? nonEmpty(image.workingDir) ?? "/"
        guard spec.workingDirectory.hasPrefix("/") else {
            throw .client(
                "Container '\(name)': workingDirectory must be an absolute path, got '\(spec.workingDirectory)'.")
        }
        spec.user = nonEmpty(container.user) ?? nonEmpty(image.user) ?? ""
        try validateUserSyntax(spec.user, container: name)
        spec.capabilities = try capabilities(container.linuxParameters?.capabilities, container: name)
        spec.rlimits = try ulimits.rlimits(for: container.ulimits, container: name, warnings: &warnings)
        spec.initProcess = container.linuxParameters?.initProcessEnabled ?? false
        spec.networkNamespacePath = context.networkNamespacePath
        try refuseNUL(in: spec, container: name)
        return ContainerLaunchPlan(spec: spec, warnings: warnings)
    }

    /// The launch spec's form of what the container's cgroup driver shows it at /sys/fs/cgroup.
    public static func cgroupFilesystem(_ view: CgroupNamespaceView) -> CgroupFilesystem {
        switch view {
        case .unified: .unified
        case .hierarchies(let hierarchies):
            .hierarchies(hierarchies.map { CgroupHierarchyMount(name: $0.name, controllers: $0.controllers) })
        }
    }

    /// Strings reach the kernel as C strings, where a NUL would silently cut them (and, unchecked, would
    /// corrupt the launch spec). JSON and image configs can carry "\u0000", so refuse it by field.
    static func refuseNUL(in spec: LaunchSpec, container: String) throws(EngineError) {
        let fields: [(String, [String])] = [
            ("entryPoint/command", spec.args), ("environment", spec.env), ("user", [spec.user]),
            ("workingDirectory", [spec.workingDirectory]),
        ]
        for (field, values) in fields where values.contains(where: { $0.utf8.contains(0) }) {
            throw .client(
                "Invalid \(field) in container '\(container)' (from the task definition or its image): "
                    + "values must not contain NUL characters.")
        }
    }

    /// Docker's rule, which ECS passes through (entryPoint -> --entrypoint, command -> CMD): a given
    /// entryPoint replaces the image's Entrypoint and drops its Cmd; a given command replaces only Cmd.
    static func arguments(entryPoint: [String]?, command: [String]?, image: ImageConfig) -> [String] {
        if let entryPoint, !entryPoint.isEmpty {
            return entryPoint + (command ?? [])
        }
        let cmd = (command?.isEmpty == false ? command : nil) ?? image.cmd ?? []
        return (image.entrypoint ?? []) + cmd
    }

    /// Image Env first, then the definition's `environment`; a name set by both takes the definition's
    /// value in the image's position (Docker's ReplaceOrAppendEnvValues).
    static func environment(image: [String], definition: [KeyValuePair]?) -> [String] {
        var result = image
        for pair in definition ?? [] {
            guard let key = pair.name, !key.isEmpty else { continue }
            let entry = "\(key)=\(pair.value ?? "")"
            if let index = result.firstIndex(where: { $0 == key || $0.hasPrefix(key + "=") }) {
                result[index] = entry
            } else {
                result.append(entry)
            }
        }
        return result
    }

    static func capabilities(_ kernel: KernelCapabilities?, container: String) throws(EngineError) -> [String] {
        do {
            return try Capabilities.resolve(add: kernel?.add ?? [], drop: kernel?.drop ?? [])
        } catch let error {
            if case .unknownCapability(let capability) = error {
                throw .client(
                    "Invalid capability '\(capability)' in linuxParameters.capabilities of container '\(container)': not a Linux capability."
                )
            }
            throw .client("Container '\(container)': \(error)")
        }
    }

    /// The six ECS forms: user, user:group, uid, uid:gid, user:gid, uid:group. Names are resolved later,
    /// inside the container, against the image's files.
    static func validateUserSyntax(_ user: String, container: String) throws(EngineError) {
        guard !user.isEmpty else { return }
        let parts = user.split(separator: ":", omittingEmptySubsequences: false)
        // Docker's bound on numeric ids; 4294967295 would be -1 ("unchanged") to setresuid.
        let outOfRange = parts.contains { UInt64($0).map { $0 > 2_147_483_647 } ?? false }
        let valid =
            !outOfRange && parts.count <= 2
            && parts.allSatisfy { !$0.isEmpty && !$0.contains(where: { $0 == " " || $0 == "/" }) }
        guard valid else {
            throw .client(
                "Invalid user '\(user)' in container '\(container)'. Use one of: user, user:group, uid, uid:gid, user:gid, uid:group."
            )
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
