/// startTimeout and stopTimeout on Fargate: "The valid values for Fargate are 2-120 seconds."
/// (ContainerDefinition.startTimeout and .stopTimeout docs; reference §2.4).
enum ContainerTimeoutRules {
    static let fargateSeconds = 2...120

    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        guard task.requiresFargate else { return }
        for container in task.containers {
            try checkTimeout("startTimeout", container.definition.startTimeout, of: container.name)
            try checkTimeout("stopTimeout", container.definition.stopTimeout, of: container.name)
        }
    }

    private static func checkTimeout(_ member: String, _ seconds: Int?, of container: String) throws(ECSError) {
        guard let seconds, !fargateSeconds.contains(seconds) else { return }
        // berth's wording, in the form of AWS's "Invalid 'containerPort' setting for container" text.
        throw ECSError(
            .clientException,
            "Invalid '\(member)' setting for container '\(container)'. The valid values for Fargate are 2-120 seconds.")
    }
}
