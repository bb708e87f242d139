import Foundation
import GRDB

extension BerthStore {
    /// Registers the next revision of `family`. The revision is allocated and the row inserted in one write
    /// transaction (writes are serialized), so concurrent registrations of a family get distinct revisions;
    /// `makeDocument` runs inside it to build the ARN and JSON that name that revision. If it throws, nothing
    /// is stored and its error propagates.
    public func registerTaskDefinition(
        family: String, registeredAt: Date,
        makeDocument: @Sendable (_ revision: Int) throws -> (arn: String, document: Data)
    ) throws -> StoredTaskDefinition {
        try write { db in
            let revision = try Int.fetchOne(
                db,
                sql: """
                    INSERT INTO task_definition_family (family, last_revision) VALUES (?, 1)
                    ON CONFLICT (family) DO UPDATE SET last_revision = last_revision + 1
                    RETURNING last_revision
                    """, arguments: [family])!
            let (arn, document) = try makeDocument(revision)
            let definition = StoredTaskDefinition(
                arn: arn, family: family, revision: revision, status: "ACTIVE", document: document,
                registeredAt: registeredAt)
            try db.execute(
                sql: """
                    INSERT INTO task_definition
                        (arn, family, revision, status, document, registered_at, deregistered_at)
                    VALUES (?, ?, ?, ?, ?, ?, NULL)
                    """,
                arguments: [arn, family, revision, definition.status, document, registeredAt.storedValue])
            return definition
        }
    }

    public func taskDefinition(arn: String) throws -> StoredTaskDefinition? {
        try read { db in
            try StoredTaskDefinition.fetchOne(db, sql: "SELECT * FROM task_definition WHERE arn = ?", arguments: [arn])
        }
    }

    /// The given revision whatever its status, or with `revision` nil the latest ACTIVE revision (what ECS
    /// resolves a bare family name to).
    public func taskDefinition(family: String, revision: Int?) throws -> StoredTaskDefinition? {
        try read { db in
            if let revision {
                return try StoredTaskDefinition.fetchOne(
                    db, sql: "SELECT * FROM task_definition WHERE family = ? AND revision = ?",
                    arguments: [family, revision])
            }
            return try StoredTaskDefinition.fetchOne(
                db,
                sql: """
                    SELECT * FROM task_definition WHERE family = ? AND status = 'ACTIVE'
                    ORDER BY revision DESC LIMIT 1
                    """, arguments: [family])
        }
    }

    /// Updates `status`, `document` and `deregisteredAt` of the revision with `definition.arn`.
    public func updateTaskDefinition(_ definition: StoredTaskDefinition) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE task_definition SET status = ?, document = ?, deregistered_at = ? WHERE arn = ?",
                arguments: [
                    definition.status, definition.document, definition.deregisteredAt?.storedValue, definition.arn,
                ])
            guard db.changesCount > 0 else { throw StoreError.notFound("task definition \(definition.arn)") }
        }
    }

    /// Deletes one revision and its tags. Its family keeps its revision counter, so the number is not reused.
    public func deleteTaskDefinition(arn: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM task_definition WHERE arn = ?", arguments: [arn])
            guard db.changesCount > 0 else { throw StoreError.notFound("task definition \(arn)") }
            try db.execute(sql: "DELETE FROM tag WHERE resource_arn = ?", arguments: [arn])
        }
    }
}
