import CArchive
import Foundation
import Glibc

/// Builds tar archives in memory with libarchive's writer, including entries no honest tool would write
/// (absolute paths, "..", hardlinks out of the archive), because the unpacker must refuse exactly those.
final class TarBuilder {
    enum Compression {
        case none
        case gzip
        case zstd
    }

    private enum Kind {
        case file(Data)
        case directory
        case symlink(String)
        case hardlink(String)
        case characterDevice(major: UInt32, minor: UInt32)
    }

    private struct Entry {
        var path: String
        /// Overrides `path` with bytes that need not be UTF-8.
        var rawPath: [CChar]? = nil
        var kind: Kind
        var mode: mode_t
        var uid: Int64
        var gid: Int64
        var xattrs: [String: Data]
    }

    private var entries: [Entry] = []

    init() {}

    @discardableResult
    func file(
        _ path: String, _ contents: String = "", mode: mode_t = 0o644, uid: Int64 = 0, gid: Int64 = 0,
        xattrs: [String: Data] = [:]
    ) -> TarBuilder {
        entries.append(
            Entry(path: path, kind: .file(Data(contents.utf8)), mode: mode, uid: uid, gid: gid, xattrs: xattrs))
        return self
    }

    /// A file whose name is raw bytes (e.g. Latin-1), as old tars carry them.
    @discardableResult
    func rawFile(_ path: [UInt8], _ contents: String) -> TarBuilder {
        var entry = Entry(path: "", kind: .file(Data(contents.utf8)), mode: 0o644, uid: 0, gid: 0, xattrs: [:])
        entry.rawPath = path.map { CChar(bitPattern: $0) } + [0]
        entries.append(entry)
        return self
    }

    @discardableResult
    func data(_ path: String, _ contents: Data, mode: mode_t = 0o644) -> TarBuilder {
        entries.append(Entry(path: path, kind: .file(contents), mode: mode, uid: 0, gid: 0, xattrs: [:]))
        return self
    }

    @discardableResult
    func directory(_ path: String, mode: mode_t = 0o755, xattrs: [String: Data] = [:]) -> TarBuilder {
        entries.append(Entry(path: path, kind: .directory, mode: mode, uid: 0, gid: 0, xattrs: xattrs))
        return self
    }

    @discardableResult
    func symlink(_ path: String, to target: String) -> TarBuilder {
        entries.append(Entry(path: path, kind: .symlink(target), mode: 0o777, uid: 0, gid: 0, xattrs: [:]))
        return self
    }

    @discardableResult
    func hardlink(_ path: String, to target: String) -> TarBuilder {
        entries.append(Entry(path: path, kind: .hardlink(target), mode: 0o644, uid: 0, gid: 0, xattrs: [:]))
        return self
    }

    @discardableResult
    func characterDevice(_ path: String, major: UInt32, minor: UInt32) -> TarBuilder {
        entries.append(
            Entry(
                path: path, kind: .characterDevice(major: major, minor: minor), mode: 0o666, uid: 0, gid: 0, xattrs: [:]
            ))
        return self
    }

    /// The archive bytes (pax format, so long names and xattrs fit).
    func build(_ compression: Compression = .none) throws -> Data {
        let path = NSTemporaryDirectory() + "/tarbuilder-\(UUID().uuidString).tar"
        defer { unlink(path) }
        guard let archive = archive_write_new() else { throw TestFailure("archive_write_new failed") }
        defer { archive_write_free(archive) }
        archive_write_set_format_pax_restricted(archive)
        switch compression {
        case .none: archive_write_add_filter_none(archive)
        case .gzip: archive_write_add_filter_gzip(archive)
        case .zstd: archive_write_add_filter_zstd(archive)
        }
        guard archive_write_open_filename(archive, path) == ARCHIVE_OK else {
            throw TestFailure("cannot open \(path): \(String(cString: archive_error_string(archive)))")
        }
        for entry in entries {
            guard let header = archive_entry_new() else { throw TestFailure("archive_entry_new failed") }
            defer { archive_entry_free(header) }
            if let rawPath = entry.rawPath {
                archive_entry_copy_pathname(header, rawPath)
            } else {
                archive_entry_copy_pathname(header, entry.path)
            }
            archive_entry_set_uid(header, entry.uid)
            archive_entry_set_gid(header, entry.gid)
            archive_entry_set_mtime(header, 1_700_000_000, 0)
            for (name, value) in entry.xattrs {
                value.withUnsafeBytes { archive_entry_xattr_add_entry(header, name, $0.baseAddress, $0.count) }
            }
            var data = Data()
            switch entry.kind {
            case .file(let contents):
                archive_entry_set_filetype(header, S_IFREG)
                archive_entry_set_size(header, la_int64_t(contents.count))
                data = contents
            case .directory:
                archive_entry_set_filetype(header, S_IFDIR)
            case .symlink(let target):
                archive_entry_set_filetype(header, S_IFLNK)
                archive_entry_copy_symlink(header, target)
            case .hardlink(let target):
                archive_entry_set_filetype(header, S_IFREG)
                archive_entry_copy_hardlink(header, target)
            case .characterDevice(let major, let minor):
                archive_entry_set_filetype(header, S_IFCHR)
                archive_entry_set_rdevmajor(header, dev_t(major))
                archive_entry_set_rdevminor(header, dev_t(minor))
            }
            archive_entry_set_perm(header, entry.mode)
            guard archive_write_header(archive, header) >= ARCHIVE_WARN else {
                throw TestFailure(
                    "cannot write header \(entry.path): \(String(cString: archive_error_string(archive)))")
            }
            if !data.isEmpty {
                _ = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, $0.count) }
            }
        }
        guard archive_write_close(archive) == ARCHIVE_OK else { throw TestFailure("cannot close tar") }
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
