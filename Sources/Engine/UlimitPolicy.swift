import ECSModel
import Isolation
import LinuxKit

/// Fargate's ulimits: OS defaults except nofile, 65535/65535 (ECS ContainerDefinition.ulimits doc).
///
/// berth cannot give a container a hard limit above its own unless it holds CAP_SYS_RESOURCE. On hosts
/// where it lacks it (this project's CI machines run root with a 20000 nofile hard limit and without
/// that capability) the *default* is clamped to the host's limit with a warning, while an *explicit*
/// ulimit above it is refused: silently giving less than a definition asks for would hide a difference
/// from Fargate.
public struct UlimitPolicy: Sendable {
    public static let fargateNofile: UInt64 = 65535

    /// The hard limit each resource may reach, or nil where berth may raise it freely.
    public var ceiling: @Sendable (Int32) -> UInt64?

    public init(ceiling: @escaping @Sendable (Int32) -> UInt64?) {
        self.ceiling = ceiling
    }

    /// The policy for this process: its own hard limits, unless it holds CAP_SYS_RESOURCE (24).
    public static func forThisProcess() -> UlimitPolicy {
        if ProcessLimits.hasCapability(24) { return UlimitPolicy { _ in nil } }
        return UlimitPolicy { resource in
            let hard = ProcessLimits.hardLimit(resource: resource)
            return hard == ProcessLimits.unlimited ? nil : hard
        }
    }

    public func rlimits(
        for ulimits: [Ulimit]?, container: String, warnings: inout [String]
    ) throws(EngineError) -> [Rlimit] {
        var result: [Rlimit] = []
        for ulimit in ulimits ?? [] {
            let name = ulimit.name.rawValue
            guard let resource = RlimitNames.resource(name) else {
                throw .client(
                    "Invalid ulimit name '\(name)' in container '\(container)'. Valid names: \(RlimitNames.names.joined(separator: ", "))."
                )
            }
            guard ulimit.softLimit >= 0, ulimit.hardLimit >= 0 else {
                throw .client("Invalid ulimit '\(name)' in container '\(container)': limits must not be negative.")
            }
            guard ulimit.softLimit <= ulimit.hardLimit else {
                throw .client(
                    "Invalid ulimit '\(name)' in container '\(container)': softLimit \(ulimit.softLimit) is greater than hardLimit \(ulimit.hardLimit)."
                )
            }
            if result.contains(where: { $0.name == name }) {
                throw .client("Duplicate ulimit '\(name)' in container '\(container)'.")
            }
            let hard = UInt64(ulimit.hardLimit)
            if let ceiling = ceiling(resource), hard > ceiling {
                throw .client(
                    "ulimit '\(name)' hardLimit \(hard) in container '\(container)' exceeds this host's hard limit of \(ceiling), which berth cannot raise without CAP_SYS_RESOURCE."
                )
            }
            result.append(Rlimit(name: name, soft: UInt64(ulimit.softLimit), hard: hard))
        }
        if !result.contains(where: { $0.name == "nofile" }) {
            var limit = Self.fargateNofile
            if let ceiling = ceiling(RlimitNames.resource("nofile")!), ceiling < limit {
                warnings.append(
                    "container '\(container)': nofile limit set to \(ceiling) (this host's hard limit) instead of Fargate's default \(limit); berth lacks CAP_SYS_RESOURCE to raise it"
                )
                limit = ceiling
            }
            result.append(Rlimit(name: "nofile", soft: limit, hard: limit))
        }
        return result
    }
}
