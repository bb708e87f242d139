import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The file side of berthd's Unix socket: clearing a stale socket, and publishing a bound one with its
/// final owner and mode.
///
/// The socket is bound inside a fresh 0700 directory, given mode 0660 and group `berth` there, and only
/// then renamed to its public path. Binding at the public path directly would leave a moment in which
/// the socket has the umask's mode and a client could connect before the chmod, without any signature.
enum UnixSocketFile {
    /// A socket file berthd put in place, remembered by identity so that `remove()` never deletes a
    /// socket another process has since put at the same path.
    struct Published: Sendable {
        var path: String
        fileprivate var device: UInt64
        fileprivate var inode: UInt64

        func remove() {
            var status = stat()
            guard lstat(path, &status) == 0, UInt64(status.st_dev) == device, UInt64(status.st_ino) == inode else {
                return
            }
            unlink(path)
        }
    }

    /// Creates the parent directory (0755) if needed and removes a dead socket at `path`. A socket
    /// something still answers on, or a file that is not a socket, is left alone and reported.
    static func prepare(_ path: String) throws(ECSServerError) {
        let parent = parentDirectory(of: path)
        do {
            try FileManager.default.createDirectory(
                atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw ECSServerError("cannot create the socket's directory \(parent): \(error)")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        guard status.st_mode & S_IFMT == S_IFSOCK else {
            throw ECSServerError("\(path) exists and is not a socket; berthd will not replace it")
        }
        switch probe(path) {
        case .answering:
            throw ECSServerError("another process (a running berthd?) is serving \(path); stop it first")
        case .refused:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw ECSServerError("cannot remove the stale socket \(path): \(lastError())")
            }
        case .unknown(let reason):
            throw ECSServerError("cannot tell whether \(path) is in use (\(reason)); remove it if it is stale")
        }
    }

    /// A private directory beside `path` to bind in; the caller binds `<directory>/s`.
    static func makeBindingDirectory(beside path: String) throws(ECSServerError) -> String {
        var template = Array("\(parentDirectory(of: path))/.berthd-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw ECSServerError("cannot create a directory beside \(path): \(lastError())")
        }
        return String(cString: template)
    }

    /// Gives the socket bound at `boundPath` mode 0660 and group `groupName` (if that group exists),
    /// then moves it to `path` and removes the binding directory.
    static func publish(boundPath: String, at path: String, groupName: String) throws(ECSServerError) -> Published {
        defer { rmdir(parentDirectory(of: boundPath)) }
        guard chmod(boundPath, 0o660) == 0 else { throw ECSServerError("cannot chmod \(boundPath): \(lastError())") }
        if let groupID = groupID(named: groupName) {
            // Owner root when berthd runs as root; a development run as another user keeps its own uid.
            let owner = geteuid() == 0 ? uid_t(0) : uid_t.max
            guard chown(boundPath, owner, groupID) == 0 else {
                throw ECSServerError("cannot give \(path) to group \(groupName): \(lastError())")
            }
        }
        guard rename(boundPath, path) == 0 else {
            throw ECSServerError("cannot move the socket into place at \(path): \(lastError())")
        }
        var status = stat()
        guard lstat(path, &status) == 0 else { throw ECSServerError("the socket vanished from \(path)") }
        return Published(path: path, device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Cleans up after a bind that was never published.
    static func discard(boundPath: String) {
        unlink(boundPath)
        rmdir(parentDirectory(of: boundPath))
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func groupID(named name: String) -> gid_t? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16 * 1024)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, let result else { return nil }
        return result.pointee.gr_gid
    }

    private enum ProbeResult {
        case answering, refused
        case unknown(String)
    }

    /// Connects to the socket at `path` to learn whether a server is behind it.
    private static func probe(_ path: String) -> ProbeResult {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return .unknown(lastError()) }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return .unknown("path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .answering }
        return errno == ECONNREFUSED ? .refused : .unknown(lastError())
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
