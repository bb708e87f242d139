import GRDB

extension BerthStore {
    /// What SQLite reports for the settings durability rests on, asked on the writer connection (the
    /// `synchronous` setting is per connection, and only the writer commits).
    struct DurabilitySettings: Equatable {
        var journalMode: String
        /// 2 is FULL.
        var synchronous: Int
        var foreignKeys: Bool
    }

    func durabilitySettings() throws -> DurabilitySettings {
        try Self.translatingErrors {
            try pool.writeWithoutTransaction { db in
                DurabilitySettings(
                    journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode")!,
                    synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous")!,
                    foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")!)
            }
        }
    }
}
