import Foundation
import GRDB

extension BerthStore {
    private struct RevisionKey: Codable {
        var family: String
        var revision: Int
    }

    /// ListTaskDefinitions: revisions ordered by family name then revision number, both reversed when
    /// `descending`. As in ECS, `familyPrefix` is the *full* family name (ECS documents it so and matches
    /// it exactly); nil filters are not applied (the ACTIVE default of the API is the caller's).
    public func listTaskDefinitions(
        familyPrefix: String?, status: String?, descending: Bool, maxResults: Int, nextToken: String?
    ) throws -> Page<StoredTaskDefinition> {
        let listing = descending ? "taskDefinitions.desc" : "taskDefinitions.asc"
        let after = try PageCursor.decode(nextToken, listing: listing, as: RevisionKey.self)
        var filter = SQLFilter()
        if let familyPrefix { filter.require("family = ?", familyPrefix) }
        if let status { filter.require("status = ?", status) }
        if let after {
            filter.require(
                descending ? "(family, revision) < (?, ?)" : "(family, revision) > (?, ?)", after.family, after.revision
            )
        }
        let direction = descending ? "DESC" : "ASC"
        let limit = pageLimit(maxResults)
        let rows = try read { db in
            try StoredTaskDefinition.fetchAll(
                db,
                sql: """
                    SELECT * FROM task_definition \(filter.whereClause)
                    ORDER BY family \(direction), revision \(direction) LIMIT ?
                    """, arguments: filter.arguments + [limit + 1])
        }
        return Page.keyset(rows, limit: limit, item: { $0 }) {
            PageCursor.encode(RevisionKey(family: $0.family, revision: $0.revision), listing: listing)
        }
    }

    /// ListTaskDefinitionFamilies, by name. `familyPrefix` is a real prefix here (as in ECS). `status`:
    /// ACTIVE = families with an ACTIVE revision; INACTIVE = families with revisions, none ACTIVE;
    /// ALL or nil = every family with a stored revision; any other value matches nothing.
    public func listTaskDefinitionFamilies(
        familyPrefix: String?, status: String?, maxResults: Int, nextToken: String?
    ) throws -> Page<String> {
        let listing = "taskDefinitionFamilies"
        let after = try PageCursor.decode(nextToken, listing: listing, as: String.self)
        var filter = SQLFilter()
        // instr(...) = 1 is a case-sensitive "starts with" without LIKE's wildcards and ASCII case folding.
        if let familyPrefix, !familyPrefix.isEmpty { filter.require("instr(family, ?) = 1", familyPrefix) }
        if let after { filter.require("family > ?", after) }
        let having =
            switch status {
            case nil, "ALL": ""
            case "ACTIVE": "HAVING max(status = 'ACTIVE') = 1"
            case "INACTIVE": "HAVING max(status = 'ACTIVE') = 0"
            default: "HAVING 0"
            }
        let limit = pageLimit(maxResults)
        let families = try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT family FROM task_definition \(filter.whereClause)
                    GROUP BY family \(having) ORDER BY family LIMIT ?
                    """, arguments: filter.arguments + [limit + 1])
        }
        return Page.keyset(families, limit: limit, item: { $0 }) { PageCursor.encode($0, listing: listing) }
    }
}
