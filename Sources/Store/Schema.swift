import GRDB

/// The schema, as an append-only list of migrations. A shipped migration is never edited: a later change
/// is a new migration (`v2`, …), so every state.db on disk reaches the same schema whatever its age.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: createV1)
        migrator.registerMigration("v2", migrate: createV2Network)
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

    // awsvpc networking (issue 6): the VPC, its subnets and security groups, and one row per attached task,
    // which is also the task's address lease: UNIQUE (subnet_id, address) is what makes an address never
    // handed out twice while held. Addresses are IPv4 as INTEGER (host order).
    private static func createV2Network(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE vpc (
                    id TEXT PRIMARY KEY NOT NULL,
                    cidr TEXT NOT NULL,
                    created_at REAL NOT NULL
                );

                -- last_leased: the address most recently handed out, so allocation moves round the subnet
                -- instead of reusing the address a task just released.
                CREATE TABLE subnet (
                    id TEXT PRIMARY KEY NOT NULL,
                    vpc_id TEXT NOT NULL REFERENCES vpc (id),
                    cidr TEXT NOT NULL UNIQUE,
                    bridge TEXT NOT NULL UNIQUE,
                    last_leased INTEGER NOT NULL DEFAULT 0,
                    auto_created INTEGER NOT NULL,
                    created_at REAL NOT NULL
                );

                CREATE TABLE security_group (
                    id TEXT PRIMARY KEY NOT NULL,
                    vpc_id TEXT NOT NULL REFERENCES vpc (id),
                    name TEXT NOT NULL,
                    description TEXT NOT NULL,
                    auto_created INTEGER NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (vpc_id, name)
                );

                -- direction: ingress or egress. protocol: tcp, udp, icmp or -1 (all). peer is a CIDR or,
                -- when peer_group_id is set, the members of that group.
                CREATE TABLE security_group_rule (
                    id TEXT PRIMARY KEY NOT NULL,
                    group_id TEXT NOT NULL REFERENCES security_group (id) ON DELETE CASCADE,
                    direction TEXT NOT NULL,
                    protocol TEXT NOT NULL,
                    from_port INTEGER NOT NULL,
                    to_port INTEGER NOT NULL,
                    cidr TEXT,
                    peer_group_id TEXT,
                    description TEXT
                );
                CREATE INDEX security_group_rule_by_group ON security_group_rule (group_id, direction);

                -- security_groups and port_mappings are JSON arrays (the attachment's own record).
                CREATE TABLE network_attachment (
                    task_id TEXT PRIMARY KEY NOT NULL,
                    subnet_id TEXT NOT NULL REFERENCES subnet (id),
                    address INTEGER NOT NULL,
                    mac TEXT NOT NULL,
                    eni_id TEXT NOT NULL,
                    attachment_id TEXT NOT NULL,
                    host_link TEXT NOT NULL UNIQUE,
                    netns_path TEXT NOT NULL,
                    assign_public_ip INTEGER NOT NULL,
                    security_groups TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (subnet_id, address)
                );

                -- A published host port: (protocol, host_port) is held by one task at a time.
                CREATE TABLE port_reservation (
                    protocol TEXT NOT NULL,
                    host_port INTEGER NOT NULL,
                    container_port INTEGER NOT NULL,
                    task_id TEXT NOT NULL REFERENCES network_attachment (task_id) ON DELETE CASCADE,
                    PRIMARY KEY (protocol, host_port)
                ) WITHOUT ROWID;
                CREATE INDEX port_reservation_by_task ON port_reservation (task_id);
                """)
    }
}
