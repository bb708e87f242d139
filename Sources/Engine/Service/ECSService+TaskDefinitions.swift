import ECSModel
import Foundation
import Store

extension ECSService {
    func registerTaskDefinition(_ request: RegisterTaskDefinitionRequest) throws -> RegisterTaskDefinitionResponse {
        let size = try FargateTaskDefinitionValidator.validate(request)
        let now = Date()
        let configuration = configuration
        let stored = try store.registerTaskDefinition(family: request.family, registeredAt: now) { revision in
            let arn = configuration.taskDefinitionARN(family: request.family, revision: revision)
            var definition = Self.taskDefinition(from: request, size: size)
            definition.taskDefinitionArn = arn
            definition.revision = revision
            definition.status = .active
            definition.registeredAt = Timestamp(now)
            return (arn, try StrictJSON.encode(definition))
        }
        if let tags = request.tags, !tags.isEmpty {
            try store.setTags(tags.map { ($0.key ?? "", $0.value ?? "") }, for: stored.arn)
        }
        var response = RegisterTaskDefinitionResponse()
        response.taskDefinition = try document(stored)
        response.tags = request.tags
        return response
    }

    func describeTaskDefinition(_ request: DescribeTaskDefinitionRequest) throws -> DescribeTaskDefinitionResponse {
        guard let stored = try resolveTaskDefinition(request.taskDefinition) else {
            throw Self.clientError("Unable to describe task definition.")
        }
        var response = DescribeTaskDefinitionResponse()
        response.taskDefinition = try document(stored)
        if request.include?.contains(where: { $0.rawValue == "TAGS" }) == true {
            response.tags = try store.tags(for: stored.arn).map { Tag(key: $0.key, value: $0.value) }
        }
        return response
    }

    func listTaskDefinitions(_ request: ListTaskDefinitionsRequest) throws -> ListTaskDefinitionsResponse {
        let page = try store.listTaskDefinitions(
            familyPrefix: request.familyPrefix, status: request.status?.rawValue ?? "ACTIVE",
            descending: request.sort?.rawValue == "DESC", maxResults: try Self.maxResults(request.maxResults),
            nextToken: request.nextToken)
        var response = ListTaskDefinitionsResponse()
        response.taskDefinitionArns = page.items.map(\.arn)
        response.nextToken = page.nextToken
        return response
    }

    func listTaskDefinitionFamilies(
        _ request: ListTaskDefinitionFamiliesRequest
    ) throws -> ListTaskDefinitionFamiliesResponse {
        let page = try store.listTaskDefinitionFamilies(
            familyPrefix: request.familyPrefix, status: request.status?.rawValue ?? "ALL",
            maxResults: try Self.maxResults(request.maxResults), nextToken: request.nextToken)
        var response = ListTaskDefinitionFamiliesResponse()
        response.families = page.items
        response.nextToken = page.nextToken
        return response
    }

    func deregisterTaskDefinition(
        _ request: DeregisterTaskDefinitionRequest
    ) throws -> DeregisterTaskDefinitionResponse {
        guard Self.hasRevision(request.taskDefinition) else {
            throw Self.clientError("TaskDefinition revision must be specified: family:revision or the full ARN.")
        }
        guard var stored = try resolveTaskDefinition(request.taskDefinition) else {
            throw Self.clientError("The specified task definition does not exist.")
        }
        if stored.status == "ACTIVE" {
            let now = Date()
            var definition = try JSONDecoder().decode(TaskDefinition.self, from: stored.document)
            definition.status = .inactive
            definition.deregisteredAt = Timestamp(now)
            stored.status = "INACTIVE"
            stored.deregisteredAt = now
            stored.document = try StrictJSON.encode(definition)
            try store.updateTaskDefinition(stored)
        }
        var response = DeregisterTaskDefinitionResponse()
        response.taskDefinition = try document(stored)
        return response
    }

