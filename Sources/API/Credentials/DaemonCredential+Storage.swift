import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why `<root>/credentials.json` could not be read or written.
public struct DaemonCredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "berthd credentials \(path): \(reason)" }
}

extension DaemonCredential {
    /// The daemon's credential file under `root` (root-only: mode 0600).
    public static func filePath(root: String) -> String { "\(root)/credentials.json" }

    /// Reads `<root>/credentials.json`, or creates it with a fresh credential the first time.
    ///
    /// The file is created beside its final name and hard-linked into place, so two daemons starting
    /// at once agree on one credential (the loser of the race reads the winner's) and a crash never
    /// leaves a half-written file under the real name. A file readable by group or others is tightened
    /// to 0600 rather than refused: it holds a secret only loopback clients can use anyway.
    public static func loadOrCreate(root: String) throws(DaemonCredentialError) -> DaemonCredential {
        let path = filePath(root: root)
        if let existing = try load(path: path) { return existing }
        try makeDirectory(root)
        let fresh = generate()
        if try install(fresh, at: path) { return fresh }
        // Another process installed its credential between our load and our link: use that one.
        guard let winner = try load(path: path) else {
            throw DaemonCredentialError(path: path, reason: "vanished while being created")
        }
        return winner
    }

    /// The credential at `path`, or nil if there is no file.
    static func load(path: String) throws(DaemonCredentialError) -> DaemonCredential? {
        // O_NOFOLLOW: the secret is only ever read from the file itself, never through a planted symlink.
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw DaemonCredentialError(path: path, reason: "cannot open: \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw DaemonCredentialError(path: path, reason: "is not a regular file")
        }
        if status.st_mode & 0o077 != 0, fchmod(descriptor, 0o600) != 0 {
            throw DaemonCredentialError(
                path: path, reason: "is readable by others and cannot be made 0600: \(String(cString: strerror(errno)))"
            )
        }
        let contents = try readAll(descriptor, path: path)
        let credential: DaemonCredential
        do {
            credential = try JSONDecoder().decode(DaemonCredential.self, from: contents)
        } catch {
            throw DaemonCredentialError(
                path: path, reason: "is not {\"accessKeyId\": ..., \"secretAccessKey\": ...}: \(error)")
        }
        // The access key id travels inside the SigV4 credential scope, where "/" separates fields.
        guard !credential.accessKeyId.isEmpty, !credential.accessKeyId.contains("/"),
            !credential.secretAccessKey.isEmpty
        else {
            throw DaemonCredentialError(path: path, reason: "has an empty or malformed accessKeyId or secretAccessKey")
        }
        return credential
    }

    /// Writes `credential` to `path` unless a file is already there; false if one was.
    private static func install(_ credential: DaemonCredential, at path: String) throws(DaemonCredentialError) -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let contents: Data
        do { contents = try encoder.encode(credential) + Data("\n".utf8) } catch {
            throw DaemonCredentialError(path: path, reason: "cannot encode: \(error)")
        }
        let temporary = "\(path).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonCredentialError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        let written = contents.withUnsafeBytes { bytes in writeAll(descriptor, bytes) }
        // fchmod: the umask may have narrowed 0600 further, which would lock out nobody but is surprising.
        let synced = written && fchmod(descriptor, 0o600) == 0 && fsync(descriptor) == 0
        let writeError = errno
        close(descriptor)
        guard synced else {
            throw DaemonCredentialError(path: path, reason: "cannot write: \(String(cString: strerror(writeError)))")
        }
        if link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            throw DaemonCredentialError(path: path, reason: "cannot create: \(String(cString: strerror(code)))")
        }
        return true
    }

    private static func makeDirectory(_ root: String) throws(DaemonCredentialError) {
        do {
            try FileManager.default.createDirectory(
                atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        } catch {
            throw DaemonCredentialError(path: filePath(root: root), reason: "cannot create \(root): \(error)")
        }
    }

    private static func readAll(_ descriptor: Int32, path: String) throws(DaemonCredentialError) -> Data {
        var contents = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count == 0 { return contents }
            if count < 0 {
                if errno == EINTR { continue }
                throw DaemonCredentialError(path: path, reason: "cannot read: \(String(cString: strerror(errno)))")
            }
            // A credential file is a few hundred bytes; a huge one is not ours.
            guard contents.count + count <= 64 * 1024 else {
                throw DaemonCredentialError(path: path, reason: "is larger than 64 KiB")
            }
            contents.append(contentsOf: buffer[0..<count])
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += count
        }
        return true
    }
}
