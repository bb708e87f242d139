import CLinuxKit
import Foundation
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// A `docker-credential-<name>` program (docker/docker-credential-helpers protocol): `get` and `erase` read
/// the server URL on stdin, `store` reads `{"ServerURL","Username","Secret"}`. Run with posix_spawn, since
/// berthd is multithreaded and must not fork.
struct CredentialHelper: Sendable {
    var name: String
    var environment: [String: String]

    var program: String { "docker-credential-" + name }

    /// Nil when the helper has nothing for `serverURL`.
    func get(serverURL: String) throws -> RegistryCredential? {
        let result = try run("get", input: Array(serverURL.utf8))
        if result.status != 0 {
            if result.output.contains("credentials not found") { return nil }
            throw RegistryError.credentials(source: program, reason: "get failed: \(result.output.trimmingSpaces)")
        }
        struct Answer: Decodable {
            var Username: String
            var Secret: String
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(result.output.utf8)) else {
            throw RegistryError.credentials(source: program, reason: "get printed something that is not credentials")
        }
        return RegistryCredential(username: answer.Username, password: answer.Secret)
    }

    func store(serverURL: String, _ credential: RegistryCredential) throws {
        let input: [String: String] = [
            "ServerURL": serverURL, "Username": credential.username, "Secret": credential.password,
        ]
        let result = try run("store", input: Array(try JSONEncoder().encode(input)))
        guard result.status == 0 else {
            throw RegistryError.credentials(source: program, reason: "store failed: \(result.output.trimmingSpaces)")
        }
    }

    /// False when the helper had nothing stored.
    func erase(serverURL: String) throws -> Bool {
        let result = try run("erase", input: Array(serverURL.utf8))
        if result.status == 0 { return true }
        if result.output.contains("credentials not found") { return false }
        throw RegistryError.credentials(source: program, reason: "erase failed: \(result.output.trimmingSpaces)")
    }

    /// The helper's PATH lookup, as exec would do it.
    func executablePath() throws -> String {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        throw RegistryError.credentials(source: program, reason: "not found in PATH")
    }

    /// Runs the helper with `input` on stdin; stdout and stderr together, since helpers report errors on either.
    /// Input and output are memfds, never files: a secret (the `store` input, the `get` answer) must not touch
    /// a filesystem, where a crash or a full disk would leave it behind. The spawner connects paths, not
    /// descriptors, so the child opens each as `/proc/self/fd/<fd>`: its copies of our close-on-exec
    /// descriptors are still open while posix_spawn's file actions run.
    private func run(_ verb: String, input: [UInt8]) throws -> (status: Int32, output: String) {
        let executable = try executablePath()
        do throws(SyscallError) {
            let stdin = try SecretBuffer(name: "berth-credential-in")
            defer { stdin.close() }
            let stdout = try SecretBuffer(name: "berth-credential-out")
            defer { stdout.close() }
            try stdin.write(input)
            let variables = environment.map { "\($0.key)=\($0.value)" }
            let pid = try ProcessSpawner.spawn(
                executable, arguments: [verb], environment: variables, stdinPath: stdin.childPath,
                stdoutPath: stdout.childPath, stderrPath: stdout.childPath)
            let status = try ProcessSpawner.wait(pid)
            return (status.code, String(decoding: try stdout.contents(), as: UTF8.self))
        } catch {
            throw RegistryError.credentials(source: program, reason: "\(error)")
        }
    }
}

/// An anonymous in-memory file (memfd, close-on-exec) for a helper's stdin or stdout.
private struct SecretBuffer {
    let descriptor: Int32

    init(name: String) throws(SyscallError) {
        descriptor = try syscallChecked("memfd_create \(name)") { bk_memfd_create(name) }
    }

    /// The path a spawned child opens it by, before it execs.
    var childPath: String { "/proc/self/fd/\(descriptor)" }

    func write(_ bytes: [UInt8]) throws(SyscallError) {
        var written = 0
        while written < bytes.count {
            written += try syscallChecked("write memfd") {
                bytes.withUnsafeBytes {
                    pwrite(descriptor, $0.baseAddress! + written, $0.count - written, off_t(written))
                }
            }
        }
    }

    /// Everything written to it, by any descriptor.
    func contents() throws(SyscallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let offset = off_t(bytes.count)
            let count = try syscallChecked("read memfd") {
                chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, offset) }
            }
            if count == 0 { return bytes }
            bytes += chunk[..<count]
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}
