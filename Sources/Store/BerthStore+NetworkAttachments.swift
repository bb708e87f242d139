import Foundation
import GRDB

/// Address leases and published ports: one `network_attachment` row per task holds both.
extension BerthStore {
    /// Leases an address in `subnetID` and reserves the attachment's ports, in one transaction.
    ///
    /// `chooseAddress` gets the addresses currently held in the subnet and the subnet's last leased address and
    /// returns the address to lease (nil: the subnet is full, reported as `StoreError.conflict`). `makeAttachment`
    /// builds the record for the chosen address. A port already reserved by another task is a
    /// `StoreError.conflict` naming the port and that task; nothing is written then.
    public func leaseAddress(
        subnetID: String,
        chooseAddress: (_ held: Set<UInt32>, _ lastLeased: UInt32) -> UInt32?,
        makeAttachment: (UInt32) -> StoredNetworkAttachment
    ) throws -> StoredNetworkAttachment {
        try write { db in
            guard
                let lastLeased = try Int64.fetchOne(
                    db, sql: "SELECT last_leased FROM subnet WHERE id = ?", arguments: [subnetID])
            else { throw StoreError.notFound("subnet \(subnetID)") }
            let held = try Int64.fetchAll(
                db, sql: "SELECT address FROM network_attachment WHERE subnet_id = ?", arguments: [subnetID])
            guard
                let address = chooseAddress(
                    Set(held.map { UInt32(truncatingIfNeeded: $0) }), UInt32(truncatingIfNeeded: lastLeased))
            else { throw StoreError.conflict("subnet \(subnetID) has no free address") }
            let attachment = makeAttachment(address)
            for port in attachment.ports {
                if let holder = try String.fetchOne(
                    db, sql: "SELECT task_id FROM port_reservation WHERE protocol = ? AND host_port = ?",
                    arguments: [port.ipProtocol, port.hostPort])
                {
                    throw StoreError.conflict(
                        "host port \(port.hostPort)/\(port.ipProtocol) is already published by task \(holder)")
                }
            }
            let groups = String(decoding: try JSONEncoder().encode(attachment.securityGroups), as: UTF8.self)
            try db.execute(
                sql: """
                    INSERT INTO network_attachment (task_id, subnet_id, address, mac, eni_id, attachment_id,
                        host_link, netns_path, assign_public_ip, security_groups, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    attachment.taskID, subnetID, Int64(address), attachment.mac, attachment.eniID,
                    attachment.attachmentID, attachment.hostLink, attachment.netnsPath, attachment.assignPublicIp,
                    groups, attachment.createdAt.storedValue,
                ])
            for port in attachment.ports {
                try db.execute(
                    sql: """
                        INSERT INTO port_reservation (protocol, host_port, container_port, task_id)
                        VALUES (?, ?, ?, ?)
                        """,
                    arguments: [port.ipProtocol, port.hostPort, port.containerPort, attachment.taskID])
            }
            try db.execute(
                sql: "UPDATE subnet SET last_leased = ? WHERE id = ?", arguments: [Int64(address), subnetID])
            return attachment
        }
    }

    public func networkAttachment(taskID: String) throws -> StoredNetworkAttachment? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM network_attachment WHERE task_id = ?", arguments: [taskID])
                .map { try Self.attachment(row: $0, db) }
        }
    }

    /// Every attachment (every held lease), oldest first.
    public func networkAttachments() throws -> [StoredNetworkAttachment] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM network_attachment ORDER BY created_at, task_id")
                .map { try Self.attachment(row: $0, db) }
        }
    }

    /// Releases a task's address and ports. Returns false if the task held none.
    @discardableResult
    public func releaseNetworkAttachment(taskID: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM network_attachment WHERE task_id = ?", arguments: [taskID])
            return db.changesCount > 0
        }
    }

    /// The task holding a published host port, if any.
    public func portHolder(ipProtocol: String, hostPort: Int) throws -> String? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT task_id FROM port_reservation WHERE protocol = ? AND host_port = ?",
                arguments: [ipProtocol, hostPort])
        }
    }

    private static func attachment(row: Row, _ db: Database) throws -> StoredNetworkAttachment {
        let taskID: String = row["task_id"]
        let ports = try Row.fetchAll(
            db, sql: "SELECT * FROM port_reservation WHERE task_id = ? ORDER BY protocol, host_port",
            arguments: [taskID]
        ).map {
            StoredPortReservation(
                ipProtocol: $0["protocol"], hostPort: $0["host_port"], containerPort: $0["container_port"])
        }
        let groupsJSON: String = row["security_groups"]
        let groups = try JSONDecoder().decode([String].self, from: Data(groupsJSON.utf8))
        return StoredNetworkAttachment(
            taskID: taskID, subnetID: row["subnet_id"], address: UInt32(truncatingIfNeeded: row["address"] as Int64),
            mac: row["mac"], eniID: row["eni_id"], attachmentID: row["attachment_id"], hostLink: row["host_link"],
            netnsPath: row["netns_path"], assignPublicIp: row["assign_public_ip"], securityGroups: groups,
            ports: ports, createdAt: Date(storedValue: row["created_at"]))
    }
}
