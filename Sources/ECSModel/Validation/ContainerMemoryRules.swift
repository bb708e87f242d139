/// Container `memory` (hard limit) and `memoryReservation` (soft limit) against each other and the task
/// (ContainerDefinition.memory and .memoryReservation docs; reference §2.1).
enum ContainerMemoryRules {
    /// "The Docker 20.10.0 or later daemon reserves a minimum of 6 MiB of memory for a container. So, don't
    /// specify less than 6 MiB of memory for your containers." (both docs).
    static let dockerMinimumMiB = 6

    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            try checkLimits(container, taskMemory: task.memory)
        }
        if let taskMemory = task.memory {
            try checkReservedTotal(task.containers, taskMemory: taskMemory)
        }
    }

    private static func checkLimits(_ container: CheckedContainer, taskMemory: Int?) throws(ECSError) {
        let name = container.name
        let memory = container.definition.memory
        let reservation = container.definition.memoryReservation
        // "If using the EC2 launch type, you must specify either a task-level memory value or a container-level
        // memory value." (memory doc); "If a task-level memory value is not specified, you must specify a
        // non-zero integer for one or both of memory or memoryReservation" (memoryReservation doc).
        if taskMemory == nil, memory == nil, reservation == nil {
            // AWS's text (reference §1.6; sil-org/ecs-deploy#62).
            throw ECSError(
                .clientException,
                "Invalid setting for container '\(name)'. At least one of 'memory' or 'memoryReservation' "
                    + "must be specified.")
        }
        if let memory, memory < dockerMinimumMiB {
            // berth's wording, in the form of AWS's "Invalid 'containerPort' setting for container" text.
            throw ECSError(
                .clientException,
                "Invalid 'memory' setting for container '\(name)'. The minimum is \(dockerMinimumMiB) MiB.")
        }
        if let reservation, reservation < dockerMinimumMiB {
            // berth's wording, as for 'memory'.
            throw ECSError(
                .clientException,
                "Invalid 'memoryReservation' setting for container '\(name)'. The minimum is \(dockerMinimumMiB) MiB.")
        }
        // "If you specify both, memory must be greater than memoryReservation." ECS accepts equal values
        // (awsdocs/amazon-ecs-developer-guide#242), so only a larger reservation is refused.
        if let memory, let reservation, reservation > memory {
            // berth's wording, after AWS's "Invalid setting for container '<name>'." text.
            throw ECSError(
                .clientException,
                "Invalid setting for container '\(name)'. 'memoryReservation' must be less than or equal to 'memory'.")
        }
        if let memory, let taskMemory, memory > taskMemory {
            // AWS's text (pulumi/pulumi-awsx#188, #1220).
            throw ECSError(
                .clientException, "The 'memory' setting for container '\(name)' is greater than for the task.")
        }
    }

    /// memory doc: "The total amount of memory reserved for all containers within a task must be lower than the
    /// task memory value"; a container reserves memoryReservation if given, otherwise memory.
    private static func checkReservedTotal(_ containers: [CheckedContainer], taskMemory: Int) throws(ECSError) {
        let reserved = containers.map { $0.definition.memoryReservation ?? $0.definition.memory ?? 0 }.saturatingSum
        guard reserved > taskMemory else { return }
        if containers.contains(where: { $0.definition.memoryReservation != nil }) {
            // AWS's text (cloudnativedaysjp/dreamkast-infra#4766).
            throw ECSError(
                .clientException,
                "The sum of all container 'memoryReservation' values cannot be greater than the value of the task "
                    + "'memory'.")
        }
        // berth's wording, the 'memory' form of AWS's 'memoryReservation' and 'cpu' texts.
        throw ECSError(
            .clientException,
            "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.")
    }
}
