import Glibc

/// An exclusive flock(2) on the store's lock file. Every read-modify-write of the store runs inside one,
/// so two berth processes (or two threads, each with its own open file description) never interleave.
enum StoreLock {
    static func withExclusiveLock<T>(_ lockFile: String, _ body: () throws -> T) throws -> T {
        let fd = open(lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ImageError.lastSystemCall("open", lockFile) }
        // Closing the fd releases the lock, also when body throws.
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ImageError.lastSystemCall("flock", lockFile) }
        }
        return try body()
    }
}
