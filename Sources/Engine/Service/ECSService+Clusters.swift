import ECSModel
import Foundation
import Store

extension ECSService {
    /// ECS creates `default` on first use, and so does berth.
    static let defaultClusterName = "default"

    func createCluster(_ request: CreateClusterRequest) throws -> CreateClusterResponse {
        let name = request.clusterName ?? Self.defaultClusterName
        guard (1...255).contains(name.count), name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
            name.allSatisfy(\.isASCII)
        else {
            throw Self.invalidParameter(
                "Cluster name must be 1-255 characters of letters, numbers, hyphens and underscores.")
        }
        let cluster = try ensureCluster(name: name, settings: request.settings, tags: request.tags)
        var response = CreateClusterResponse()
        response.cluster = cluster
        return response
    }

    func describeClusters(_ request: DescribeClustersRequest) throws -> DescribeClustersResponse {
        var clusters: [Cluster] = []
        var failures: [Failure] = []
        let names = request.clusters ?? [Self.defaultClusterName]
        let includeTags = request.include?.contains { $0.rawValue == "TAGS" } == true
        for reference in names {
            if let stored = try store.cluster(nameOrArn: reference) {
                clusters.append(try clusterDocument(stored, includeTags: includeTags))
            } else if reference == Self.defaultClusterName {
                failures.append(Failure(arn: configuration.clusterARN(reference), reason: "MISSING"))
            } else {
                let arn = reference.hasPrefix("arn:") ? reference : configuration.clusterARN(reference)
                failures.append(Failure(arn: arn, reason: "MISSING"))
            }
        }
        var response = DescribeClustersResponse()
        response.clusters = clusters
        response.failures = failures
        return response
    }

    func listClusters(_ request: ListClustersRequest) throws -> ListClustersResponse {
        let page = try store.listClusters(
            maxResults: try Self.maxResults(request.maxResults), nextToken: request.nextToken)
        var response = ListClustersResponse()
        response.clusterArns = page.items.map(\.arn)
        response.nextToken = page.nextToken
        return response
    }

    func deleteCluster(_ request: DeleteClusterRequest) throws -> DeleteClusterResponse {
        guard var stored = try store.cluster(nameOrArn: request.cluster), stored.status == "ACTIVE" else {
            throw ECSError(.clusterNotFoundException, "Cluster not found.")
        }
        let counts = try store.countTasks(clusterArn: stored.arn)
        guard counts.running + counts.pending == 0 else {
            throw ECSError(
                .clusterContainsTasksException,
                "The Cluster cannot be deleted while Tasks are active.")
        }
        var cluster = try JSONDecoder().decode(Cluster.self, from: stored.document)
        cluster.status = "INACTIVE"
        stored.status = "INACTIVE"
        stored.document = try StrictJSON.encode(cluster)
        try store.updateCluster(stored)
        var response = DeleteClusterResponse()
        response.cluster = try clusterDocument(stored, includeTags: false)
        return response
    }

    // MARK: helpers

    /// The cluster by name, created if absent (CreateCluster is idempotent in ECS, and RunTask without a
    /// cluster uses `default`, which ECS creates on first use).
    @discardableResult
    func ensureCluster(name: String, settings: [ClusterSetting]? = nil, tags: [Tag]? = nil) throws -> Cluster {
        let arn = configuration.clusterARN(name)
        let (stored, created) = try store.createCluster(
            name: name,
            makeDocument: {
                var cluster = Cluster()
                cluster.clusterArn = arn
                cluster.clusterName = name
                cluster.status = "ACTIVE"
                cluster.settings =
                    settings ?? [ClusterSetting(name: .init(rawValue: "containerInsights"), value: "disabled")]
                cluster.capacityProviders = []
                cluster.defaultCapacityProviderStrategy = []
                return (arn, try StrictJSON.encode(cluster))
            }, createdAt: Date())
        if created, let tags, !tags.isEmpty {
            try store.setTags(tags.map { ($0.key ?? "", $0.value ?? "") }, for: stored.arn)
        }
        return try clusterDocument(stored, includeTags: tags != nil)
    }

    /// The stored document plus what is counted live.
    func clusterDocument(_ stored: StoredCluster, includeTags: Bool) throws -> Cluster {
        var cluster = try JSONDecoder().decode(Cluster.self, from: stored.document)
        let counts = try store.countTasks(clusterArn: stored.arn)
        cluster.runningTasksCount = counts.running
        cluster.pendingTasksCount = counts.pending
        cluster.activeServicesCount = 0
        cluster.registeredContainerInstancesCount = 0
        cluster.statistics = []
        if includeTags {
            cluster.tags = try store.tags(for: stored.arn).map { Tag(key: $0.key, value: $0.value) }
        }
        return cluster
    }

    // MARK: tags

    func tagResource(_ request: TagResourceRequest) throws -> TagResourceResponse {
        try requireResource(request.resourceArn)
        try store.setTags(request.tags.map { ($0.key ?? "", $0.value ?? "") }, for: request.resourceArn)
        return TagResourceResponse()
    }

    func untagResource(_ request: UntagResourceRequest) throws -> UntagResourceResponse {
        try requireResource(request.resourceArn)
        try store.removeTags(keys: request.tagKeys, for: request.resourceArn)
        return UntagResourceResponse()
    }

    func listTagsForResource(_ request: ListTagsForResourceRequest) throws -> ListTagsForResourceResponse {
        try requireResource(request.resourceArn)
        var response = ListTagsForResourceResponse()
        response.tags = try store.tags(for: request.resourceArn).map { Tag(key: $0.key, value: $0.value) }
        return response
    }

    private func requireResource(_ arn: String) throws {
        let exists =
            try store.cluster(nameOrArn: arn) != nil || store.taskDefinition(arn: arn) != nil
            || store.task(arn: arn) != nil
        guard exists else { throw Self.invalidParameter("The specified resource could not be found: \(arn)") }
    }
}
