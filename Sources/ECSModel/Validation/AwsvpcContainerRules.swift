/// Container settings the awsvpc network mode (every Fargate task) does not allow: each task has one
/// network namespace and its own elastic network interface.
enum AwsvpcContainerRules {
    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        guard task.networkMode == .awsvpc else { return }
        for container in task.containers {
            let definition = container.definition
            // ContainerDefinition.hostname: "not supported if you're using the awsvpc network mode."
            if let hostname = definition.hostname, !hostname.isEmpty {
                // AWS's text (labd/ecs-deplojo#26).
                throw ECSError(.clientException, "hostname is not supported on container when networkMode=awsvpc.")
            }
            // ContainerDefinition.links: "only supported if the network mode of a task definition is bridge."
            if let links = definition.links, !links.isEmpty {
                // AWS's text (aws-observability/aws-otel-collector#1359).
                throw ECSError(.clientException, "Links are not supported when networkMode=awsvpc.")
            }
            // ContainerDefinition.extraHosts: "isn't supported for … tasks that use the awsvpc network mode."
            if let extraHosts = definition.extraHosts, !extraHosts.isEmpty {
                // berth's wording, after AWS's text for hostname.
                throw ECSError(.clientException, "extraHosts is not supported on container when networkMode=awsvpc.")
            }
        }
    }
}
