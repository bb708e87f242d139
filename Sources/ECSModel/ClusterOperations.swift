import Foundation

/// The input of CreateCluster; without `clusterName` the cluster is named "default".
public struct CreateClusterRequest: ECSShape {
    public static let shapeName = "CreateClusterRequest"

    public var clusterName: String?
    public var tags: [Tag]?
    public var settings: [ClusterSetting]?
    public var configuration: ClusterConfiguration?
    public var capacityProviders: [String]?
    public var defaultCapacityProviderStrategy: [CapacityProviderStrategyItem]?
    public var serviceConnectDefaults: ClusterServiceConnectDefaultsRequest?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case clusterName, tags, settings, configuration, capacityProviders, defaultCapacityProviderStrategy
        case serviceConnectDefaults
    }

    public init(
        clusterName: String? = nil,
        tags: [Tag]? = nil,
        settings: [ClusterSetting]? = nil,
        configuration: ClusterConfiguration? = nil,
        capacityProviders: [String]? = nil,
        defaultCapacityProviderStrategy: [CapacityProviderStrategyItem]? = nil,
        serviceConnectDefaults: ClusterServiceConnectDefaultsRequest? = nil
    ) {
        self.clusterName = clusterName
        self.tags = tags
        self.settings = settings
        self.configuration = configuration
        self.capacityProviders = capacityProviders
        self.defaultCapacityProviderStrategy = defaultCapacityProviderStrategy
        self.serviceConnectDefaults = serviceConnectDefaults
    }
}

/// The output of CreateCluster.
public struct CreateClusterResponse: ECSShape {
    public static let shapeName = "CreateClusterResponse"

    public var cluster: Cluster?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster
    }

    public init(cluster: Cluster? = nil) {
        self.cluster = cluster
    }
}

/// The input of DescribeClusters: up to 100 names or ARNs (the default cluster if absent).
public struct DescribeClustersRequest: ECSShape {
    public static let shapeName = "DescribeClustersRequest"

    public var clusters: [String]?
    public var include: [ClusterField]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case clusters, include
    }

    public init(
        clusters: [String]? = nil,
        include: [ClusterField]? = nil
    ) {
        self.clusters = clusters
        self.include = include
    }
}

/// The output of DescribeClusters: the clusters found and a failure for each one not found.
public struct DescribeClustersResponse: ECSShape {
    public static let shapeName = "DescribeClustersResponse"

    public var clusters: [Cluster]?
    public var failures: [Failure]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case clusters, failures
    }

    public init(
        clusters: [Cluster]? = nil,
        failures: [Failure]? = nil
    ) {
        self.clusters = clusters
        self.failures = failures
    }
}

/// The input of ListClusters.
public struct ListClustersRequest: ECSShape {
    public static let shapeName = "ListClustersRequest"

    public var nextToken: String?
    /// 1...100.
    public var maxResults: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case nextToken, maxResults
    }

    public init(
        nextToken: String? = nil,
        maxResults: Int? = nil
    ) {
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

/// The output of ListClusters.
public struct ListClustersResponse: ECSShape {
    public static let shapeName = "ListClustersResponse"

    public var clusterArns: [String]?
    public var nextToken: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case clusterArns, nextToken
    }

    public init(
        clusterArns: [String]? = nil,
        nextToken: String? = nil
    ) {
        self.clusterArns = clusterArns
        self.nextToken = nextToken
    }
}

/// The input of DeleteCluster: a name or ARN.
public struct DeleteClusterRequest: ECSShape {
    public static let shapeName = "DeleteClusterRequest"

    public var cluster: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster
    }

    public init(cluster: String) {
        self.cluster = cluster
    }
}

/// The output of DeleteCluster: the cluster, now INACTIVE.
public struct DeleteClusterResponse: ECSShape {
    public static let shapeName = "DeleteClusterResponse"

    public var cluster: Cluster?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster
    }

    public init(cluster: Cluster? = nil) {
        self.cluster = cluster
    }
}
