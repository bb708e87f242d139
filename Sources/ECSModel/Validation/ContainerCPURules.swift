/// Container `cpu` against the task (ContainerDefinition.cpu doc: on Fargate "the only requirement is that
/// the total amount of CPU reserved for all containers within a task be lower than the task-level cpu value").
enum ContainerCPURules {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            if let cpu = container.definition.cpu, cpu < 0 {
                // berth's wording, in the form of AWS's "Invalid 'containerPort' setting for container" text.
                throw ECSError(.clientException, "Invalid 'cpu' setting for container '\(container.name)'.")
            }
        }
        guard let taskCPU = task.cpu else { return }
        let total = task.containers.map { $0.definition.cpu ?? 0 }.saturatingSum
        if total > taskCPU {
            // AWS's text (klothoplatform/klotho#892).
            throw ECSError(
                .clientException,
                "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
        }
    }
}
