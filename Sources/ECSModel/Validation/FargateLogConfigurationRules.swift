/// Log drivers on Fargate (LogConfiguration.logDriver doc: "For tasks on Fargate, the supported log drivers
/// are awslogs, splunk, and awsfirelens."; reference §2.6).
enum FargateLogConfigurationRules {
    static let fargateDrivers: [LogDriver] = [.awslogs, .splunk, .awsfirelens]

    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        guard task.requiresFargate else { return }
        for container in task.containers {
            guard let driver = container.definition.logConfiguration?.logDriver else { continue }
            guard fargateDrivers.contains(driver) else {
                // AWS's text (kayac/ecspresso#364).
                throw ECSError(
                    .clientException,
                    "\(driver) is not a valid log driver. Must be one of [awslogs,splunk,awsfirelens]")
            }
            // On Fargate the execution role sends awslogs output to CloudWatch Logs.
            if driver == .awslogs, (task.request.executionRoleArn ?? "").isEmpty {
                // AWS's text (reference §1.6; virtual-kubelet/virtual-kubelet#193).
                throw ECSError(
                    .clientException,
                    "Fargate requires task definition to have execution role ARN to support log driver awslogs.")
            }
        }
    }
}
