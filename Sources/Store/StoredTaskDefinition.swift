import Foundation
import GRDB

/// A registered task definition revision. `document` is the TaskDefinition JSON the API returns.
public struct StoredTaskDefinition: Sendable, Equatable {
    public var arn: String
    public var family: String
    public var revision: Int
    /// ACTIVE, INACTIVE or DELETE_IN_PROGRESS.
    public var status: String
    public var document: Data
    public var registeredAt: Date
    public var deregisteredAt: Date?

    public init(
        arn: String, family: String, revision: Int, status: String, document: Data, registeredAt: Date,
        deregisteredAt: Date? = nil
    ) {
        self.arn = arn
        self.family = family
        self.revision = revision
        self.status = status
        self.document = document
        self.registeredAt = registeredAt
        self.deregisteredAt = deregisteredAt
    }
}

extension StoredTaskDefinition {
    init(row: Row) {
        self.init(
            arn: row["arn"], family: row["family"], revision: row["revision"], status: row["status"],
            document: row["document"], registeredAt: Date(storedValue: row["registered_at"]),
            deregisteredAt: (row["deregistered_at"] as Double?).map(Date.init(storedValue:)))
    }

    static func fetchAll(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> [Self] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.init(row:))
    }

    static func fetchOne(_ db: Database, sql: String, arguments: StatementArguments = []) throws -> Self? {
        try Row.fetchOne(db, sql: sql, arguments: arguments).map(Self.init(row:))
    }
}
