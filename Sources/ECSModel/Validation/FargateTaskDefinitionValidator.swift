/// The checks RegisterTaskDefinition makes before it stores a revision, for Fargate task definitions.
///
/// ECS answers with the first problem it finds, so the rules run in a fixed order and the first one that
/// fails is thrown: the family, the container list and names, the task size strings, the Fargate task-level
/// settings, then the container settings, and last the relations between containers (essential, dependsOn).
/// Each rule's source (the botocore doc member it comes from) and the provenance of its text (AWS's own,
/// or berth's wording where AWS's is not known) are noted where the rule is written.
public enum FargateTaskDefinitionValidator {
    /// Validates a RegisterTaskDefinition request the way ECS does when requiresCompatibilities contains FARGATE
    /// (and the launch-type-independent rules always). Returns the normalized task size (nil if no FARGATE and
    /// no size given). Throws the FIRST problem as ECSError (ECS reports one error at a time).
    ///
    /// Without FARGATE the size is returned only when both `cpu` and `memory` are given. The request is not
    /// changed; the same request always gives the same answer.
    public static func validate(_ request: RegisterTaskDefinitionRequest) throws(ECSError) -> FargateTaskSize? {
        try FamilyRules.check(request.family)
        let containers = try ContainerIdentityRules.check(request.containerDefinitions)
        let task = TaskDefinitionFacts(
            request: request, containers: containers,
            cpu: try request.cpu.map { text throws(ECSError) in try TaskSizeParser.cpuUnits(text) },
            memory: try request.memory.map { text throws(ECSError) in try TaskSizeParser.memoryMiB(text) })

        var size: FargateTaskSize?
        if task.requiresFargate {
            size = try FargateTaskLevelRules.check(task)
        } else if let cpu = task.cpu, let memory = task.memory {
            size = FargateTaskSize(cpu: cpu, memory: memory)
        }

        try AwsvpcContainerRules.check(task)
        try FargateContainerRules.check(task)
        try PortMappingRules.check(task)
        try ContainerMemoryRules.check(task)
        try ContainerCPURules.check(task)
        try ContainerTimeoutRules.check(task)
        try HealthCheckRules.check(task)
        try UlimitRules.check(task)
        try FargateLogConfigurationRules.check(task)
        try EssentialContainerRule.check(task)
        try ContainerDependencyRules.check(task)
        return size
    }
}
