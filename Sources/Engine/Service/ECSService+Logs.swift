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
    static let berthOperations: Set<String> = ["BerthGetTaskLogs"]

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
