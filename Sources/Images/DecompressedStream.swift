import CArchive
import Crypto
import Glibc

/// The uncompressed bytes of a layer blob, hashed and counted as they pass. It feeds the tar reader
/// through a libarchive read callback, so one pass both unpacks the layer and computes its diff_id.
final class DecompressedStream {
    static let chunkSize = 1 << 20

    private let reader = ArchiveReader()
    private var hasher = SHA256()
    private var atEnd = false
    let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
    private(set) var byteCount: Int64 = 0
    /// Why decompression stopped, if it failed (e.g. "truncated gzip input").
    private(set) var failure: String?

    /// Opens the blob; throws the libarchive message if it is not a stream libarchive can decompress.
    init(blobPath: String) throws(EntryRefusal) {
        reader.enableDecompression()
        // "raw" hands over the decompressed bytes as they are; "empty" accepts a zero-byte blob.
        archive_read_support_format_raw(reader.handle)
        archive_read_support_format_empty(reader.handle)
        guard archive_read_open_filename(reader.handle, blobPath, Self.chunkSize) == ARCHIVE_OK else {
            throw EntryRefusal(reason: reader.errorMessage)
        }
        var entry: OpaquePointer?
        switch archive_read_next_header(reader.handle, &entry) {
        case ARCHIVE_OK, ARCHIVE_WARN: break
        case ARCHIVE_EOF: atEnd = true
        default: throw EntryRefusal(reason: reader.errorMessage)
        }
    }

    deinit { buffer.deallocate() }

    /// Fills `buffer`; returns the byte count, 0 at the end, -1 on failure (see `failure`).
    func fill() -> Int {
        guard !atEnd else { return 0 }
        let count = archive_read_data(reader.handle, buffer, Self.chunkSize)
        if count < 0 {
            failure = reader.errorMessage
            return -1
        }
        if count == 0 {
            atEnd = true
            return 0
        }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: count))
        byteCount += Int64(count)
        return count
    }

    /// Reads what the tar reader left after its end-of-archive marker (padding), so the digest covers the
    /// whole stream and the compressor's trailing checksum is verified.
    func drain() throws {
        while true {
            let count = fill()
            if count == 0 { return }
            if count < 0 { throw EntryRefusal(reason: failure ?? "decompression failed") }
        }
    }

    func digest() -> Digest { Digest(finalizing: hasher.finalize()) }

    /// Opens `tarReader` on this stream. The stream must outlive the reader's use.
    func attach(to tarReader: ArchiveReader) -> Int32 {
        let readCallback:
            @convention(c) (
                OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeRawPointer?>?
            ) -> la_ssize_t = { _, client, bufferOut in
                let stream = Unmanaged<DecompressedStream>.fromOpaque(client!).takeUnretainedValue()
                let count = stream.fill()
                bufferOut?.pointee = UnsafeRawPointer(stream.buffer)
                return la_ssize_t(count)
            }
        return archive_read_open(tarReader.handle, Unmanaged.passUnretained(self).toOpaque(), nil, readCallback, nil)
    }
}
