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
    /// Input and output pass through files in a private 0700 directory, removed before returning: the
    /// spawner connects files, not pipes, and nothing else can read a secret there meanwhile.
    private func run(_ verb: String, input: [UInt8]) throws -> (status: Int32, output: String) {
        let executable = try executablePath()
        let base = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/berth-credential-XXXXXX".utf8CString)
        guard let directory = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw RegistryError.credentials(source: program, reason: "cannot create a temporary directory in \(base)")
        }
        let directoryPath = String(cString: directory)
        defer {
            // Best effort: the directory holds only what this call wrote, already read.
            unlink(directoryPath + "/in")
            unlink(directoryPath + "/out")
            rmdir(directoryPath)
        }
        do throws(SyscallError) {
            try FileReplacement.write(input, to: directoryPath + "/in", mode: 0o600)
            let variables = environment.map { "\($0.key)=\($0.value)" }
            let pid = try ProcessSpawner.spawn(
                executable, arguments: [verb], environment: variables, stdinPath: directoryPath + "/in",
                stdoutPath: directoryPath + "/out", stderrPath: directoryPath + "/out")
            let status = try ProcessSpawner.wait(pid)
            let output = FileManager.default.contents(atPath: directoryPath + "/out") ?? Data()
            return (status.code, String(decoding: output, as: UTF8.self))
        } catch {
            throw RegistryError.credentials(source: program, reason: "\(error)")
        }
    }
}
