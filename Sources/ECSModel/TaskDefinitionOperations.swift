import Foundation

/// The input of ListTaskDefinitions (ACTIVE revisions in ascending order by default).
public struct ListTaskDefinitionsRequest: ECSShape {
    public static let shapeName = "ListTaskDefinitionsRequest"

    public var familyPrefix: String?
    public var status: TaskDefinitionStatus?
    public var sort: SortOrder?
    public var nextToken: String?
    /// 1...100.
    public var maxResults: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case familyPrefix, status, sort, nextToken, maxResults
    }

    public init(
        familyPrefix: String? = nil,
        status: TaskDefinitionStatus? = nil,
        sort: SortOrder? = nil,
        nextToken: String? = nil,
        maxResults: Int? = nil
    ) {
        self.familyPrefix = familyPrefix
        self.status = status
        self.sort = sort
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

/// The output of ListTaskDefinitions: task definition ARNs.
public struct ListTaskDefinitionsResponse: ECSShape {
    public static let shapeName = "ListTaskDefinitionsResponse"

    public var taskDefinitionArns: [String]?
    public var nextToken: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinitionArns, nextToken
    }

    public init(
        taskDefinitionArns: [String]? = nil,
        nextToken: String? = nil
    ) {
        self.taskDefinitionArns = taskDefinitionArns
        self.nextToken = nextToken
    }
}

/// The input of ListTaskDefinitionFamilies (ACTIVE and INACTIVE families by default).
public struct ListTaskDefinitionFamiliesRequest: ECSShape {
    public static let shapeName = "ListTaskDefinitionFamiliesRequest"

    public var familyPrefix: String?
    public var status: TaskDefinitionFamilyStatus?
    public var nextToken: String?
    /// 1...100.
    public var maxResults: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case familyPrefix, status, nextToken, maxResults
    }

    public init(
        familyPrefix: String? = nil,
        status: TaskDefinitionFamilyStatus? = nil,
        nextToken: String? = nil,
        maxResults: Int? = nil
    ) {
        self.familyPrefix = familyPrefix
        self.status = status
        self.nextToken = nextToken
        self.maxResults = maxResults
    }
}

/// The output of ListTaskDefinitionFamilies: family names.
public struct ListTaskDefinitionFamiliesResponse: ECSShape {
    public static let shapeName = "ListTaskDefinitionFamiliesResponse"

    public var families: [String]?
    public var nextToken: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case families, nextToken
    }

    public init(
        families: [String]? = nil,
        nextToken: String? = nil
    ) {
        self.families = families
        self.nextToken = nextToken
    }
}

/// The input of DeleteTaskDefinitions: up to 10 INACTIVE `family:revision`s or ARNs.
public struct DeleteTaskDefinitionsRequest: ECSShape {
    public static let shapeName = "DeleteTaskDefinitionsRequest"

    public var taskDefinitions: [String]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinitions
    }

    public init(taskDefinitions: [String]) {
        self.taskDefinitions = taskDefinitions
    }
}

/// The output of DeleteTaskDefinitions: the definitions now DELETE_IN_PROGRESS and
/// a failure for each one that could not be deleted.
public struct DeleteTaskDefinitionsResponse: ECSShape {
    public static let shapeName = "DeleteTaskDefinitionsResponse"

    public var taskDefinitions: [TaskDefinition]?
    public var failures: [Failure]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskDefinitions, failures
    }

    public init(
        taskDefinitions: [TaskDefinition]? = nil,
        failures: [Failure]? = nil
    ) {
        self.taskDefinitions = taskDefinitions
        self.failures = failures
    }
}
