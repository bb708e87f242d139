import Foundation

/// Creates the parent directory and the database file before SQLite opens it. SQLite would create the file
/// with the umask's mode (usually 0644); state.db holds task definitions, whose environment variables may be
/// secrets, so it is created 0600. SQLite gives the -wal and -shm files the mode of the database file.
enum DatabaseFile {
    static func prepare(path: String) throws {
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty {
            do {
                try FileManager.default.createDirectory(
                    atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.database("cannot create \(parent): \(error.localizedDescription)")
            }
        }
        // O_CREAT without O_EXCL: an existing file is opened and left as it is.
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError.database("cannot create \(path): \(String(cString: strerror(errno)))")
        }
        close(fd)
    }
}
