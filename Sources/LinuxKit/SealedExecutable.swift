import CLinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// An executable run from a sealed anonymous copy of itself (a memfd) instead of its file on disk.
///
/// A process exposes the file it executes to anyone allowed to open its /proc/<pid>/exe. berth-shim's
/// children enter a container's PID namespace before they exec the container's program, and a container
/// that got hold of /proc/<pid>/exe could reopen the host's binary for writing once nothing executes it
/// any more, and replace it (CVE-2019-5736; runc has run from a sealed copy since). A memfd sealed against
/// writing, growing, shrinking and further sealing is no host file: /proc/<pid>/exe reads
/// "/memfd:<name> (deleted)", and every write to it fails (EPERM) through any descriptor, however opened.
///
/// One copy per process is made and kept open for the life of that process; posix_spawn execs it as
/// `/proc/<this pid>/fd/<fd>` (the spawned child still resolves the path through the parent's table,
/// although its own copy of the descriptor is closed before exec).
public struct SealedExecutable: Sendable {
    /// The file the copy was made from.
    public let source: String
    /// The memfd's name, also the argv[0] to give what runs from it.
    public let name: String
    /// The memfd, close-on-exec, never closed.
    public let descriptor: Int32
    /// What to exec.
    public let path: String

    public static let requiredSeals = BK_SEAL_SEAL | BK_SEAL_SHRINK | BK_SEAL_GROW | BK_SEAL_WRITE

    /// Copies `source` into a memfd named `name` and seals it.
    public static func copy(of source: String, name: String) throws(SyscallError) -> SealedExecutable {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw SyscallError("open \(source)") }
        defer { close(input) }
        let fd = bk_sealed_copy(input, name)
        guard fd >= 0 else { throw SyscallError("sealed copy of \(source)") }
        let path = "/proc/\(getpid())/fd/\(fd)"
        // The path must name the copy (it would not if /proc belonged to another PID namespace).
        var viaPath = stat()
        var direct = stat()
        let reached = stat(path, &viaPath) == 0 ? 0 : errno
        guard reached == 0, fstat(fd, &direct) == 0, viaPath.st_dev == direct.st_dev, viaPath.st_ino == direct.st_ino
        else {
            close(fd)
            throw SyscallError("reach the sealed copy of \(source) at \(path)", errno: reached == 0 ? EXDEV : reached)
        }
        return SealedExecutable(source: source, name: name, descriptor: fd, path: path)
    }

    /// The seals the copy holds (all of `requiredSeals` once `copy` returned).
    public var seals: Int32 { bk_get_seals(descriptor) }
}
