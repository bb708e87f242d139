/// Why a store call failed. The daemon maps these onto ECS errors; `database` carries SQLite's own
/// message for the log, since a caller cannot act on it beyond reporting a server error.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The record the call addresses does not exist (the payload names it).
    case notFound(String)
    /// The write contradicts what is stored: a reused client token, a stale task version, a duplicate ARN.
    case conflict(String)
    /// A `nextToken` this store did not issue for this listing.
    case invalidToken(String)
    /// SQLite failed (I/O, a full disk, a corrupt file).
    case database(String)

    public var description: String {
        switch self {
        case .notFound(let what): "not found: \(what)"
        case .conflict(let what): "conflict: \(what)"
        case .invalidToken(let token): "invalid nextToken: \(token)"
        case .database(let message): "database error: \(message)"
        }
    }
}