    func deleteTaskDefinitions(_ request: DeleteTaskDefinitionsRequest) throws -> DeleteTaskDefinitionsResponse {
        var deleted: [TaskDefinition] = []
        var failures: [Failure] = []
        for reference in request.taskDefinitions {
            guard Self.hasRevision(reference), var stored = try resolveTaskDefinition(reference) else {
                failures.append(Failure(arn: reference, reason: "TASK_DEFINITION_NOT_FOUND", detail: nil))
                continue
            }
            guard stored.status != "ACTIVE" else {
                failures.append(
                    Failure(
                        arn: stored.arn,
                        reason:
                            "The specified task definition is still in ACTIVE status. Please deregister the target and try again.",
                        detail: nil))
                continue
            }
            var definition = try JSONDecoder().decode(TaskDefinition.self, from: stored.document)
            definition.status = TaskDefinitionStatus(rawValue: "DELETE_IN_PROGRESS")
            definition.deleteRequestedAt = Timestamp(Date())
            stored.status = "DELETE_IN_PROGRESS"
            stored.document = try StrictJSON.encode(definition)
            try store.updateTaskDefinition(stored)
            deleted.append(definition)
        }
        var response = DeleteTaskDefinitionsResponse()
        response.taskDefinitions = deleted
        response.failures = failures
        return response
    }

    // MARK: helpers

    /// "family" (latest ACTIVE revision), "family:3", or the full ARN.
    func resolveTaskDefinition(_ reference: String) throws -> StoredTaskDefinition? {
        if reference.hasPrefix("arn:") { return try store.taskDefinition(arn: reference) }
        let parts = reference.split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            guard let revision = Int(parts[1]) else { return nil }
            return try store.taskDefinition(family: parts[0], revision: revision)
        }
        return try store.taskDefinition(family: reference, revision: nil)
    }

    static func hasRevision(_ reference: String) -> Bool {
        let name = reference.hasPrefix("arn:") ? ServiceConfiguration.resourceName(reference) : reference
        return name.split(separator: ":").count == 2
    }

    func document(_ stored: StoredTaskDefinition) throws -> TaskDefinition {
        try JSONDecoder().decode(TaskDefinition.self, from: stored.document)
    }

    /// ECS caps pages at 100 and refuses values outside 1...100.
    static func maxResults(_ value: Int?, limit: Int = 100) throws -> Int {
        guard let value else { return limit }
        guard (1...limit).contains(value) else {
            throw invalidParameter("maxResults must be between 1 and \(limit).")
        }
        return value
    }

    /// The registered document: the request with ECS's register-time defaults filled in, as
    /// DescribeTaskDefinition shows them (essential true, cpu 0, tcp port mappings with the host port
    /// equal to the container port under awsvpc, empty lists).
    static func taskDefinition(from request: RegisterTaskDefinitionRequest, size: FargateTaskSize?) -> TaskDefinition {
        var definition = TaskDefinition()
        definition.family = request.family
        definition.taskRoleArn = request.taskRoleArn
        definition.executionRoleArn = request.executionRoleArn
        definition.networkMode = request.networkMode
        definition.containerDefinitions = request.containerDefinitions.map { container in
            var container = container
            container.cpu = container.cpu ?? 0
            container.essential = container.essential ?? true
            container.environment = container.environment ?? []
            container.mountPoints = container.mountPoints ?? []
            container.volumesFrom = container.volumesFrom ?? []
            container.portMappings = (container.portMappings ?? []).map { mapping in
                var mapping = mapping
                mapping.protocol = mapping.protocol ?? .tcp
                if request.networkMode == .awsvpc { mapping.hostPort = mapping.hostPort ?? mapping.containerPort }
                return mapping
            }
            return container
        }
        definition.volumes = request.volumes ?? []
        definition.placementConstraints = request.placementConstraints ?? []
        definition.requiresCompatibilities = request.requiresCompatibilities
        definition.compatibilities = request.networkMode == .awsvpc ? [.ec2, .fargate] : [.ec2]
        definition.cpu = size.map { String($0.cpu) } ?? request.cpu
        definition.memory = size.map { String($0.memory) } ?? request.memory
        definition.pidMode = request.pidMode
        definition.ipcMode = request.ipcMode
        definition.proxyConfiguration = request.proxyConfiguration
        definition.inferenceAccelerators = request.inferenceAccelerators
        definition.ephemeralStorage = request.ephemeralStorage
        definition.runtimePlatform = request.runtimePlatform
        definition.enableFaultInjection = request.enableFaultInjection
        return definition
    }
}
