import Foundation
import GRDB

/// VPC, subnets and security groups (the EC2 side of awsvpc networking).
extension BerthStore {
    /// The VPC with this id, created with `cidr` if it does not exist yet. An existing VPC keeps its CIDR.
    public func ensureVPC(id: String, cidr: String, createdAt: Date) throws -> StoredVPC {
        try write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT * FROM vpc WHERE id = ?", arguments: [id]) {
                return StoredVPC(row: row)
            }
            try db.execute(
                sql: "INSERT INTO vpc (id, cidr, created_at) VALUES (?, ?, ?)",
                arguments: [id, cidr, createdAt.storedValue])
            return StoredVPC(id: id, cidr: cidr, createdAt: createdAt)
        }
    }

    /// Inserts a subnet; a duplicate id, CIDR or bridge is a `StoreError.conflict`.
    public func createSubnet(_ subnet: StoredSubnet) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO subnet (id, vpc_id, cidr, bridge, last_leased, auto_created, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    subnet.id, subnet.vpcID, subnet.cidr, subnet.bridge, Int64(subnet.lastLeased),
                    subnet.autoCreated, subnet.createdAt.storedValue,
                ])
        }
    }

    public func subnet(id: String) throws -> StoredSubnet? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subnet WHERE id = ?", arguments: [id]).map(StoredSubnet.init(row:))
        }
    }

    /// Every subnet, oldest first.
    public func subnets() throws -> [StoredSubnet] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM subnet ORDER BY created_at, id").map(StoredSubnet.init(row:))
        }
    }

    /// Inserts a security group with its rules; a duplicate id or (vpc, name) is a `StoreError.conflict`.
    public func createSecurityGroup(_ group: StoredSecurityGroup) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO security_group (id, vpc_id, name, description, auto_created, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    group.id, group.vpcID, group.name, group.description, group.autoCreated,
                    group.createdAt.storedValue,
                ])
            for rule in group.rules { try Self.insert(rule, db) }
        }
    }

    public func securityGroup(id: String) throws -> StoredSecurityGroup? {
        try read { db in try Self.fetchGroup(id: id, db) }
    }

    /// Every security group with its rules, oldest first.
    public func securityGroups() throws -> [StoredSecurityGroup] {
        try read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM security_group ORDER BY created_at, id")
            return try ids.compactMap { try Self.fetchGroup(id: $0, db) }
        }
    }

    /// Adds rules to their group (AuthorizeSecurityGroupIngress/Egress) and returns the group as stored.
    public func addSecurityGroupRules(_ rules: [StoredSecurityGroupRule], groupID: String) throws
        -> StoredSecurityGroup
    {
        try write { db in
            guard try Self.fetchGroup(id: groupID, db) != nil else {
                throw StoreError.notFound("security group \(groupID)")
            }
            for rule in rules { try Self.insert(rule, db) }
            return try Self.fetchGroup(id: groupID, db)!
        }
    }

    /// Removes rules of a group by id (RevokeSecurityGroupIngress/Egress) and returns the group as stored.
    public func removeSecurityGroupRules(ids: [String], groupID: String) throws -> StoredSecurityGroup {
        try write { db in
            guard try Self.fetchGroup(id: groupID, db) != nil else {
                throw StoreError.notFound("security group \(groupID)")
            }
            for id in ids {
                try db.execute(
                    sql: "DELETE FROM security_group_rule WHERE id = ? AND group_id = ?", arguments: [id, groupID])
            }
            return try Self.fetchGroup(id: groupID, db)!
        }
    }

    private static func insert(_ rule: StoredSecurityGroupRule, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO security_group_rule
                    (id, group_id, direction, protocol, from_port, to_port, cidr, peer_group_id, description)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                rule.id, rule.groupID, rule.direction, rule.ipProtocol, rule.fromPort, rule.toPort, rule.cidr,
                rule.peerGroupID, rule.description,
            ])
    }

    private static func fetchGroup(id: String, _ db: Database) throws -> StoredSecurityGroup? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM security_group WHERE id = ?", arguments: [id])
        else { return nil }
        let rules = try Row.fetchAll(
            db, sql: "SELECT * FROM security_group_rule WHERE group_id = ? ORDER BY rowid", arguments: [id]
        ).map(StoredSecurityGroupRule.init(row:))
        return StoredSecurityGroup(row: row, rules: rules)
    }
}
