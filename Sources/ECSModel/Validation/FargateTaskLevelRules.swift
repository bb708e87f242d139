/// Task-level settings a FARGATE task definition must have or must not have.
enum FargateTaskLevelRules {
    /// The task size once network mode, size and namespaces pass.
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) -> FargateTaskSize {
        // RegisterTaskDefinitionRequest.networkMode: "For Amazon ECS tasks on Fargate, the awsvpc network mode
        // is required."
        guard task.networkMode == .awsvpc else {
            // AWS's text, with its typographic quotes (aws/amazon-ecs-cli#1145, awslabs/ecs-nginx-reverse-proxy#1).
            throw ECSError(.clientException, "Fargate only supports network mode ‘awsvpc’.")
        }
        let size = try checkSize(cpu: task.cpu, memory: task.memory)
        try checkNamespaces(task.request)
        try checkPlacementConstraints(task.request.placementConstraints)
        try checkEphemeralStorage(task.request.ephemeralStorage)
        try FargateVolumeRules.check(task.request.volumes)
        return size
    }

    /// RegisterTaskDefinitionRequest.cpu and .memory: "This field is required for Fargate", with the values of
    /// the task size table (`FargateTaskSize.supportedMemory(forCPU:)`).
    private static func checkSize(cpu: Int?, memory: Int?) throws(ECSError) -> FargateTaskSize {
        guard let cpu else {
            // AWS's text (mongodb/terraform-aws-ecs-task-definition#38).
            throw ECSError(.clientException, "Fargate requires that 'cpu' be defined at the task level.")
        }
        guard let memory else {
            // AWS's text (aws/amazon-ecs-cli#982).
            throw ECSError(.clientException, "Fargate requires that 'memory' be defined at the task level.")
        }
        let size = FargateTaskSize(cpu: cpu, memory: memory)
        guard size.isSupportedByFargate else {
            // AWS's text (reference §1.6; aws-games/cloud-game-development-toolkit#737).
            throw ECSError(
                .clientException,
                "No Fargate configuration exists for given values: \(size). "
                    + "See the Amazon ECS documentation for the valid values.")
        }
        return size
    }

    /// RegisterTaskDefinitionRequest.pidMode: "On Fargate for Linux containers, the only valid value is task."
    /// RegisterTaskDefinitionRequest.ipcMode: "not supported for Windows containers or tasks run on Fargate."
    private static func checkNamespaces(_ request: RegisterTaskDefinitionRequest) throws(ECSError) {
        if let pidMode = request.pidMode, pidMode != .task {
            // AWS's text (reference §1.6; aws/aws-cdk#29619).
            throw ECSError(
                .clientException,
                "Tasks using the Fargate launch type do not support pidMode '\(pidMode)'. "
                    + "The supported value for pidMode is 'task'.")
        }
        if request.ipcMode != nil {
            // AWS's text (reference §1.6; cn-terraform/terraform-aws-ecs-fargate#2).
            throw ECSError(.clientException, "Tasks using the Fargate launch type do not support ipcMode.")
        }
    }

    /// placementConstraints are not valid on Fargate (reference §2.7, fargate-tasks-services docs).
    private static func checkPlacementConstraints(
        _ constraints: [TaskDefinitionPlacementConstraint]?
    ) throws(ECSError) {
        guard let constraints, !constraints.isEmpty else { return }
        // berth's wording in ECS's "Fargate compatible task definitions do not support <member>" form, the text
        // a third-party rule set (cdk_preflight) gives for this case.
        throw ECSError(.clientException, "Fargate compatible task definitions do not support constraints")
    }

    /// EphemeralStorage.sizeInGiB: "The minimum supported value is 21 GiB and the maximum supported value is
    /// 200 GiB." (reference §2.1).
    private static func checkEphemeralStorage(_ storage: EphemeralStorage?) throws(ECSError) {
        guard let storage else { return }
        if storage.sizeInGiB < 21 {
            // berth's wording; a third-party rule set (cdk_preflight) gives this text.
            throw ECSError(.clientException, "EphemeralStorage size should be at least 21")
        }
        if storage.sizeInGiB > 200 {
            // berth's wording, the counterpart of the minimum's.
            throw ECSError(.clientException, "EphemeralStorage size should be at most 200")
        }
    }
}
