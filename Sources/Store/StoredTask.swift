import Foundation
import GRDB

/// A task. `document` is the Task JSON the API returns; the other fields are what listings filter on.
/// `version` grows with every update (see `BerthStore.updateTask(_:expectedVersion:)`).
public struct StoredTask: Sendable, Equatable {
    public var arn: String
    public var id: String
    public var clusterArn: String
    public var taskDefinitionArn: String
    public var family: String
    public var lastStatus: String
    public var desiredStatus: String
    public var startedBy: String?
    public var group: String?
    public var launchType: String?
    public var containerNames: [String]
    public var document: Data
    public var version: Int
    public var createdAt: Date
    public var stoppedAt: Date?

    public init(
        arn: String, id: String, clusterArn: String, taskDefinitionArn: String, family: String,
        lastStatus: String, desiredStatus: String, startedBy: String? = nil, group: String? = nil,
        launchType: String? = nil, containerNames: [String], document: Data, version: Int, createdAt: Date,
        stoppedAt: Date? = nil
    ) {
        self.arn = arn
        self.id = id
        self.clusterArn = clusterArn
        self.taskDefinitionArn = taskDefinitionArn
        self.family = family
        self.lastStatus = lastStatus
        self.desiredStatus = desiredStatus
        self.startedBy = startedBy
        self.group = group
        self.launchType = launchType
        self.containerNames = containerNames
        self.document = document
        self.version = version
        self.createdAt = createdAt
        self.stoppedAt = stoppedAt
    }
}

extension StoredTask {
    /// Every column but `seq` and `arn`, in the order `columnValues` lists their values.
    static let columns = [
        "id", "cluster_arn", "task_definition_arn", "family", "last_status", "desired_status", "started_by",
        "group_name", "launch_type", "container_names", "document", "version", "created_at", "stopped_at",
    ]

    var columnValues: StatementArguments {
        [
            id, clusterArn, taskDefinitionArn, family, lastStatus, desiredStatus, startedBy, group, launchType,
            Self.encodeNames(containerNames), document, version, createdAt.storedValue, stoppedAt?.storedValue,
        ]
    }

    init(row: Row) throws {
        self.init(
            arn: row["arn"], id: row["id"], clusterArn: row["cluster_arn"],
            taskDefinitionArn: row["task_definition_arn"], family: row["family"], lastStatus: row["last_status"],
            desiredStatus: row["desired_status"], startedBy: row["started_by"], group: row["group_name"],
            launchType: row["launch_type"], containerNames: try Self.decodeNames(row["container_names"]),
            document: row["document"], version: row["version"], createdAt: Date(storedValue: row["created_at"]),
            stoppedAt: (row["stopped_at"] as Double?).map(Date.init(storedValue:)))
    }

    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Self] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.init(row:))
    }

    // A JSON array, so that a listing can filter with json_each without a table of its own.
    private static func encodeNames(_ names: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(names), as: UTF8.self)
    }

    private static func decodeNames(_ json: String) throws -> [String] {
        do {
            return try JSONDecoder().decode([String].self, from: Data(json.utf8))
        } catch {
            throw StoreError.database("task container_names is not a JSON array of strings: \(json)")
        }
    }
}
