import CArchive
import Glibc

/// What unpacking a layer produced.
struct UnpackedLayer {
    /// sha256 of the uncompressed tar: what the config's rootfs.diff_ids must list.
    var diffID: Digest
    /// Size of the uncompressed tar in bytes.
    var size: Int64
}

/// Unpacks one layer blob into an empty directory, refusing every entry that could write outside it.
///
/// Every layer is untrusted input. The defenses, in order:
/// - entry paths and hardlink targets are parsed as bytes: absolute paths and ".." components are refused;
/// - parents are walked one component at a time with O_NOFOLLOW from the destination, so an entry can never
///   pass through a symlink, whether an earlier entry created it or not; missing parents are created here;
/// - an existing symlink at the entry's own name is removed first, so nothing is written through it;
/// - hardlinks are made here with linkat (never following a symlink) and only to entries already in this
///   layer, reached through real directories;
/// - the remaining entries go to archive_write_disk with absolute paths under the realpath'ed destination
///   and ARCHIVE_EXTRACT_SECURE_SYMLINKS | SECURE_NODOTDOT as a second line of defense;
/// - paths are kept below PATH_MAX, because libarchive would chdir into deep paths otherwise;
/// - `trusted.*` xattrs from the tar are dropped: `trusted.overlay.*` steers overlayfs (redirects, opaque),
///   and only whiteout markers may set those.
/// Symlink targets are left as they are: "/usr/bin/x" is normal and is resolved inside the container.
final class LayerUnpacker {
    private static let pathMaximum = Int(PATH_MAX)
    private static let whiteoutPrefix: [UInt8] = Array(".wh.".utf8)
    private static let metadataPrefix: [UInt8] = Array(".wh..wh.".utf8)
    private static let opaqueMarker: [UInt8] = Array(".wh..wh..opq".utf8)
    private static let extractOptions: Int32 =
        ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR
        | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT

    private let layer: Digest
    private let destination: [UInt8]
    private let longestRelativePath: Int

    /// - Parameters:
    ///   - layer: the blob digest, to name the layer in errors.
    ///   - destination: an empty directory, already resolved with realpath.
    ///   - finalLocation: where the directory will be renamed to; paths must fit below PATH_MAX there too.
    init(layer: Digest, destination: String, finalLocation: String) {
        self.layer = layer
        self.destination = Array(destination.utf8)
        let longestRoot = max(destination.utf8.count, finalLocation.utf8.count)
        self.longestRelativePath = LayerUnpacker.pathMaximum - longestRoot - 2
    }

