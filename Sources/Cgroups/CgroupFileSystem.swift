import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// The seam between the drivers' decisions and the kernel: every cgroup file operation goes through it.
/// `HostCgroupFileSystem(root:)` prefixes every absolute path with `root`, so unit tests point a driver at a
/// directory tree of plain files and read back what it wrote, without root and without touching the host.
public protocol CgroupFileSystem: Sendable {
    func read(_ path: String) throws(CgroupError) -> String
    /// One write(2) of the whole value: cgroup files act on each write call.
    func write(_ path: String, _ value: String) throws(CgroupError)
    func exists(_ path: String) -> Bool
    func makeDirectory(_ path: String) throws(CgroupError)
    func removeDirectory(_ path: String) throws(CgroupError)
    /// Names of the subdirectories of `path` (child cgroups), not files.
    func subdirectories(_ path: String) throws(CgroupError) -> [String]
    /// The real path on this machine, for handing to another process (procsFiles) or to inotify.
    func hostPath(_ path: String) -> String
}

public struct HostCgroupFileSystem: CgroupFileSystem {
    public let root: String

    public init(root: String = "") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    public func hostPath(_ path: String) -> String { root + path }

    public func read(_ path: String) throws(CgroupError) -> String {
        let full = hostPath(path)
        let fd = open(full, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(SyscallError("open(\(full))")) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(SyscallError("read(\(full))"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func write(_ path: String, _ value: String) throws(CgroupError) {
        let full = hostPath(path)
        // O_CREAT only under a test root: on the real cgroupfs a missing file is an error worth seeing.
        let flags = O_WRONLY | O_CLOEXEC | (root.isEmpty ? 0 : O_CREAT | O_TRUNC)
        let fd = open(full, flags, 0o644)
        guard fd >= 0 else { throw .io(SyscallError("open(\(full))")) }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        while true {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written >= 0 { return }
            if errno == EINTR { continue }
            throw .io(SyscallError("write \"\(value)\" to \(full)"))
        }
    }

    public func exists(_ path: String) -> Bool { access(hostPath(path), F_OK) == 0 }

    public func makeDirectory(_ path: String) throws(CgroupError) {
        let full = hostPath(path)
        guard mkdir(full, 0o755) == 0 else {
            if errno == EEXIST { return }
            throw .io(SyscallError("mkdir(\(full))"))
        }
    }

    public func removeDirectory(_ path: String) throws(CgroupError) {
        let full = hostPath(path)
        if !root.isEmpty { removePlainFiles(in: full) }
        guard rmdir(full) == 0 else {
            if errno == ENOENT { return }
            throw .io(SyscallError("rmdir(\(full))"))
        }
    }

    /// Under a test root the "interface files" are plain files; on cgroupfs they vanish with the directory.
    private func removePlainFiles(in full: String) {
        guard let directory = opendir(full) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            guard entry.pointee.d_type == UInt8(DT_REG) else { continue }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            unlink(full + "/" + name)
        }
    }

    public func subdirectories(_ path: String) throws(CgroupError) -> [String] {
        let full = hostPath(path)
        guard let directory = opendir(full) else { throw .io(SyscallError("opendir(\(full))")) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != ".." else { continue }
            if entry.pointee.d_type == UInt8(DT_DIR) { names.append(name) }
        }
        return names.sorted()
    }
}
