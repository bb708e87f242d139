import Foundation
import LinuxKit

/// A username and password, or (username `<token>`) an identity token, for one registry.
public struct RegistryCredential: Sendable, Equatable, CustomStringConvertible {
    public var username: String
    public var password: String

    /// The username Docker's files and helpers give an identity token (an OAuth2 refresh token) under.
    public static let identityTokenUsername = "<token>"

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Never the password: credentials end up in log lines and error text by accident otherwise.
    public var description: String { "RegistryCredential(username: \(username), password: <redacted>)" }

    /// "user:pass" in base64: config.json's `auth` and the Basic Authorization header.
    var basicAuthorization: String { Data("\(username):\(password)".utf8).base64EncodedString() }
}

/// Reads and writes registry credentials where Docker and Podman keep them.
public struct RegistryCredentials: Sendable {
    private let environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    /// The credential for `registry` ("docker.io", "localhost:5000") from the first auth file that has one:
    /// its `credHelpers` entry, its `auths` entry, then its `credsStore`.
    public func lookup(registry: String) throws -> RegistryCredential? {
        for path in CredentialFiles.searchPaths(environment: environment) {
            guard let config = try AuthFile.read(path) else { continue }
            if let helper = config.credentialHelper(for: registry) {
                if let credential = try helper(environment).get(serverURL: CredentialFiles.storeKey(for: registry)) {
                    return credential
                }
                continue
            }
            if let credential = try config.storedCredential(for: registry, path: path) { return credential }
            if let store = config.credentialsStore {
                let helper = CredentialHelper(name: store, environment: environment)
                if let credential = try helper.get(serverURL: CredentialFiles.storeKey(for: registry)) {
                    return credential
                }
            }
        }
        return nil
    }

    /// Saves `credential` as `docker login` does and returns where it went (a file path or helper name).
    public func store(registry: String, _ credential: RegistryCredential) throws -> String {
        guard let path = CredentialFiles.storePath(environment: environment) else {
            throw RegistryError.credentials(source: "environment", reason: "neither REGISTRY_AUTH_FILE nor HOME is set")
        }
        var config = try AuthFile.read(path) ?? AuthFile(json: [:])
        let key = CredentialFiles.storeKey(for: registry)
        if let helper = config.credentialHelper(for: registry) ?? config.credentialsStore.map(CredentialHelper.named) {
            let runner = helper(environment)
            try runner.store(serverURL: key, credential)
            return runner.program
        }
        config.setAuth(key: key, registry: registry, value: ["auth": credential.basicAuthorization])
        try config.write(to: path)
        return path
    }

    /// Removes the credential for `registry` (`docker logout`); false if there was none.
    public func erase(registry: String) throws -> Bool {
        guard let path = CredentialFiles.storePath(environment: environment) else { return false }
        guard var config = try AuthFile.read(path) else { return false }
        let key = CredentialFiles.storeKey(for: registry)
        if let helper = config.credentialHelper(for: registry) ?? config.credentialsStore.map(CredentialHelper.named) {
            return try helper(environment).erase(serverURL: key)
        }
        guard config.setAuth(key: key, registry: registry, value: nil) else { return false }
        try config.write(to: path)
        return true
    }
}

extension CredentialHelper {
    static func named(_ name: String) -> @Sendable ([String: String]) -> CredentialHelper {
        { CredentialHelper(name: name, environment: $0) }
    }
}

/// An auth.json or config.json, kept as parsed JSON so a rewrite preserves every key we do not know.
struct AuthFile {
    var json: [String: Any]

    static func read(_ path: String) throws -> AuthFile? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError.credentials(source: path, reason: "cannot be read")
        }
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x09 || $0 == 0x0d }) { return AuthFile(json: [:]) }
        guard let object = try? JSONSerialization.jsonObject(with: data), let json = object as? [String: Any] else {
            throw RegistryError.credentials(source: path, reason: "is not a JSON object")
        }
        return AuthFile(json: json)
    }

    var credentialsStore: String? {
        guard let name = json["credsStore"] as? String, !name.isEmpty else { return nil }
        return name
    }

    func credentialHelper(for registry: String) -> (@Sendable ([String: String]) -> CredentialHelper)? {
        guard let helpers = json["credHelpers"] as? [String: Any] else { return nil }
        for (key, value) in helpers where CredentialFiles.key(key, names: registry) {
            if let name = value as? String, !name.isEmpty { return CredentialHelper.named(name) }
        }
        return nil
    }

    /// An `auths` entry: `auth` (base64 "user:pass"), or `username`/`password`, or `identitytoken`.
    func storedCredential(for registry: String, path: String) throws -> RegistryCredential? {
        guard let auths = json["auths"] as? [String: Any] else { return nil }
        // An exact key first, so "https://index.docker.io/v1/" beats a stray "docker.io" written by hand.
        let keys = auths.keys.filter { CredentialFiles.key($0, names: registry) }.sorted {
            ($0 == CredentialFiles.storeKey(for: registry) ? 0 : 1, $0) < (
                $1 == CredentialFiles.storeKey(for: registry) ? 0 : 1, $1
            )
        }
        for key in keys {
            guard let entry = auths[key] as? [String: Any] else { continue }
            if let token = entry["identitytoken"] as? String, !token.isEmpty {
                return RegistryCredential(username: RegistryCredential.identityTokenUsername, password: token)
            }
            if let auth = entry["auth"] as? String, !auth.isEmpty {
                guard let decoded = Data(base64Encoded: auth), let text = String(data: decoded, encoding: .utf8),
                    let colon = text.firstIndex(of: ":")
                else {
                    throw RegistryError.credentials(
                        source: path, reason: "the auth entry for \(key) is not base64 user:password")
                }
                return RegistryCredential(
                    username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
            }
            if let username = entry["username"] as? String, let password = entry["password"] as? String {
                return RegistryCredential(username: username, password: password)
            }
        }
        return nil
    }

    /// Sets (or with nil removes) the `auths` entry; removing clears every key that names the registry.
    /// Returns whether anything changed.
    @discardableResult
    mutating func setAuth(key: String, registry: String, value: [String: String]?) -> Bool {
        var auths = json["auths"] as? [String: Any] ?? [:]
        let before = auths.count
        if let value {
            auths[key] = value
        } else {
            for existing in auths.keys where CredentialFiles.key(existing, names: registry) {
                auths.removeValue(forKey: existing)
            }
        }
        json["auths"] = auths
        return value != nil || auths.count != before
    }

    /// Mode 0600 in a 0700 directory, replaced all at once so a crash never leaves half a file.
    func write(to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let data = try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys])
            try FileReplacement.write(Array(data) + [0x0a], to: path, mode: 0o600)
        } catch let error as SyscallError {
            throw RegistryError.credentials(source: path, reason: "\(error)")
        } catch {
            throw RegistryError.credentials(source: path, reason: "\(error)")
        }
    }
}
