/// ContainerDefinition.essential: "All tasks must have at least one essential container." (essential
/// defaults to true).
enum EssentialContainerRule {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        guard !task.containers.contains(where: \.isEssential) else { return }
        // AWS's text (eagletmt/hako#68).
        throw ECSError(.clientException, "Task definition doesn't have any essential container.")
    }
}
