import Foundation
import Glibc

/// Small POSIX file operations the store needs, all on absolute paths or directory fds: the process is
/// multithreaded, so nothing here may chdir.
enum Filesystem {
    /// `mkdir -p` with `mode` for the directories it creates (umask does not apply). Existing components may
    /// be symlinks to directories: the user's --root may go through one.
    static func makeDirectories(_ path: String, mode: mode_t) throws {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) == 0 {
                guard chmod(current, mode) == 0 else { throw ImageError.lastSystemCall("chmod", current) }
            } else if errno != EEXIST {
                throw ImageError.lastSystemCall("mkdir", current)
            } else if !isDirectoryFollowingSymlinks(current) {
                throw ImageError.systemCall("mkdir", current, ENOTDIR)
            }
        }
    }

    static func realPath(_ path: String) throws -> String {
        guard let resolved = realpath(path, nil) else { throw ImageError.lastSystemCall("realpath", path) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// lstat-based: a symlink is never followed.
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func isDirectory(_ path: String) -> Bool { fileType(path) == S_IFDIR }

    static func isDirectoryFollowingSymlinks(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    static func exists(_ path: String) -> Bool { fileType(path) != nil }

    /// A fresh name for a temporary file or directory: the store never reuses one.
    static func uniqueName(_ prefix: String) -> String {
        prefix + "-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }

    /// Writes `data` to a temporary file in `temporaryDirectory`, flushes it, and renames it over `path`,
    /// so readers see the old or the new content, never a mix, even across a crash.
    static func writeAtomically(_ data: Data, to path: String, temporaryDirectory: String) throws {
        let temporary = temporaryDirectory + "/" + uniqueName("write")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageError.lastSystemCall("create", temporary) }
        do {
            try data.withUnsafeBytes { try writeAll(fd, $0, path: temporary) }
            guard fsync(fd) == 0 else { throw ImageError.lastSystemCall("fsync", temporary) }
            close(fd)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        try rename(temporary, to: path)
    }

    /// rename(2), then an fsync of the target's directory so the new name survives a crash.
    static func rename(_ source: String, to target: String) throws {
        guard Glibc.rename(source, target) == 0 else {
            let code = errno
            throw ImageError.systemCall("rename \(source) to", target, code)
        }
        syncDirectory(parent(of: target))
    }

    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    /// Flushes the whole filesystem holding `path`: one call instead of an fsync per unpacked file.
    static func syncFilesystem(containing path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        if let syncfs = GNUFunctions.syncfs {
            _ = syncfs(fd)
        } else {
            sync()
        }
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < buffer.count {
            let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw ImageError.lastSystemCall("write", path)
            }
            offset += written
        }
    }

    /// Reads a whole regular file of at most `limit` bytes. `tooLarge` builds the error for a bigger one.
    /// O_NONBLOCK keeps a FIFO planted in an import source from hanging the import.
    static func readFile(_ path: String, limit: Int, tooLarge: () -> ImageError) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ImageError.lastSystemCall("open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw ImageError.lastSystemCall("stat", path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw ImageError.systemCall("read", path, EINVAL) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw ImageError.lastSystemCall("read", path)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
            if data.count > limit { throw tooLarge() }
        }
    }
}

extension Filesystem {
    /// Names in a directory of the store's own making (hex digests, temporary names), so UTF-8 is safe here.
    static func directoryNames(_ path: String) throws -> [String] {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageError.lastSystemCall("open", path) }
        defer { close(fd) }
        return try TreeRemoval.entryNames(fd, path: path).map {
            String(decoding: $0.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
