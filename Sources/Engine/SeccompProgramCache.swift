import Foundation
import Isolation

/// Compiled seccomp programs under `<root>/seccomp`, one per capability set: berth compiles the
/// profile once (about 5 ms with libseccomp) and every later launch with the same capabilities only
/// installs the ready program, as crun does with its BPF cache.
public struct SeccompProgramCache: Sendable {
    public let directory: String

    public init(root: String) {
        directory = "\(root)/seccomp"
    }

    /// The path of the program for `capabilities`, compiling and storing it first if needed. Stored
    /// through a uniquely named temporary file, fsync'ed, then renamed: a concurrent or crashed writer
    /// never leaves a partial program where a launch would read it.
    public func programPath(for capabilities: [String]) throws -> String {
        let path = "\(directory)/\(Self.key(for: capabilities)).bpf"
        if Self.looksValid(path) { return path }
        let program = try SeccompFilter.compile(capabilities: capabilities)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(path).\(UUID().uuidString).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600])
        else { throw EngineError.server("could not create \(temporary)") }
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: Data(program))
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            throw EngineError.server("could not store the seccomp program at \(path)")
        }
        return path
    }

    /// A program is whole 8-byte BPF instructions; anything else is rebuilt.
    static func looksValid(_ path: String) -> Bool {
        guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else { return false }
        return size > 0 && size % 8 == 0
    }

    /// A stable hash (FNV-1a) of the sorted capability names and the profile's fingerprint.
    static func key(for capabilities: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in (capabilities.sorted().joined(separator: ",") + "\n" + SeccompFilter.fingerprint).utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "r\(SeccompFilter.revision)-\(String(hash, radix: 16))"
    }
}
