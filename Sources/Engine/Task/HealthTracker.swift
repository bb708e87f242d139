import ECSModel
import Foundation

/// One container's health as ECS reports it, from Docker's rules, which ECS follows (HealthCheck doc):
/// UNKNOWN until the first result; one success makes it HEALTHY; `retries` consecutive failures make it
/// UNHEALTHY; failures inside `startPeriod` do not count, but a success there still counts.
struct HealthTracker: Equatable {
    let interval: Int
    let timeout: Int
    let retries: Int
    let startPeriod: Int
    /// The argv to run inside the container: CMD's words, or `/bin/sh -c` with CMD-SHELL's string.
    let command: [String]
    private(set) var status: HealthStatus = .unknown
    private(set) var consecutiveFailures = 0

    /// ECS's defaults: interval 30, timeout 5, retries 3, no start period.
    init?(_ check: HealthCheck?) {
        guard let check, let kind = check.command.first else { return nil }
        switch kind {
        case "CMD": command = Array(check.command.dropFirst())
        case "CMD-SHELL": command = ["/bin/sh", "-c", check.command.dropFirst().joined(separator: " ")]
        default: command = check.command  // a bare command, as Docker treats a missing CMD prefix
        }
        guard !command.isEmpty else { return nil }
        interval = check.interval ?? 30
        timeout = check.timeout ?? 5
        retries = check.retries ?? 3
        startPeriod = check.startPeriod ?? 0
    }

    /// Records one check's result, `elapsed` seconds after the container started.
    mutating func record(success: Bool, elapsed: TimeInterval) {
        if success {
            status = .healthy
            consecutiveFailures = 0
            return
        }
        if elapsed < TimeInterval(startPeriod) && status != .healthy { return }
        consecutiveFailures += 1
        if consecutiveFailures >= retries { status = .unhealthy }
    }

    /// The task's healthStatus: over essential containers that have a health check, UNHEALTHY if any
    /// is, HEALTHY if all are, UNKNOWN otherwise (and when none has a check).
    static func taskHealth(_ containers: [(essential: Bool, health: HealthStatus?)]) -> HealthStatus {
        let checked = containers.filter { $0.essential }.compactMap(\.health)
        if checked.isEmpty { return .unknown }
        if checked.contains(.unhealthy) { return .unhealthy }
        return checked.allSatisfy { $0 == .healthy } ? .healthy : .unknown
    }
}
