import Foundation
import GRDB

extension BerthStore {
    private struct TaskKey: Codable {
        var createdAt: Double
        var seq: Int64
    }

    /// ListTasks of one cluster, newest first (createdAt, then insertion order, both descending). Each
    /// non-nil filter must match exactly; `containerName` matches a task with a container of that name.
    /// The API's default desiredStatus (RUNNING) is the caller's to apply.
    public func listTasks(
        clusterArn: String, family: String?, startedBy: String?, desiredStatus: String?, containerName: String?,
        launchType: String?, maxResults: Int, nextToken: String?
    ) throws -> Page<StoredTask> {
        let listing = "tasks"
        let after = try PageCursor.decode(nextToken, listing: listing, as: TaskKey.self)
        var filter = SQLFilter()
        filter.require("cluster_arn = ?", clusterArn)
        if let family { filter.require("family = ?", family) }
        if let startedBy { filter.require("started_by = ?", startedBy) }
        if let desiredStatus { filter.require("desired_status = ?", desiredStatus) }
        if let launchType { filter.require("launch_type = ?", launchType) }
        if let containerName {
            filter.require("EXISTS (SELECT 1 FROM json_each(task.container_names) WHERE value = ?)", containerName)
        }
        if let after { filter.require("(created_at, seq) < (?, ?)", after.createdAt, after.seq) }
        let limit = pageLimit(maxResults)
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM task \(filter.whereClause) ORDER BY created_at DESC, seq DESC LIMIT ?",
                arguments: filter.arguments + [limit + 1]
            ).map { (task: try StoredTask(row: $0), key: TaskKey(createdAt: $0["created_at"], seq: $0["seq"])) }
        }
        return Page.keyset(rows, limit: limit, item: \.task) { PageCursor.encode($0.key, listing: listing) }
    }
}
