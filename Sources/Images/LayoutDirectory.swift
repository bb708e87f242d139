import Foundation
import Glibc

/// An image stored as a directory: an OCI image layout, or an unpacked docker-archive.
struct LayoutDirectory: ImageSource {
    let location: String

    func contains(_ relativePath: String) -> Bool {
        guard let path = try? fullPath(relativePath) else { return false }
        return access(path, F_OK) == 0
    }

    func readDocument(_ relativePath: String) throws -> Data {
        let path = try fullPath(relativePath)
        guard access(path, F_OK) == 0 else { throw ImageError.invalidLayout(location, "\(relativePath) is missing") }
        return try Filesystem.readFile(path, limit: Self.documentLimit) {
            .invalidLayout(location, "\(relativePath) is larger than \(Self.documentLimit) bytes")
        }
    }

    func ingest(
        _ relativePath: String, into blobs: BlobStore, what: String, expected: Digest?, expectedSize: Int64?
    ) throws -> StoredBlob {
        let path = try fullPath(relativePath)
        // O_NONBLOCK: a FIFO in place of a blob must not hang the import.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT { throw ImageError.invalidLayout(location, "\(what) is missing (\(relativePath))") }
            throw ImageError.lastSystemCall("open", path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw ImageError.invalidLayout(location, "\(relativePath) is not a regular file")
        }
        return try blobs.ingest(from: fd, what: what, expected: expected, expectedSize: expectedSize)
    }

    private func fullPath(_ relativePath: String) throws -> String {
        guard let normalized = SourcePath.normalize(relativePath), !normalized.isEmpty else {
            throw ImageError.invalidLayout(location, "path \"\(relativePath)\" points outside the image")
        }
        return location + "/" + normalized
    }
}
