import Foundation
import GRDB

/// berthd's durable state: `<root>/state.db`, SQLite through a GRDB `DatabasePool`.
///
/// Nothing acknowledged may be lost when berthd is killed with SIGKILL (or the machine loses power), so:
/// every method that writes runs one transaction that has committed when the method returns, the database
/// is in WAL mode (readers never block the writer) and the writer runs with `synchronous = FULL`, which
/// fsyncs the WAL on every commit. All methods are synchronous and safe to call from any number of tasks:
/// GRDB serializes writes on one connection and runs reads concurrently on a pool of readers.
public final class BerthStore: Sendable {
    let pool: DatabasePool

    /// Opens (creating it 0600, with its parent directory, if needed) and migrates the database at `path`.
    public init(path: String) throws {
        try DatabaseFile.prepare(path: path)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Another process holding the write lock (say `sqlite3` during debugging) delays us instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.label = "berth.state"
        pool = try Self.translatingErrors {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB switches the writer to synchronous = NORMAL while it turns WAL on (after any
            // prepareDatabase hook), which may lose the last commits on power loss; raise it on the writer,
            // the only connection that commits. The writer connection lives as long as the pool.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            try Schema.migrator.migrate(pool)
            return pool
        }
    }

    /// One write transaction, committed before this returns. Errors thrown by `body` (a StoreError, or the
    /// caller's own error from a document closure) roll the transaction back and propagate unchanged.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors { try pool.write(body) }
    }

    /// A read on one consistent snapshot, concurrent with writes and other reads.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.translatingErrors { try pool.read(body) }
    }

    /// SQLite's errors become `StoreError`s: a uniqueness violation is a conflict the caller can report,
    /// anything else a database failure. Other errors pass through.
    static func translatingErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
                throw StoreError.conflict(error.message ?? error.description)
            default:
                throw StoreError.database(error.description)
            }
        }
    }
}
