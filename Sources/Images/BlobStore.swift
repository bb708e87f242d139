import Crypto
import Foundation
import Glibc

/// A blob in the store, verified when it was written.
struct StoredBlob {
    var digest: Digest
    var size: Int64
}

/// Content-addressed files under images/blobs/sha256: manifests, configs and compressed layers. A blob is
/// written to a temporary file while being hashed and renamed into place only once it matches its digest,
/// so a file under its final name is always complete and correct.
struct BlobStore {
    let layout: StoreLayout

    func path(_ digest: Digest) -> String { layout.blobPath(digest) }

    func contains(_ digest: Digest) -> Bool { Filesystem.fileType(path(digest)) == S_IFREG }

    /// Copies the open file `source` into the store while hashing it, then checks digest and size.
    /// `what` names the content in errors, e.g. "blob sha256:…".
    func ingest(from source: Int32, what: String, expected: Digest?, expectedSize: Int64?) throws -> StoredBlob {
        if let expected, contains(expected) {
            // Already stored and verified; the source copy is not read at all.
            let size = try storedSize(expected)
            if let expectedSize, size != expectedSize { throw ImageError.sizeMismatch(what, expectedSize, size) }
            return StoredBlob(digest: expected, size: size)
        }
        let temporary = layout.temporary + "/" + Filesystem.uniqueName("blob")
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw ImageError.lastSystemCall("create", temporary) }
        var outputOpen = true
        defer { if outputOpen { close(output) } }
        do {
            var hasher = SHA256()
            var total: Int64 = 0
            let chunk = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = Glibc.read(source, buffer.baseAddress, chunk)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw ImageError.lastSystemCall("read", what)
                }
                if count == 0 { break }
                let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                hasher.update(bufferPointer: bytes)
                try Filesystem.writeAll(output, bytes, path: temporary)
                total += Int64(count)
                // Stop early rather than copy an arbitrarily large wrong file.
                if let expectedSize, total > expectedSize { throw ImageError.sizeMismatch(what, expectedSize, total) }
            }
            if let expectedSize, total != expectedSize { throw ImageError.sizeMismatch(what, expectedSize, total) }
            let digest = Digest(finalizing: hasher.finalize())
            if let expected, digest != expected {
                throw ImageError.digestMismatch(what, expected.description, digest.description)
            }
            guard fsync(output) == 0 else { throw ImageError.lastSystemCall("fsync", temporary) }
            close(output)
            outputOpen = false
            try Filesystem.rename(temporary, to: path(digest))
            return StoredBlob(digest: digest, size: total)
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Links a file the store itself staged and hashed (from a docker-archive) into place.
    func adopt(stagedFile: String, as blob: StoredBlob) throws {
        guard !contains(blob.digest) else { return }
        guard link(stagedFile, path(blob.digest)) == 0 || errno == EEXIST else {
            throw ImageError.lastSystemCall("link", path(blob.digest))
        }
    }

    /// Stores bytes the store produced itself (a manifest written for a docker-archive).
    func write(_ data: Data) throws -> StoredBlob {
        let blob = StoredBlob(digest: Digest(of: data), size: Int64(data.count))
        if !contains(blob.digest) {
            try Filesystem.writeAtomically(data, to: path(blob.digest), temporaryDirectory: layout.temporary)
        }
        return blob
    }

    /// Reads a stored JSON document, refusing anything larger than `limit` bytes.
    func read(_ digest: Digest, limit: Int = 16 << 20) throws -> Data {
        try Filesystem.readFile(path(digest), limit: limit) {
            .invalidLayout(path(digest), "blob \(digest) is larger than \(limit) bytes, too large for a JSON document")
        }
    }

    /// The first bytes of a stored blob, to tell gzip from zstd from plain tar.
    func magic(_ digest: Digest) -> [UInt8] {
        let fd = open(path(digest), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 4)
        let count = Glibc.read(fd, &bytes, bytes.count)
        return Array(bytes.prefix(max(count, 0)))
    }

    func storedSize(_ digest: Digest) throws -> Int64 {
        var info = stat()
        guard stat(path(digest), &info) == 0 else { throw ImageError.lastSystemCall("stat", path(digest)) }
        return Int64(info.st_size)
    }

    func all() throws -> [Digest] {
        try Filesystem.directoryNames(layout.blobs).compactMap { Digest(Digest.algorithmPrefix + $0) }
    }

    func remove(_ digest: Digest) throws {
        guard unlink(path(digest)) == 0 || errno == ENOENT else {
            throw ImageError.lastSystemCall("unlink", path(digest))
        }
    }
}