    func unpack(blobPath: String) throws -> UnpackedLayer {
        // libarchive converts pax (UTF-8) names to the locale's charset; under the "C" locale non-ASCII names
        // would fail. uselocale only affects this thread, unlike setlocale.
        let utf8Locale = newlocale(Int32(1) << LC_CTYPE, "C.UTF-8", nil)
        let previousLocale = utf8Locale.map { uselocale($0) }
        defer {
            if let previousLocale { uselocale(previousLocale) }
            if let utf8Locale { freelocale(utf8Locale) }
        }

        let stream: DecompressedStream
        do {
            stream = try DecompressedStream(blobPath: blobPath)
        } catch {
            throw ImageError.corruptLayer(layer.description, "cannot decompress: \(error.reason)")
        }
        let tar = ArchiveReader()
        archive_read_support_format_tar(tar.handle)
        archive_read_support_format_empty(tar.handle)
        let writer = DiskWriter(options: LayerUnpacker.extractOptions)

        try withExtendedLifetime(stream) {
            guard stream.attach(to: tar) == ARCHIVE_OK else { throw corrupt(stream, tar, "cannot read tar") }
            var entry: OpaquePointer?
            while true {
                let status = archive_read_next_header(tar.handle, &entry)
                if status == ARCHIVE_EOF { break }
                guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
                    throw corrupt(stream, tar, "bad tar header")
                }
                try unpackEntry(entry, from: tar, stream: stream, writer: writer)
            }
            do {
                try stream.drain()
            } catch let refusal as EntryRefusal {
                throw ImageError.corruptLayer(layer.description, refusal.reason)
            }
        }
        // Directory permissions and times are applied here, after all their contents exist.
        guard archive_write_close(writer.handle) >= ARCHIVE_WARN else {
            throw ImageError.corruptLayer(layer.description, "cannot finish directories: \(writer.errorMessage)")
        }
        return UnpackedLayer(diffID: stream.digest(), size: stream.byteCount)
    }

    private func corrupt(_ stream: DecompressedStream, _ tar: ArchiveReader, _ context: String) -> ImageError {
        // A decompression failure surfaces as a tar read error; its own message says more.
        .corruptLayer(layer.description, "\(context): \(stream.failure ?? tar.errorMessage)")
    }

    private func unpackEntry(
        _ entry: OpaquePointer, from tar: ArchiveReader, stream: DecompressedStream, writer: DiskWriter
    ) throws {
        guard let rawPathPointer = archive_entry_pathname(entry) else {
            throw ImageError.corruptLayer(layer.description, "an entry has no readable path name")
        }
        let rawPath = [UInt8](cString: rawPathPointer)
        do {
            let path = try EntryPath(rawPath)
            guard path.relative.count <= longestRelativePath else {
                throw EntryRefusal(reason: "path is longer than the \(LayerUnpacker.pathMaximum)-byte PATH_MAX limit")
            }
            // The layer root already exists; an entry for it ("./") would only restyle the container's "/".
            if path.isRoot { return }
            if path.components.contains(where: { $0.starts(with: LayerUnpacker.metadataPrefix) }) {
                if path.name == LayerUnpacker.opaqueMarker {
                    try markOpaque(path.parent)
                }
                // Other ".wh..wh." names are aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): not content.
                return
            }
            if path.name.starts(with: LayerUnpacker.whiteoutPrefix) {
                try createWhiteout(for: path)
                return
            }
            if let target = archive_entry_hardlink(entry) {
                try createHardlink(path, to: [UInt8](cString: target))
                return
            }
            try writeEntry(entry, at: path, from: tar, stream: stream, writer: writer)
        } catch let refusal as EntryRefusal {
            throw ImageError.unsafeLayerEntry(layer.description, rawPath.displayString, refusal.reason)
        }
    }

    // MARK: Regular entries through archive_write_disk

    private func writeEntry(
        _ entry: OpaquePointer, at path: EntryPath, from tar: ArchiveReader, stream: DecompressedStream,
        writer: DiskWriter
    ) throws {
        let type = archive_entry_filetype(entry) & S_IFMT
        let allowed: Set<mode_t> = [S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO]
        guard allowed.contains(type) else {
            throw EntryRefusal(reason: "unsupported entry type (mode \(String(type, radix: 8)))")
        }
        if type == S_IFLNK, archive_entry_symlink(entry) == nil {
            throw EntryRefusal(reason: "symlink without a target")
        }

        let parent = try openDirectory(path.parent, create: true)
        defer { close(parent) }
        try clearName(path, in: parent, forDirectory: type == S_IFDIR)

        dropTrustedXattrs(entry)
        path.absolute(under: destination).withCString { archive_entry_copy_pathname(entry, $0) }
        guard archive_write_header(writer.handle, entry) >= ARCHIVE_WARN else {
            throw ImageError.corruptLayer(
                layer.description, "cannot write entry \"\(path.display)\": \(writer.errorMessage)")
        }
        if type == S_IFREG, archive_entry_size(entry) > 0 {
            try copyData(of: path, from: tar, stream: stream, writer: writer)
        }
        guard archive_write_finish_entry(writer.handle) >= ARCHIVE_WARN else {
            throw ImageError.corruptLayer(
                layer.description, "cannot finish entry \"\(path.display)\": \(writer.errorMessage)")
        }
    }

    private func copyData(
        of path: EntryPath, from tar: ArchiveReader, stream: DecompressedStream, writer: DiskWriter
    ) throws {
        var block: UnsafeRawPointer?
        var size = 0
        var offset: la_int64_t = 0
        while true {
            let status = archive_read_data_block(tar.handle, &block, &size, &offset)
            if status == ARCHIVE_EOF { return }
            guard status >= ARCHIVE_WARN else {
                throw corrupt(stream, tar, "cannot read data of \"\(path.display)\"")
            }
            guard archive_write_data_block(writer.handle, block, size, offset) >= ARCHIVE_WARN else {
                throw ImageError.corruptLayer(
                    layer.description, "cannot write data of \"\(path.display)\": \(writer.errorMessage)")
            }
        }
    }

    /// Makes room for a new entry at `path`: a symlink there is removed (tar semantics replace it, and
    /// nothing may be written through it); a directory may only be replaced by a directory.
    private func clearName(_ path: EntryPath, in parent: Int32, forDirectory: Bool) throws {
        var info = stat()
        let found = path.name.withCString { fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
        guard found else { return }
        switch info.st_mode & S_IFMT {
        case S_IFLNK:
            guard path.name.withCString({ unlinkat(parent, $0, 0) }) == 0 else {
                throw ImageError.lastSystemCall("unlink", path.absolute(under: destination).displayString)
            }
        case S_IFDIR where !forDirectory:
            throw EntryRefusal(reason: "replaces the directory an earlier entry created with a non-directory")
        default:
            break
        }
    }

    private func dropTrustedXattrs(_ entry: OpaquePointer) {
        guard archive_entry_xattr_reset(entry) > 0 else { return }
        var kept: [(name: [UInt8], value: [UInt8])] = []
        var dropped = false
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while archive_entry_xattr_next(entry, &name, &value, &size) == ARCHIVE_OK {
            guard let name else { continue }
            let nameBytes = [UInt8](cString: name)
            if nameBytes.starts(with: Array("trusted.".utf8)) {
                dropped = true
                continue
            }
            let valueBytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            kept.append((nameBytes, valueBytes))
        }
        guard dropped else { return }
        archive_entry_xattr_clear(entry)
        for xattr in kept {
            xattr.name.withCString { name in
                xattr.value.withUnsafeBytes { archive_entry_xattr_add_entry(entry, name, $0.baseAddress, $0.count) }
            }
        }
    }

    // MARK: Whiteouts and hardlinks, done here with *at() calls

    /// `dir/.wh..wh..opq`: overlayfs hides everything lower layers have in `dir`.
    private func markOpaque(_ directory: EntryPath) throws {
        let fd = try openDirectory(directory, create: true)
        defer { close(fd) }
        guard let fsetxattr = GNUFunctions.fsetxattr else {
            throw ImageError.systemCall("setxattr trusted.overlay.opaque on", directory.display, ENOSYS)
        }
        guard fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) == 0 else {
            throw ImageError.lastSystemCall(
                "setxattr trusted.overlay.opaque on", directory.absolute(under: destination).displayString)
        }
    }

    /// `dir/.wh.NAME`: a 0:0 character device named NAME, which overlayfs reads as "deleted".
    private func createWhiteout(for marker: EntryPath) throws {
        let name = Array(marker.name.dropFirst(LayerUnpacker.whiteoutPrefix.count))
        guard !name.isEmpty, name != Array(".".utf8), name != Array("..".utf8) else {
            throw EntryRefusal(reason: "whiteout does not name a file")
        }
        let parent = try openDirectory(marker.parent, create: true)
        defer { close(parent) }
        var info = stat()
        // A whiteout hides lower layers only; content this layer itself has under NAME stays.
        if name.withCString({ fstatat(parent, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 { return }
        let whiteoutDevice: dev_t = 0  // makedev(0, 0)
        guard name.withCString({ mknodat(parent, $0, S_IFCHR, whiteoutDevice) }) == 0 else {
            let target = marker.parent.absolute(under: destination) + [UInt8(ascii: "/")] + name
            throw ImageError.lastSystemCall("mknod whiteout", target.displayString)
        }
    }

    private func createHardlink(_ path: EntryPath, to rawTarget: [UInt8]) throws {
        let role = "hardlink target \"\(rawTarget.displayString)\""
        let target = try EntryPath(rawTarget, role: role)
        guard !target.isRoot else { throw EntryRefusal(reason: "\(role) is the layer root") }
        if target == path { return }  // A link to itself: nothing to do.

        let targetParent: Int32
        do {
            targetParent = try openDirectory(target.parent, create: false)
        } catch let refusal as EntryRefusal {
            throw EntryRefusal(reason: "\(role): \(refusal.reason)")
        }
        defer { close(targetParent) }
        var info = stat()
        guard target.name.withCString({ fstatat(targetParent, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
            throw EntryRefusal(reason: "\(role) is not an earlier entry of this layer")
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw EntryRefusal(reason: "\(role) is a directory") }

        let parent = try openDirectory(path.parent, create: true)
        defer { close(parent) }
        try clearName(path, in: parent, forDirectory: false)
        path.name.withCString { _ = unlinkat(parent, $0, 0) }
        // flags 0: a target that is itself a symlink is linked as the symlink, never followed.
        let linked = target.name.withCString { targetName in
            path.name.withCString { linkat(targetParent, targetName, parent, $0, 0) }
        }
        guard linked == 0 else {
            throw ImageError.lastSystemCall("link", path.absolute(under: destination).displayString)
        }
    }

    /// Opens the directory `path` below the destination one component at a time, never following a symlink.
    /// With `create`, missing directories are made (mode 0755, root-owned, as the entries would be).
    private func openDirectory(_ path: EntryPath, create: Bool) throws -> Int32 {
        var fd = destination.withCString { open($0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else { throw ImageError.lastSystemCall("open", destination.displayString) }
        for (index, component) in path.components.enumerated() {
            var next = component.withCString { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            if next < 0, errno == ENOENT, create {
                guard component.withCString({ mkdirat(fd, $0, 0o755) }) == 0 else {
                    let code = errno
                    close(fd)
                    throw ImageError.systemCall("mkdir", path.prefix(index + 1).display, code)
                }
                _ = component.withCString { fchmodat(fd, $0, 0o755, 0) }  // mkdirat obeys the umask.
                next = component.withCString { openat(fd, $0, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
            }
            if next < 0 {
                let code = errno
                var info = stat()
                let kind =
                    component.withCString { fstatat(fd, $0, &info, AT_SYMLINK_NOFOLLOW) } == 0
                    ? info.st_mode & S_IFMT : 0
                close(fd)
                let prefix = path.prefix(index + 1).display
                if kind == S_IFLNK {
                    throw EntryRefusal(
                        reason: "parent \"\(prefix)\" is a symlink, and writing through it could escape the layer")
                }
                if code == ENOENT { throw EntryRefusal(reason: "parent \"\(prefix)\" does not exist in this layer") }
                if kind != 0 { throw EntryRefusal(reason: "parent \"\(prefix)\" is not a directory") }
                throw ImageError.systemCall("open", prefix, code)
            }
            close(fd)
            fd = next
        }
        return fd
    }
}
