import Foundation
import GRDB

extension BerthStore {
    /// Stores the tasks of one RunTask/StartTask call in one transaction. With a `clientToken`, also records
    /// (cluster, token) -> these tasks in order, so a retried call can be answered with the same tasks; a
    /// token already used in that cluster throws `.conflict` and stores nothing. A task whose cluster is not
    /// stored throws `.notFound`; a task ARN already stored throws `.conflict`.
    public func insertTasks(_ tasks: [StoredTask], clientToken: String?) throws {
        try write { db in
            for clusterArn in Set(tasks.map(\.clusterArn)).sorted() {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM cluster WHERE arn = ?", arguments: [clusterArn]) != nil
                else { throw StoreError.notFound("cluster \(clusterArn)") }
                if let clientToken, try tokenIsUsed(db, token: clientToken, clusterArn: clusterArn) {
                    throw StoreError.conflict("client token \(clientToken) was already used in cluster \(clusterArn)")
                }
            }
            let columns = (["arn"] + StoredTask.columns).joined(separator: ", ")
            let placeholders = Array(repeating: "?", count: StoredTask.columns.count + 1).joined(separator: ", ")
            for (position, task) in tasks.enumerated() {
                try db.execute(
                    sql: "INSERT INTO task (\(columns)) VALUES (\(placeholders))",
                    arguments: [task.arn] + task.columnValues)
                if let clientToken {
                    try db.execute(
                        sql: """
                            INSERT INTO task_client_token (cluster_arn, token, position, task_arn)
                            VALUES (?, ?, ?, ?)
                            """,
                        arguments: [task.clusterArn, clientToken, position, task.arn])
                }
            }
        }
    }

    private func tokenIsUsed(_ db: Database, token: String, clusterArn: String) throws -> Bool {
        try Bool.fetchOne(
            db, sql: "SELECT 1 FROM task_client_token WHERE cluster_arn = ? AND token = ? LIMIT 1",
            arguments: [clusterArn, token]) != nil
    }

    /// The tasks a call with this client token started in this cluster, in their original order; nil if the
    /// token was not used there (or all its tasks were purged).
    public func tasks(forClientToken token: String, clusterArn: String) throws -> [StoredTask]? {
        let tasks = try read { db in
            try StoredTask.fetchAll(
                db,
                sql: """
                    SELECT task.* FROM task_client_token JOIN task ON task.arn = task_client_token.task_arn
                    WHERE task_client_token.cluster_arn = ? AND task_client_token.token = ?
                    ORDER BY task_client_token.position
                    """, arguments: [clusterArn, token])
        }
        return tasks.isEmpty ? nil : tasks
    }

    public func task(arn: String) throws -> StoredTask? {
        try read { db in
            try StoredTask.fetchAll(db, sql: "SELECT * FROM task WHERE arn = ?", arguments: [arn]).first
        }
    }

    /// Whether a task with this id is stored (in any cluster).
    public func taskExists(id: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM task WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    /// The stored tasks among `arns`, in the order of `arns` (first occurrence); unknown ARNs are skipped,
    /// so DescribeTasks can report them as failures.
    public func tasks(arns: [String]) throws -> [StoredTask] {
        var unique: [String] = []
        var seen: Set<String> = []
        for arn in arns where seen.insert(arn).inserted { unique.append(arn) }
        let byArn = try read { db in
            // json_each takes the whole list as one argument: no limit on the number of SQL variables.
            let json = String(decoding: try! JSONEncoder().encode(unique), as: UTF8.self)
            return try StoredTask.fetchAll(
                db, sql: "SELECT * FROM task WHERE arn IN (SELECT value FROM json_each(?))", arguments: [json])
        }.reduce(into: [String: StoredTask]()) { $0[$1.arn] = $1 }
        return unique.compactMap { byArn[$0] }
    }

    /// Optimistic concurrency: replaces every field of the task with `task.arn` only if its stored version is
    /// `expectedVersion` (`.conflict` otherwise, `.notFound` if there is no such task). `task.version` is the
    /// new version the caller chose, normally `expectedVersion + 1`.
    public func updateTask(_ task: StoredTask, expectedVersion: Int) throws {
        try write { db in
            let assignments = StoredTask.columns.map { "\($0) = ?" }.joined(separator: ", ")
            try db.execute(
                sql: "UPDATE task SET \(assignments) WHERE arn = ? AND version = ?",
                arguments: task.columnValues + [task.arn, expectedVersion])
            guard db.changesCount == 0 else { return }
            guard
                let stored = try Int.fetchOne(db, sql: "SELECT version FROM task WHERE arn = ?", arguments: [task.arn])
            else { throw StoreError.notFound("task \(task.arn)") }
            throw StoreError.conflict("task \(task.arn) is at version \(stored), not \(expectedVersion)")
        }
    }

    /// Tasks of a cluster by lastStatus: RUNNING, and on their way to it (PROVISIONING, PENDING, ACTIVATING),
    /// the runningTasksCount and pendingTasksCount of DescribeClusters.
    public func countTasks(clusterArn: String) throws -> (running: Int, pending: Int) {
        try read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT coalesce(sum(last_status = 'RUNNING'), 0) AS running,
                           coalesce(sum(last_status IN ('PROVISIONING', 'PENDING', 'ACTIVATING')), 0) AS pending
                    FROM task WHERE cluster_arn = ?
                    """, arguments: [clusterArn])!
            return (running: row["running"], pending: row["pending"])
        }
    }

    /// Deletes tasks that are STOPPED with a `stoppedAt` before `olderThan`, with their tags and client-token
    /// records; returns how many. (ECS keeps stopped tasks describable for at least an hour: the caller
    /// picks the cutoff.)
    public func purgeStoppedTasks(olderThan cutoff: Date) throws -> Int {
        try write { db in
            let purgeable = "SELECT arn FROM task WHERE last_status = 'STOPPED' AND stopped_at < ?"
            try db.execute(
                sql: "DELETE FROM tag WHERE resource_arn IN (\(purgeable))", arguments: [cutoff.storedValue])
            try db.execute(sql: "DELETE FROM task WHERE arn IN (\(purgeable))", arguments: [cutoff.storedValue])
            return db.changesCount
        }
    }
}
