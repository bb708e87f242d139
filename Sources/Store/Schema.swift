import GRDB

/// The schema, as an append-only list of migrations. A shipped migration is never edited: a later change
/// is a new migration (`v2`, …), so every state.db on disk reaches the same schema whatever its age.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        return migrator
    }

    // Dates are REAL seconds since 2001-01-01 (see StoredDate.swift); documents are the JSON the API
    // returns, kept as BLOBs and never parsed here. Only what a query filters or sorts on gets a column.
    private static func createV1(_ db: Database) throws {
        try db.execute(
            sql: """
                -- One row per family ever registered, never deleted: last_revision is the highest revision
                -- handed out, so a revision is never reused even after its task definition is deleted.
                CREATE TABLE task_definition_family (
                    family TEXT PRIMARY KEY NOT NULL,
                    last_revision INTEGER NOT NULL
                );

                CREATE TABLE task_definition (
                    arn TEXT PRIMARY KEY NOT NULL,
                    family TEXT NOT NULL REFERENCES task_definition_family (family),
                    revision INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    document BLOB NOT NULL,
                    registered_at REAL NOT NULL,
                    deregistered_at REAL,
                    UNIQUE (family, revision)
                );
                CREATE INDEX task_definition_by_status ON task_definition (status, family, revision);

                CREATE TABLE cluster (
                    arn TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL,
                    document BLOB NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX cluster_by_status ON cluster (status, name);

                -- seq breaks ties between tasks created in the same instant, so "newest first" is a total,
                -- stable order that keyset paging can resume from. container_names is a JSON array.
                CREATE TABLE task (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    arn TEXT NOT NULL UNIQUE,
                    id TEXT NOT NULL,
                    cluster_arn TEXT NOT NULL REFERENCES cluster (arn) ON UPDATE CASCADE,
                    task_definition_arn TEXT NOT NULL,
                    family TEXT NOT NULL,
                    last_status TEXT NOT NULL,
                    desired_status TEXT NOT NULL,
                    started_by TEXT,
                    group_name TEXT,
                    launch_type TEXT,
                    container_names TEXT NOT NULL,
                    document BLOB NOT NULL,
                    version INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    stopped_at REAL
                );
                CREATE INDEX task_by_cluster ON task (cluster_arn, created_at, seq);
                CREATE INDEX task_by_stopped_at ON task (stopped_at) WHERE stopped_at IS NOT NULL;

                -- RunTask's clientToken: (cluster, token) -> the tasks that call started, in order. Rows go
                -- with their task when it is purged, which frees the token.
                CREATE TABLE task_client_token (
                    cluster_arn TEXT NOT NULL,
                    token TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    task_arn TEXT NOT NULL REFERENCES task (arn) ON DELETE CASCADE,
                    PRIMARY KEY (cluster_arn, token, position)
                ) WITHOUT ROWID;
                CREATE INDEX task_client_token_by_task ON task_client_token (task_arn);

                -- Tags of any ARN (no foreign key: tags outlive no resource of ours, deletions remove them).
                -- id keeps the order keys were first set; an upsert of a key keeps its place.
                CREATE TABLE tag (
                    id INTEGER PRIMARY KEY,
                    resource_arn TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    UNIQUE (resource_arn, key)
                );
                """)
    }
}
