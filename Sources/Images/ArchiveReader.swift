import CArchive
import Glibc

/// Owns a libarchive read handle and frees it.
final class ArchiveReader {
    let handle: OpaquePointer

    init() {
        guard let handle = archive_read_new() else { fatalError("archive_read_new: out of memory") }
        self.handle = handle
    }

    deinit { archive_read_free(handle) }

    /// The compressions layers and archives use, all decoded in-process. `archive_read_support_filter_all`
    /// would also enable uudecode and filters that run external programs (lrzip, lzop, grzip) on
    /// attacker-supplied bytes, which an image never needs.
    func enableDecompression() {
        archive_read_support_filter_gzip(handle)
        archive_read_support_filter_zstd(handle)
        archive_read_support_filter_xz(handle)
        archive_read_support_filter_lzma(handle)
        archive_read_support_filter_bzip2(handle)
        archive_read_support_filter_lz4(handle)
    }

    var errorMessage: String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}

/// Owns a libarchive disk-writer handle and frees it.
final class DiskWriter {
    let handle: OpaquePointer

    init(options: Int32) {
        guard let handle = archive_write_disk_new() else { fatalError("archive_write_disk_new: out of memory") }
        self.handle = handle
        archive_write_disk_set_options(handle, options)
        // No archive_write_disk_set_standard_lookup: owners stay the numeric ids from the tar, never names
        // looked up in the host's /etc/passwd.
    }

    deinit { archive_write_free(handle) }

    var errorMessage: String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }
}

/// Raw byte strings from tar headers: paths are bytes on Linux and need not be UTF-8.
extension Array where Element == UInt8 {
    init(cString pointer: UnsafePointer<CChar>) {
        self = UnsafeBufferPointer(start: pointer, count: strlen(pointer)).map { UInt8(bitPattern: $0) }
    }

    /// For error messages only.
    var displayString: String { String(decoding: self, as: UTF8.self) }

    /// Calls `body` with a NUL-terminated copy.
    func withCString<T>(_ body: (UnsafePointer<CChar>) throws -> T) rethrows -> T {
        let terminated = self.map { CChar(bitPattern: $0) } + [0]
        return try terminated.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
