import Crypto

#if canImport(Glibc)
    import Glibc
#endif

/// The file a blob downloads into: kept open across attempts, grown by positioned writes, truncated when
/// a transfer has to start over.
final class BlobFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws {
        self.path = path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BlobFile.failure("open", path) }
    }

    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }

    func size() throws -> Int64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw BlobFile.failure("stat", path) }
        return Int64(info.st_size)
    }

    func truncate() throws {
        guard ftruncate(descriptor, 0) == 0 else { throw BlobFile.failure("truncate", path) }
    }

    func write(_ bytes: [UInt8], at offset: Int64) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress! + written, bytes.count - written, off_t(offset) + off_t(written))
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw BlobFile.failure("write", path) }
            written += count
        }
    }

    /// SHA-256 of the first `length` bytes: a resumed download must hash what is already there.
    func hashPrefix(_ length: Int64) throws -> SHA256 {
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset: Int64 = 0
        while offset < length {
            let wanted = Int(min(Int64(buffer.count), length - offset))
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, wanted, off_t(offset)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { throw BlobFile.failure("read", path) }
            hasher.update(data: buffer[0..<count])
            offset += Int64(count)
        }
        return hasher
    }

    private static func failure(_ step: String, _ path: String) -> RegistryError {
        .file(path: path, reason: "\(step): \(String(cString: strerror(errno)))")
    }
}
