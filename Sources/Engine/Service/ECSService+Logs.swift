import Cgroups
import ECSModel
import Foundation

/// berth's one operation beyond ECS: where a task's container logs are, for `berth logs` (which reads
/// and follows the files itself, on the same machine). Served as `BerthGetTaskLogs` with the same
/// awsJson1_1 framing; the aws CLI never sends it.
struct GetTaskLogsRequest: Codable {
    var cluster: String?
    var task: String
}

struct GetTaskLogsResponse: Codable {
    struct Stream: Codable {
        var containerName: String
        var logStreamName: String
        var path: String
    }
    var taskArn: String
    var lastStatus: String
    var streams: [Stream]
}

extension ECSService {
    static let berthOperations: Set<String> = ["BerthGetTaskLogs", "BerthGetTaskStats"]

    func getTaskLogs(_ body: Data) throws -> Data {
        let request: GetTaskLogsRequest
        do {
            request = try JSONDecoder().decode(GetTaskLogsRequest.self, from: body)
        } catch {
            throw Self.invalidParameter("BerthGetTaskLogs takes {\"task\": \"<id or ARN>\", \"cluster\": \"<name>\"}.")
        }
        let cluster = try activeCluster(request.cluster)
        guard let stored = try findTask(request.task, cluster: cluster) else {
            throw Self.invalidParameter("The referenced task was not found.")
        }
        let task = try JSONDecoder().decode(ECSTask.self, from: stored.document)
        let definitions = TaskRuntimeRecord.read(taskDirectory: engine.taskDirectory(stored.id))?.containers
        let streams = (task.containers ?? []).map { container -> GetTaskLogsResponse.Stream in
            let definition =
                definitions?.first { $0.name == container.name } ?? ContainerDefinition(name: container.name)
            return .init(
                containerName: container.name ?? "",
                logStreamName: TaskLogPaths.streamName(container: definition, taskID: stored.id),
                path: TaskLogPaths.logPath(
                    taskDirectory: engine.taskDirectory(stored.id), container: definition, taskID: stored.id))
        }
        return try JSONEncoder().encode(
            GetTaskLogsResponse(taskArn: stored.arn, lastStatus: stored.lastStatus, streams: streams))
    }
}

extension ECSService {
    /// ECS keeps stopped tasks describable for at least an hour; berth keeps them one hour, then removes
    /// the record and what the task left on disk (its logs).
    public func purgeStoppedTasks(olderThan cutoff: Date) throws {
        _ = try store.purgeStoppedTasks(olderThan: cutoff)
        let directory = "\(engine.root)/tasks"
        for id in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            guard try !store.taskExists(id: id) else { continue }
            try? FileManager.default.removeItem(atPath: "\(directory)/\(id)")
        }
    }
}

/// `berth stats`: the kernel's counters for a task's group and its containers' (BerthGetTaskStats).
struct GetTaskStatsRequest: Codable {
    var cluster: String?
    var task: String?
}

struct GetTaskStatsResponse: Codable {
    struct Entry: Codable {
        var taskArn: String
        var cpu: String?
        var memory: String?
        var stats: TaskCgroupStats
    }
    var tasks: [Entry]
}

extension ECSService {
    /// One task's stats, or every running task's in the cluster when no task is named.
    func getTaskStats(_ body: Data) async throws -> Data {
        let request: GetTaskStatsRequest
        do {
            request = try JSONDecoder().decode(GetTaskStatsRequest.self, from: body.isEmpty ? Data("{}".utf8) : body)
        } catch {
            throw Self.invalidParameter("BerthGetTaskStats takes {\"task\": \"<id or ARN>\", \"cluster\": \"<name>\"}.")
        }
        let cluster = try activeCluster(request.cluster)
        var arns: [String]
        if let reference = request.task {
            guard let stored = try findTask(reference, cluster: cluster) else {
                throw Self.invalidParameter("The referenced task was not found.")
            }
            arns = [stored.arn]
        } else {
            arns = try store.listTasks(
                clusterArn: cluster.arn, family: nil, startedBy: nil, desiredStatus: "RUNNING", containerName: nil,
                launchType: nil, maxResults: 100, nextToken: nil
            ).items.map(\.arn)
        }
        var entries: [GetTaskStatsResponse.Entry] = []
        for arn in arns {
            guard let supervisor = tasks.supervisor(arn), let stats = await supervisor.stats(),
                let stored = try store.task(arn: arn)
            else { continue }
            let task = try JSONDecoder().decode(ECSTask.self, from: stored.document)
            entries.append(.init(taskArn: arn, cpu: task.cpu, memory: task.memory, stats: stats))
        }
        return try JSONEncoder().encode(GetTaskStatsResponse(tasks: entries))
    }
}
