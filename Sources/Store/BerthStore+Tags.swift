import GRDB

extension BerthStore {
    /// The tags of any resource ARN, in the order their keys were first set.
    public func tags(for arn: String) throws -> [(key: String, value: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT key, value FROM tag WHERE resource_arn = ? ORDER BY id", arguments: [arn])
                .map { (key: $0["key"], value: $0["value"]) }
        }
    }

    /// TagResource: sets each key's value (a later duplicate key in `tags` wins), keeping other keys.
    public func setTags(_ tags: [(key: String, value: String)], for arn: String) throws {
        try write { db in
            for tag in tags {
                try db.execute(
                    sql: """
                        INSERT INTO tag (resource_arn, key, value) VALUES (?, ?, ?)
                        ON CONFLICT (resource_arn, key) DO UPDATE SET value = excluded.value
                        """, arguments: [arn, tag.key, tag.value])
            }
        }
    }

    /// UntagResource: removes these keys; keys that are not set are ignored, as ECS does.
    public func removeTags(keys: [String], for arn: String) throws {
        try write { db in
            for key in keys {
                try db.execute(sql: "DELETE FROM tag WHERE resource_arn = ? AND key = ?", arguments: [arn, key])
            }
        }
    }
}
