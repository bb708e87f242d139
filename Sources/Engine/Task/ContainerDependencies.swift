import ECSModel

/// `dependsOn` as the ECS agent resolves it (agent/engine/dependencygraph/graph.go): whether a container
/// may start now, must keep waiting, or can never start. Pure: the supervisor feeds it what it knows.
enum ContainerDependencies {
    /// What a dependency looks like from a container waiting on it.
    struct Observed: Equatable {
        var started = false
        var stopped = false
        var exitCode: Int? = nil
        var health: HealthStatus = .unknown
    }

    enum Verdict: Equatable {
        case ready
        case waiting
        /// The condition can never be met; the task stops with this reason.
        case unsatisfiable(String)
    }

    static func verdict(for container: ContainerDefinition, observed: [String: Observed]) -> Verdict {
        var waiting = false
        for dependency in container.dependsOn ?? [] {
            let name = dependency.containerName
            let state = observed[name] ?? Observed()
            let condition = dependency.condition
            func unmet(_ why: String) -> Verdict {
                .unsatisfiable(
                    "Container dependency '\(name)' of container '\(container.name ?? "")' with condition "
                        + "\(condition.rawValue) can not be met: \(why)")
            }
            switch condition {
            case .start:
                if state.stopped && !state.started { return unmet("it never started") }
                if !state.started { waiting = true }
            case .complete:
                if state.stopped && !state.started && state.exitCode == nil { return unmet("it never started") }
                if !state.stopped { waiting = true }
            case .success:
                if state.stopped {
                    guard let code = state.exitCode else { return unmet("it stopped without an exit code") }
                    if code != 0 { return unmet("it exited with code \(code)") }
                } else {
                    waiting = true
                }
            case .healthy:
                if state.health == .healthy { continue }
                if state.health == .unhealthy { return unmet("it is UNHEALTHY") }
                if state.stopped { return unmet("it stopped before it was HEALTHY") }
                waiting = true
            default:
                return unmet("unknown condition")
            }
        }
        return waiting ? .waiting : .ready
    }

    /// The order to stop containers in: waves, each holding the containers nothing still running depends
    /// on, so a dependency outlives every container that depends on it (the agent's
    /// `verifyShutdownOrder`). Containers outside any cycle-free ordering (impossible after validation)
    /// go in the last wave.
    static func shutdownWaves(_ containers: [ContainerDefinition]) -> [[String]] {
        var remaining = containers.compactMap(\.name)
        var waves: [[String]] = []
        while !remaining.isEmpty {
            let wave = remaining.filter { candidate in
                !containers.contains { other in
                    remaining.contains(other.name ?? "") && other.name != candidate
                        && (other.dependsOn ?? []).contains { $0.containerName == candidate }
                }
            }
            if wave.isEmpty {
                waves.append(remaining)
                break
            }
            waves.append(wave)
            remaining.removeAll { wave.contains($0) }
        }
        return waves
    }
}
