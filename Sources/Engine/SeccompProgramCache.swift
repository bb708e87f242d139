import Foundation
import Isolation

/// Compiled seccomp programs under `<root>/seccomp`, one per capability set: berth compiles the
/// profile once (about 5 ms with libseccomp) and every later launch with the same capabilities only
/// loads the ready program, as crun does with its BPF cache.
public struct SeccompProgramCache: Sendable {
    public let directory: String

    public init(root: String) {
        directory = "\(root)/seccomp"
    }

    /// The path of the program for `capabilities`, compiling and storing it first if needed. Written
    /// to a temporary file and renamed, so a concurrent launch never reads half a program.
    public func programPath(for capabilities: [String]) throws -> String {
        let path = "\(directory)/\(Self.key(for: capabilities)).bpf"
        if FileManager.default.fileExists(atPath: path) { return path }
        let program = try SeccompFilter.compile(capabilities: capabilities)
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let temporary = "\(path).\(getpid()).tmp"
        try Data(program).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw EngineError.server("could not store the seccomp program at \(path)")
        }
        return path
    }

    /// The profile revision plus a stable hash (FNV-1a) of the sorted capability names.
    static func key(for capabilities: [String]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in capabilities.sorted().joined(separator: ",").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return "r\(SeccompFilter.revision)-\(String(hash, radix: 16))"
    }
}
