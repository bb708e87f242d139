#if canImport(Glibc)
    import Glibc
#endif

/// Replaces a small file all at once: written to a temporary name beside it, then renamed over it, so a
/// reader (or a berthd killed mid-way) sees the old content or the new, never half. No fsync: these are a
/// running task's files (runtime record, /etc/hosts, resolv.conf), which a machine crash makes moot along
/// with the task; a process crash does not lose what the page cache holds. Foundation's `.atomic` write
/// fsyncs, which cost milliseconds per file on every task start.
public enum FileReplacement {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(SyscallError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw SyscallError("open \(temporary)") }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let error = SyscallError("write \(temporary)")
                close(fd)
                unlink(temporary)
                throw error
            }
            written += count
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let error = SyscallError("rename \(temporary) to \(path)")
            unlink(temporary)
            throw error
        }
    }
}
