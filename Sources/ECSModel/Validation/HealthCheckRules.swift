/// Container health checks (HealthCheck doc; reference §2.5).
enum HealthCheckRules {
    /// A HealthCheck member's value and the values the HealthCheck doc allows for it ("You may specify
    /// between …").
    private struct BoundedValue {
        let member: String
        let value: Int?
        let range: ClosedRange<Int>
    }

    private static func boundedValues(of healthCheck: HealthCheck) -> [BoundedValue] {
        [
            BoundedValue(member: "interval", value: healthCheck.interval, range: 5...300),
            BoundedValue(member: "timeout", value: healthCheck.timeout, range: 2...60),
            BoundedValue(member: "retries", value: healthCheck.retries, range: 1...10),
            BoundedValue(member: "startPeriod", value: healthCheck.startPeriod, range: 0...300),
        ]
    }

    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            guard let healthCheck = container.definition.healthCheck else { continue }
            try checkCommand(healthCheck.command, of: container.name)
            for bounded in boundedValues(of: healthCheck) {
                try checkRange(bounded, of: container.name)
            }
        }
    }

    /// HealthCheck.command: "The string array must start with CMD to run the command arguments directly, or
    /// CMD-SHELL to run the command with the container's default shell." Docker also accepts NONE (no check).
    private static func checkCommand(_ command: [String], of container: String) throws(ECSError) {
        switch command.first {
        case "CMD", "CMD-SHELL":
            if command.count > 1 { return }
        case "NONE":
            return
        default:
            break
        }
        // berth's wording, in the form of AWS's "Invalid 'containerPort' setting for container" text.
        throw ECSError(
            .clientException,
            "Invalid 'healthCheck' setting for container '\(container)'. The command must be CMD or CMD-SHELL "
                + "followed by the command to run, or NONE.")
    }

    private static func checkRange(_ bounded: BoundedValue, of container: String) throws(ECSError) {
        guard let value = bounded.value else { return }
        if value > bounded.range.upperBound {
            // AWS's text for retries (PostHog/posthog#8647); the other members in the same form.
            throw ECSError(
                .clientException,
                "Health check \(bounded.member) must be less than or equal to the maximum allowed value "
                    + "\(bounded.range.upperBound) for container '\(container)'")
        }
        if value < bounded.range.lowerBound {
            // berth's wording, the minimum's counterpart of AWS's maximum text.
            throw ECSError(
                .clientException,
                "Health check \(bounded.member) must be greater than or equal to the minimum allowed value "
                    + "\(bounded.range.lowerBound) for container '\(container)'")
        }
    }
}
