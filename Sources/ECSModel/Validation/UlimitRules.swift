/// ulimits (ContainerDefinition.ulimits and Ulimit docs; UlimitName lists the valid names).
enum UlimitRules {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            for ulimit in container.definition.ulimits ?? [] {
                guard ulimit.name.isKnown else {
                    // AWS's text (Shippable/support#3699).
                    throw ECSError(.clientException, "Unrecognized ulimit name \(ulimit.name)")
                }
                if ulimit.softLimit > ulimit.hardLimit {
                    // berth's wording; a third-party rule set (cdk_preflight) gives this text.
                    throw ECSError(.clientException, "Soft limit exceeds hard limit for ulimit \(ulimit.name)")
                }
            }
        }
    }
}
