/// dependsOn (ContainerDefinition.dependsOn, ContainerDependency and ContainerCondition docs; reference §2.4).
enum ContainerDependencyRules {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            for dependency in container.definition.dependsOn ?? [] {
                try checkDependency(dependency, of: container, in: task)
            }
        }
        try checkNoCycle(task.containers)
    }

    private static func checkDependency(
        _ dependency: ContainerDependency, of container: CheckedContainer, in task: TaskDefinitionFacts
    ) throws(ECSError) {
        guard dependency.containerName != container.name else {
            // berth's wording: a container cannot wait for itself to start.
            throw ECSError(.clientException, "Container '\(container.name)' cannot depend on itself.")
        }
        guard let target = task.container(named: dependency.containerName) else {
            // AWS's text, " + " included (eagletmt/hako#99, dagster-io/dagster#6926).
            throw ECSError(
                .clientException,
                "Cannot depend on container + '\(dependency.containerName)' because it does not exist")
        }
        switch dependency.condition {
        case .start:
            break
        // COMPLETE and SUCCESS: "This condition can't be set on an essential container."
        case .complete, .success:
            if target.isEssential {
                // AWS's text (reference §1.6; boto/boto3#2436).
                throw ECSError(
                    .clientException,
                    "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
            }
        // HEALTHY: "This requires that the dependent container has health checks configured."
        case .healthy:
            if target.definition.healthCheck == nil {
                // berth's wording; a third-party rule set (cdk_preflight) gives this text.
                throw ECSError(
                    .clientException,
                    "A dependency container with HEALTHY condition must have health check configured")
            }
        default:
            // berth's wording; the condition is one of ContainerCondition's values.
            throw ECSError(
                .clientException,
                "Invalid dependency condition '\(dependency.condition)' for container '\(container.name)'. "
                    + "Valid values are START, COMPLETE, SUCCESS and HEALTHY.")
        }
    }

    /// "When a dependency is defined for container startup, for container shutdown it is reversed." A cycle
    /// has no start order. Depth-first in container order, so the same input always gives the same answer.
    private static func checkNoCycle(_ containers: [CheckedContainer]) throws(ECSError) {
        var finished: Set<String> = []
        for container in containers where !finished.contains(container.name) {
            if hasCycle(from: container.name, containers, onPath: [], finished: &finished) {
                // berth's wording, after AWS's "Container links should not have a cycle" (Shippable/support#4194).
                throw ECSError(.clientException, "Container dependencies should not have a cycle")
            }
        }
    }

    private static func hasCycle(
        from name: String, _ containers: [CheckedContainer], onPath: Set<String>, finished: inout Set<String>
    ) -> Bool {
        if onPath.contains(name) { return true }
        if finished.contains(name) { return false }
        let dependencies = containers.first { $0.name == name }?.definition.dependsOn ?? []
        for dependency in dependencies
        where hasCycle(from: dependency.containerName, containers, onPath: onPath.union([name]), finished: &finished) {
            return true
        }
        finished.insert(name)
        return false
    }
}
