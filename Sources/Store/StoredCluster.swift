import Foundation
import GRDB

/// A cluster. `document` is the Cluster JSON the API returns.
public struct StoredCluster: Sendable, Equatable {
    public var arn: String
    public var name: String
    /// ACTIVE or INACTIVE.
    public var status: String
    public var document: Data
    public var createdAt: Date

    public init(arn: String, name: String, status: String, document: Data, createdAt: Date) {
        self.arn = arn
        self.name = name
        self.status = status
        self.document = document
        self.createdAt = createdAt
    }
}

extension StoredCluster {
    init(row: Row) {
        self.init(
            arn: row["arn"], name: row["name"], status: row["status"], document: row["document"],
            createdAt: Date(storedValue: row["created_at"]))
    }

    static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Self? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map(Self.init(row:))
    }
}
