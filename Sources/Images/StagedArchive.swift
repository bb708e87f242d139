import CArchive
import Crypto
import Foundation
import Glibc

/// An image delivered as a tar (a `docker save` archive, or a tarred OCI layout), unpacked into a staging
/// directory inside the store's tmp. Nothing from the tar is written under its own name: each regular file
/// becomes a numbered file, hashed while it is written, so staging has no path-traversal surface at all.
/// Staged files are later hard-linked into the blob store instead of being copied again.
final class StagedArchive: ImageSource {
    private struct StagedFile {
        var path: String
        var blob: StoredBlob
    }

    let location: String
    private var files: [String: StagedFile] = [:]
    private var symlinks: [String: String] = [:]

    private init(location: String) { self.location = location }

    /// Reads the whole tar at `archivePath` into `directory`, which must exist and be empty.
    static func stage(_ archivePath: String, into directory: String) throws -> StagedArchive {
        let staged = StagedArchive(location: archivePath)
        let reader = ArchiveReader()
        reader.enableDecompression()
        archive_read_support_format_tar(reader.handle)
        guard archive_read_open_filename(reader.handle, archivePath, 1 << 20) == ARCHIVE_OK else {
            throw ImageError.invalidLayout(
                archivePath, "not a directory or a readable tar archive: \(reader.errorMessage)")
        }
        var entry: OpaquePointer?
        var fileNumber = 0
        while true {
            let status = archive_read_next_header(reader.handle, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                throw ImageError.invalidLayout(archivePath, "unreadable tar archive: \(reader.errorMessage)")
            }
            let rawPath = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
            guard let path = SourcePath.normalize(rawPath) else {
                throw ImageError.invalidLayout(archivePath, "archive entry \"\(rawPath)\" points outside the archive")
            }
            if let target = archive_entry_hardlink(entry) {
                let targetPath = SourcePath.normalize(String(cString: target)).flatMap { staged.files[$0] }
                guard let targetPath else {
                    throw ImageError.invalidLayout(archivePath, "archive hardlink \"\(rawPath)\" has no earlier target")
                }
                staged.files[path] = targetPath
                continue
            }
            switch archive_entry_filetype(entry) & S_IFMT {
            case S_IFREG:
                fileNumber += 1
                let stagedPath = directory + "/\(fileNumber)"
                let blob = try writeData(of: reader, to: stagedPath, entryName: rawPath, archivePath: archivePath)
                staged.files[path] = StagedFile(path: stagedPath, blob: blob)
            case S_IFLNK:
                // Older `docker save` links duplicate layers: "<id>/layer.tar -> ../<other id>/layer.tar".
                staged.symlinks[path] = archive_entry_symlink(entry).map { String(cString: $0) } ?? ""
            default:
                continue
            }
        }
        return staged
    }

    private static func writeData(
        of reader: ArchiveReader, to stagedPath: String, entryName: String, archivePath: String
    ) throws -> StoredBlob {
        let fd = open(stagedPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ImageError.lastSystemCall("create", stagedPath) }
        defer { close(fd) }
        var hasher = SHA256()
        var total: Int64 = 0
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = archive_read_data(reader.handle, buffer.baseAddress, chunk)
            if count < 0 {
                throw ImageError.invalidLayout(
                    archivePath, "cannot read \"\(entryName)\" from the archive: \(reader.errorMessage)")
            }
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            hasher.update(bufferPointer: bytes)
            try Filesystem.writeAll(fd, bytes, path: stagedPath)
            total += Int64(count)
        }
        // These files become blobs by hard link, so they must be on disk before their name is.
        guard fsync(fd) == 0 else { throw ImageError.lastSystemCall("fsync", stagedPath) }
        return StoredBlob(digest: Digest(finalizing: hasher.finalize()), size: total)
    }

    func contains(_ relativePath: String) -> Bool { resolve(relativePath) != nil }

    func readDocument(_ relativePath: String) throws -> Data {
        guard let file = resolve(relativePath) else {
            throw ImageError.invalidLayout(location, "\(relativePath) is missing from the archive")
        }
        return try Filesystem.readFile(file.path, limit: Self.documentLimit) {
            .invalidLayout(location, "\(relativePath) is larger than \(Self.documentLimit) bytes")
        }
    }

    func ingest(
        _ relativePath: String, into blobs: BlobStore, what: String, expected: Digest?, expectedSize: Int64?
    ) throws -> StoredBlob {
        guard let file = resolve(relativePath) else {
            throw ImageError.invalidLayout(location, "\(what) is missing from the archive (\(relativePath))")
        }
        if let expectedSize, file.blob.size != expectedSize {
            throw ImageError.sizeMismatch(what, expectedSize, file.blob.size)
        }
        if let expected, file.blob.digest != expected {
            throw ImageError.digestMismatch(what, expected.description, file.blob.digest.description)
        }
        try blobs.adopt(stagedFile: file.path, as: file.blob)
        return file.blob
    }

    /// Follows symlinks inside the archive (never out of it) to a staged regular file.
    private func resolve(_ relativePath: String) -> StagedFile? {
        guard var path = SourcePath.normalize(relativePath) else { return nil }
        for _ in 0..<16 {
            if let file = files[path] { return file }
            guard let target = symlinks[path], !target.hasPrefix("/") else { return nil }
            let directory = path.split(separator: "/").dropLast().joined(separator: "/")
            guard let next = SourcePath.normalize(directory.isEmpty ? target : directory + "/" + target) else {
                return nil
            }
            path = next
        }
        return nil
    }
}
