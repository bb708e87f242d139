/// Container settings Fargate does not support (reference §2.7: the fargate-tasks-services page, and the
/// ContainerDefinition, LinuxParameters and KernelCapabilities docs). Settings that are present but empty or
/// false are accepted: tools round-trip them from DescribeTaskDefinition.
///
/// Texts: ECS answers "Fargate compatible task definitions do not support <member>"; that exact text is
/// seen for sharedMemorySize (cloudposse/terraform-aws-ecs-container-definition#143) and maxSwap, the other
/// members use the same form (berth's wording).
enum FargateContainerRules {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        guard task.requiresFargate else { return }
        for container in task.containers {
            try checkDockerSettings(container.definition)
            try checkLinuxParameters(container.definition.linuxParameters)
        }
    }

    private static func checkDockerSettings(_ definition: ContainerDefinition) throws(ECSError) {
        // ContainerDefinition.privileged: "not supported for Windows containers or tasks run on Fargate."
        if definition.privileged == true {
            // berth's wording; a third-party rule set (cdk_preflight) gives this text.
            throw ECSError(.clientException, "Fargate requires that the 'privileged' setting be 'false'")
        }
        if definition.disableNetworking == true {
            throw unsupported("disableNetworking")
        }
        if let servers = definition.dnsServers, !servers.isEmpty {
            throw unsupported("dnsServers")
        }
        if let domains = definition.dnsSearchDomains, !domains.isEmpty {
            throw unsupported("dnsSearchDomains")
        }
        // ContainerDefinition.dockerSecurityOptions: "This field isn't valid for containers in tasks using the
        // Fargate launch type."
        if let options = definition.dockerSecurityOptions, !options.isEmpty {
            throw unsupported("dockerSecurityOptions")
        }
        // Fargate has no GPUs (reference §2.7 "gpu").
        if definition.resourceRequirements?.contains(where: { $0.type == .gpu }) == true {
            throw unsupported("GPU resourceRequirements")
        }
    }

    /// LinuxParameters docs: "If you're using tasks that use the Fargate launch type, the devices /
    /// sharedMemorySize / maxSwap / swappiness parameter isn't supported"; reference §2.7 adds tmpfs.
    private static func checkLinuxParameters(_ parameters: LinuxParameters?) throws(ECSError) {
        guard let parameters else { return }
        if let devices = parameters.devices, !devices.isEmpty {
            throw unsupported("devices")
        }
        if parameters.sharedMemorySize != nil {
            throw unsupported("sharedMemorySize")
        }
        if let tmpfs = parameters.tmpfs, !tmpfs.isEmpty {
            throw unsupported("tmpfs")
        }
        if parameters.maxSwap != nil {
            throw unsupported("maxSwap")
        }
        if parameters.swappiness != nil {
            throw unsupported("swappiness")
        }
        // KernelCapabilities.add: "Tasks launched on Fargate only support adding the SYS_PTRACE kernel
        // capability." drop is always allowed.
        for capability in parameters.capabilities?.add ?? [] where capability != "SYS_PTRACE" {
            // berth's wording; a third-party rule set (cdk_preflight) gives this text.
            throw ECSError(.clientException, "\(capability) is not allowed on Fargate.")
        }
    }

    private static func unsupported(_ member: String) -> ECSError {
        ECSError(.clientException, "Fargate compatible task definitions do not support \(member)")
    }
}
