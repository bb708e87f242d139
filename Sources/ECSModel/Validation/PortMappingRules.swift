/// Port mappings (PortMapping and ContainerDefinition.portMappings docs; reference §2.2).
enum PortMappingRules {
    static let validPorts = 1...65535

    static func check(_ task: TaskDefinitionFacts) throws(ECSError) {
        for container in task.containers {
            let mappings = container.definition.portMappings ?? []
            for mapping in mappings {
                try checkMapping(mapping, of: container.name, networkMode: task.networkMode)
            }
            try checkEachContainerPortOnce(mappings, of: container.name)
        }
        try checkEachHostPortOnce(task)
    }

    private static func checkMapping(
        _ mapping: PortMapping, of container: String, networkMode: NetworkMode
    ) throws(ECSError) {
        if let range = mapping.containerPortRange, mapping.containerPort == nil {
            try checkContainerPortRange(range, of: container)
        } else if mapping.containerPort.map(validPorts.contains) != true {
            // AWS's text (aws/aws-cli#7288, aws/aws-cdk#8762).
            throw ECSError(.clientException, "Invalid 'containerPort' setting for container '\(container)'.")
        }
        // PortMapping.protocol: "Valid values are tcp and udp."
        if let transport = mapping.protocol, !transport.isKnown {
            // berth's wording, in the form of AWS's containerPort text.
            throw ECSError(.clientException, "Invalid 'protocol' setting for container '\(container)'.")
        }
        if let hostPort = mapping.hostPort, !(0...65535).contains(hostPort) {
            // berth's wording, in the form of AWS's containerPort text.
            throw ECSError(.clientException, "Invalid 'hostPort' setting for container '\(container)'.")
        }
        // PortMapping: "If you use containers in a task with the awsvpc or host network mode … The hostPort can
        // be left blank or it must be the same value as the containerPort."
        if networkMode == .awsvpc || networkMode == .host, let hostPort = mapping.hostPort,
            hostPort != mapping.containerPort
        {
            // AWS's text for awsvpc (aws/amazon-ecs-cli#1014, pulumi/pulumi-awsx#935); host mode in the same form.
            throw ECSError(
                .clientException,
                "When networkMode=\(networkMode), the host ports and container ports in port mappings must match.")
        }
    }

    /// PortMapping.containerPortRange: "The containerPortRange valid values are between 1 and 65535", "The first
    /// port in the range must be less than last port in the range."
    private static func checkContainerPortRange(_ range: String, of container: String) throws(ECSError) {
        let bounds = range.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard bounds.count == 2, let first = bounds[0], let last = bounds[1], validPorts.contains(first),
            validPorts.contains(last), first < last
        else {
            // berth's wording, in the form of AWS's containerPort text.
            throw ECSError(.clientException, "Invalid 'containerPortRange' setting for container '\(container)'.")
        }
    }

    /// PortMapping: "You can't expose the same container port for multiple protocols. If you attempt this, an
    /// error is returned." A second mapping of a port for the same protocol is refused the same way.
    private static func checkEachContainerPortOnce(_ mappings: [PortMapping], of container: String) throws(ECSError) {
        var seen: [Int] = []
        for port in mappings.compactMap(\.containerPort) {
            guard !seen.contains(port) else {
                // AWS's text and type as reported (terraform-aws-modules/terraform-aws-ecs#89,
                // aws/amazon-ecs-agent#3428); the reports do not say which call returned it.
                throw ECSError(
                    .invalidParameterException,
                    "Container port \(port) is used in more than one port mapping for container \(container)")
            }
            seen.append(port)
        }
    }

    /// One port, one protocol, one owner in the task. In awsvpc and host mode the host port is the container
    /// port (all containers share one network namespace); in bridge mode only fixed host ports can clash.
    private static func checkEachHostPortOnce(_ task: TaskDefinitionFacts) throws(ECSError) {
        var taken: [(transport: TransportProtocol, port: Int)] = []
        for container in task.containers {
            for mapping in container.definition.portMappings ?? [] {
                guard let port = hostPort(of: mapping, networkMode: task.networkMode) else { continue }
                let transport = mapping.protocol ?? .tcp
                guard !taken.contains(where: { $0.transport == transport && $0.port == port }) else {
                    // AWS's text (aws/amazon-ecs-agent#1220).
                    throw ECSError(
                        .clientException,
                        "\(transport.rawValue.uppercased()) host port '\(port)' is mapped multiple times in task.")
                }
                taken.append((transport, port))
            }
        }
    }

    private static func hostPort(of mapping: PortMapping, networkMode: NetworkMode) -> Int? {
        switch networkMode {
        case .awsvpc, .host: mapping.hostPort ?? mapping.containerPort
        default: mapping.hostPort.flatMap { $0 == 0 ? nil : $0 }
        }
    }
}
