import Foundation

/// The input of StopTask: `task` is an ID or ARN.
public struct StopTaskRequest: ECSShape {
    public static let shapeName = "StopTaskRequest"

    public var cluster: String?
    public var task: String
    /// Shown as the task's `stoppedReason`.
    public var reason: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster, task, reason
    }

    public init(
        cluster: String? = nil,
        task: String,
        reason: String? = nil
    ) {
        self.cluster = cluster
        self.task = task
        self.reason = reason
    }
}

/// The output of StopTask: the task, with desiredStatus STOPPED.
public struct StopTaskResponse: ECSShape {
    public static let shapeName = "StopTaskResponse"

    public var task: ECSTask?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case task
    }

    public init(task: ECSTask? = nil) {
        self.task = task
    }
}

/// The input of DescribeTasks: up to 100 task IDs or ARNs.
public struct DescribeTasksRequest: ECSShape {
    public static let shapeName = "DescribeTasksRequest"

    public var cluster: String?
    public var tasks: [String]
    public var include: [TaskField]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster, tasks, include
    }

    public init(
        cluster: String? = nil,
        tasks: [String],
        include: [TaskField]? = nil
    ) {
        self.cluster = cluster
        self.tasks = tasks
        self.include = include
    }
}

/// The output of DescribeTasks: the tasks found and a failure for each one not found.
public struct DescribeTasksResponse: ECSShape {
    public static let shapeName = "DescribeTasksResponse"

    public var tasks: [ECSTask]?
    public var failures: [Failure]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case tasks, failures
    }

    public init(
        tasks: [ECSTask]? = nil,
        failures: [Failure]? = nil
    ) {
        self.tasks = tasks
        self.failures = failures
    }
}

/// The input of ListTasks; without `desiredStatus` it lists RUNNING tasks.
public struct ListTasksRequest: ECSShape {
    public static let shapeName = "ListTasksRequest"

    public var cluster: String?
    public var containerInstance: String?
    public var family: String?
    public var nextToken: String?
    /// 1...100.
    public var maxResults: Int?
    public var startedBy: String?
    public var serviceName: String?
    public var desiredStatus: DesiredStatus?
    public var launchType: LaunchType?
    public var daemonName: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case cluster, containerInstance, family, nextToken, maxResults, startedBy, serviceName, desiredStatus
        case launchType, daemonName
    }

    public init(
        cluster: String? = nil,
        containerInstance: String? = nil,
        family: String? = nil,
        nextToken: String? = nil,
        maxResults: Int? = nil,
        startedBy: String? = nil,
        serviceName: String? = nil,
        desiredStatus: DesiredStatus? = nil,
        launchType: LaunchType? = nil,
        daemonName: String? = nil
    ) {
        self.cluster = cluster
        self.containerInstance = containerInstance
        self.family = family
        self.nextToken = nextToken
        self.maxResults = maxResults
        self.startedBy = startedBy
        self.serviceName = serviceName
        self.desiredStatus = desiredStatus
        self.launchType = launchType
        self.daemonName = daemonName
    }
}

/// The output of ListTasks.
public struct ListTasksResponse: ECSShape {
    public static let shapeName = "ListTasksResponse"

    public var taskArns: [String]?
    public var nextToken: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case taskArns, nextToken
    }

    public init(
        taskArns: [String]? = nil,
        nextToken: String? = nil
    ) {
        self.taskArns = taskArns
        self.nextToken = nextToken
    }
}
