import Foundation
import GRDB

extension BerthStore {
    /// CreateCluster. A cluster of that name that is not INACTIVE is returned as stored (`created` false):
    /// ECS's CreateCluster is idempotent by name. An INACTIVE (deleted) one is replaced in place by a new
    /// ACTIVE cluster built by `makeDocument`; the old cluster's tags go with it.
    public func createCluster(
        name: String, makeDocument: @Sendable () throws -> (arn: String, document: Data), createdAt: Date
    ) throws -> (cluster: StoredCluster, created: Bool) {
        try write { db in
            let existing = try StoredCluster.fetchOne(
                db, sql: "SELECT * FROM cluster WHERE name = ?", arguments: [name])
            if let existing, existing.status != "INACTIVE" {
                return (existing, false)
            }
            let (arn, document) = try makeDocument()
            let cluster = StoredCluster(
                arn: arn, name: name, status: "ACTIVE", document: document, createdAt: createdAt)
            if let existing {
                // An UPDATE rather than DELETE + INSERT: stopped tasks of the old cluster still reference its
                // ARN (usually the same ARN), and the foreign key follows an ARN change by cascade.
                try db.execute(sql: "DELETE FROM tag WHERE resource_arn = ?", arguments: [existing.arn])
                try db.execute(
                    sql: "UPDATE cluster SET arn = ?, status = ?, document = ?, created_at = ? WHERE name = ?",
                    arguments: [arn, cluster.status, document, createdAt.storedValue, name])
            } else {
                try db.execute(
                    sql: "INSERT INTO cluster (arn, name, status, document, created_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [arn, name, cluster.status, document, createdAt.storedValue])
            }
            return (cluster, true)
        }
    }

    /// The cluster with this ARN or name, whatever its status (DescribeClusters shows INACTIVE ones too).
    /// Cluster names cannot contain ':', so a name never matches an ARN.
    public func cluster(nameOrArn: String) throws -> StoredCluster? {
        try read { db in
            try StoredCluster.fetchOne(
                db, sql: "SELECT * FROM cluster WHERE arn = ? OR name = ?", arguments: [nameOrArn, nameOrArn])
        }
    }

    /// ListClusters: ACTIVE clusters by name.
    public func listClusters(maxResults: Int, nextToken: String?) throws -> Page<StoredCluster> {
        let listing = "clusters"
        let after = try PageCursor.decode(nextToken, listing: listing, as: String.self)
        var filter = SQLFilter()
        filter.require("status = 'ACTIVE'")
        if let after { filter.require("name > ?", after) }
        let limit = pageLimit(maxResults)
        let rows = try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM cluster \(filter.whereClause) ORDER BY name LIMIT ?",
                arguments: filter.arguments + [limit + 1]
            ).map(StoredCluster.init(row:))
        }
        return Page.keyset(rows, limit: limit, item: { $0 }) { PageCursor.encode($0.name, listing: listing) }
    }

    /// Replaces name, status, document and createdAt of the cluster with `cluster.arn`.
    public func updateCluster(_ cluster: StoredCluster) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE cluster SET name = ?, status = ?, document = ?, created_at = ? WHERE arn = ?",
                arguments: [cluster.name, cluster.status, cluster.document, cluster.createdAt.storedValue, cluster.arn])
            guard db.changesCount > 0 else { throw StoreError.notFound("cluster \(cluster.arn)") }
        }
    }
}
