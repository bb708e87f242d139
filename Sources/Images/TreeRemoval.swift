import Glibc

/// `rm -rf` that never follows a symlink, never crosses into a mount (a container's merged dir may still be
/// mounted), never chdirs, and copes with trees deeper than the fd limit by moving deep subtrees up.
enum TreeRemoval {
    /// Subtrees below this depth are renamed up to the top directory so open fds stay bounded.
    private static let maximumOpenDepth = 48

    /// Deletes `path` and everything below it; no error if it does not exist.
    static func remove(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw ImageError.lastSystemCall("lstat", path)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            guard unlink(path) == 0 || errno == ENOENT else { throw ImageError.lastSystemCall("unlink", path) }
            return
        }
        if let mountPoint = MountTable.firstMountPoint(atOrBelow: path) {
            throw ImageError.systemCall("remove (a filesystem is mounted on it)", mountPoint, EBUSY)
        }
        let top = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard top >= 0 else { throw ImageError.lastSystemCall("open", path) }
        defer { close(top) }
        // Each pass deletes what it can reach; subtrees it moved up to `top` are deleted by the next pass.
        while try clear(top, path: path, device: info.st_dev, depth: 0, top: top) {}
        guard rmdir(path) == 0 || errno == ENOENT else { throw ImageError.lastSystemCall("rmdir", path) }
    }

    /// Empties the directory `directory`; returns true if it moved a deep subtree up to `top` instead.
    private static func clear(_ directory: Int32, path: String, device: dev_t, depth: Int, top: Int32) throws -> Bool {
        var movedUp = false
        // Names are raw bytes: a layer may hold names that are not UTF-8, and a String would alter them.
        for name in try entryNames(directory, path: path) {
            let childPath = path + "/" + String(decoding: name.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            var info = stat()
            guard fstatat(directory, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
                if errno == ENOENT { continue }
                throw ImageError.lastSystemCall("lstat", childPath)
            }
            guard info.st_mode & S_IFMT == S_IFDIR else {
                guard unlinkat(directory, name, 0) == 0 || errno == ENOENT else {
                    throw ImageError.lastSystemCall("unlink", childPath)
                }
                continue
            }
            // A second guard besides the mount table: another filesystem here means a mount we must not empty.
            if info.st_dev != device {
                throw ImageError.systemCall("remove (a filesystem is mounted on it)", childPath, EBUSY)
            }
            if depth >= maximumOpenDepth {
                let movedName = Filesystem.uniqueName(".deep")
                guard renameat(directory, name, top, movedName) == 0 else {
                    throw ImageError.lastSystemCall("rename", childPath)
                }
                movedUp = true
                continue
            }
            let child = openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard child >= 0 else { throw ImageError.lastSystemCall("open", childPath) }
            defer { close(child) }
            if try clear(child, path: childPath, device: device, depth: depth + 1, top: top) { movedUp = true }
            guard unlinkat(directory, name, AT_REMOVEDIR) == 0 || errno == ENOENT else {
                throw ImageError.lastSystemCall("rmdir", childPath)
            }
        }
        return movedUp
    }

    /// The names in a directory, read completely before anything is deleted so deletion cannot upset readdir.
    static func entryNames(_ directory: Int32, path: String) throws -> [[CChar]] {
        let duplicate = dup(directory)
        guard duplicate >= 0 else { throw ImageError.lastSystemCall("dup", path) }
        guard let stream = fdopendir(duplicate) else {
            close(duplicate)
            throw ImageError.lastSystemCall("opendir", path)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [[CChar]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: CChar.self)
                return Array(bytes.prefix { $0 != 0 }) + [0]
            }
            if name != [0x2e, 0] && name != [0x2e, 0x2e, 0] { names.append(name) }
        }
        return names
    }
}
