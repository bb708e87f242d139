/// When a task's image is pulled, as the ECS agent's ECS_IMAGE_PULL_BEHAVIOR names the choices.
public enum PullBehavior: String, Sendable, CaseIterable, Codable {
    /// Pull every time; if the pull fails, run the cached image when there is one.
    case `default`
    /// Pull every time; if the pull fails, the task fails.
    case always
    /// Pull only if no previous task (or `berth images pull`) pulled this image; imported images are pulled.
    case once
    /// Pull only if the image is not in the store at all, imported or pulled.
    case preferCached = "prefer-cached"

    /// berthd's default: a developer's machine must run imported images offline, and should not pay a
    /// registry round trip (or Docker Hub's rate limit) for every task of an image it already holds.
    public static let berthdDefault = PullBehavior.preferCached

    /// What to do for one container's image.
    public enum Decision: Equatable, Sendable {
        /// Run the cached image; no registry is asked.
        case useCached
        /// Pull; when `fallBackToCached`, a failed pull runs the cached image instead of failing the task.
        case pull(fallBackToCached: Bool)
    }

    /// - Parameters:
    ///   - cached: the store holds an image under the reference.
    ///   - pulledBefore: that image came from a registry (it has a repository digest), not an import.
    public func decide(cached: Bool, pulledBefore: Bool) -> Decision {
        switch self {
        case .default: return .pull(fallBackToCached: cached)
        case .always: return .pull(fallBackToCached: false)
        case .once: return cached && pulledBefore ? .useCached : .pull(fallBackToCached: false)
        case .preferCached: return cached ? .useCached : .pull(fallBackToCached: false)
        }
    }
}
