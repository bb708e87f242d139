import Synchronization

/// The stored credential of each registry, looked up at most once per `lifetime` per client. A lookup reads
/// auth files and may spawn a `docker-credential-*` helper, so it must not happen for every blob GET and
/// redirect hop. Concurrent requests share one lookup in flight. A failed lookup is forgotten as soon as it
/// fails, so the next request asks again; an answer (including "none") is kept for `lifetime` seconds, so
/// a `docker login` or a helper's refreshed secret is seen soon after.
final class CredentialCache: Sendable {
    static let defaultLifetime: Double = 60

    private struct Entry {
        var lookup: Task<RegistryCredential?, Error>
        var startedAt: Double
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Double
    private let clock: @Sendable () -> Double
    private let lookup: @Sendable (String) throws -> RegistryCredential?

    /// `lookup` is blocking (file reads, posix_spawn then waitpid); it runs on a thread of its own.
    init(
        lifetime: Double = CredentialCache.defaultLifetime, clock: @escaping @Sendable () -> Double,
        lookup: @escaping @Sendable (String) throws -> RegistryCredential?
    ) {
        self.lifetime = lifetime
        self.clock = clock
        self.lookup = lookup
    }

    func credential(for registry: String) async throws -> RegistryCredential? {
        let now = clock()
        let lookup = self.lookup
        let (task, startedAt) = entries.withLock { entries -> (Task<RegistryCredential?, Error>, Double) in
            if let entry = entries[registry], now - entry.startedAt < lifetime {
                return (entry.lookup, entry.startedAt)
            }
            let task = Task { try await onOwnThread { try lookup(registry) } }
            entries[registry] = Entry(lookup: task, startedAt: now)
            return (task, now)
        }
        do {
            return try await task.value
        } catch {
            entries.withLock { entries in
                // Only this lookup's entry: a newer one may already have replaced it.
                if entries[registry]?.startedAt == startedAt, entries[registry]?.lookup == task {
                    entries.removeValue(forKey: registry)
                }
            }
            throw error
        }
    }
}
