import Foundation

/// Pushing and reading back with skopeo (Debian's 1.9), trusting the lab's CA and isolated from the host's
/// containers configuration: the lab's own policy, an empty registries.conf and an empty auth file.
extension RegistryLab {
    /// Copies the OCI layout `layout` (a directory, optionally `DIR:REF` to pick a `ref.name`) to
    /// `docker://HOST/<tag>` (`tag` like `r/plain:1`) and returns the digest of what was pushed: the
    /// manifest, or with `all` the index and every image in it. `.keep` preserves the layout's digests;
    /// `.gzip`/`.zstd` recompress the layers. skopeo run as root remembers where blobs are
    /// (/var/lib/containers/cache) and reuses a blob the registry already holds whatever its compression:
    /// push `.zstd` first, or to its own lab, when the same layer went in gzip before.
    @discardableResult
    public func push(
        layout: String, tag: String, compression: Compression = .keep, all: Bool = false,
        credentials: Credentials = .lab
    ) throws -> String {
        let digestFile = "\(directory)/digest-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: digestFile) }  // scratch file
        var arguments = ["copy", "--quiet", "--digestfile", digestFile]
        if all { arguments.append("--all") }
        switch compression {
        case .keep: arguments.append("--preserve-digests")
        case .gzip: arguments += ["--dest-compress-format", "gzip"]
        case .zstd: arguments += ["--dest-compress-format", "zstd"]
        }
        arguments += registryFlags(prefix: "dest", credentials: credentials)
        arguments += ["oci:\(layout)", "docker://\(host)/\(tag)"]
        try skopeo(arguments)
        return try String(contentsOfFile: digestFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `skopeo inspect --raw docker://HOST/<reference>`: the manifest or index bytes as the registry serves
    /// them. `reference` is `repo:tag` or `repo@sha256:…`.
    public func inspectRaw(_ reference: String, credentials: Credentials = .lab) throws -> Data {
        try skopeo(
            ["inspect", "--raw"] + registryFlags(prefix: nil, credentials: credentials)
                + ["docker://\(host)/\(reference)"])
    }

    /// `skopeo copy docker://HOST/<reference> oci:<layoutDirectory>:<refName>`: a full pull, every blob
    /// fetched and verified against its digest.
    public func pull(
        _ reference: String, to layoutDirectory: String, refName: String = "latest", credentials: Credentials = .lab
    ) throws {
        try skopeo(
            ["copy", "--quiet"] + registryFlags(prefix: "src", credentials: credentials)
                + ["docker://\(host)/\(reference)", "oci:\(layoutDirectory):\(refName)"])
    }

    /// Runs skopeo with the lab's policy and an environment isolated from the host's configuration; throws
    /// with skopeo's stderr when it fails. Returns stdout.
    @discardableResult
    public func skopeo(_ arguments: [String]) throws -> Data {
        let isolation = "\(directory)/skopeo"
        let policy = "\(isolation)/policy.json"
        if !FileManager.default.fileExists(atPath: policy) {
            try FileManager.default.createDirectory(atPath: isolation, withIntermediateDirectories: true)
            try #"{"default":[{"type":"insecureAcceptAnything"}]}"#.write(
                toFile: policy, atomically: true, encoding: .utf8)
            try #"{"auths":{}}"#.write(toFile: "\(isolation)/auth.json", atomically: true, encoding: .utf8)
            try "".write(toFile: "\(isolation)/registries.conf", atomically: true, encoding: .utf8)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["REGISTRY_AUTH_FILE"] = "\(isolation)/auth.json"
        environment["CONTAINERS_REGISTRIES_CONF"] = "\(isolation)/registries.conf"
        environment["TMPDIR"] = isolation
        return try LabCommand.check(
            Self.skopeoProgram, ["--policy", policy] + arguments, environment: environment)
    }

    /// The TLS and credential flags for one side of a skopeo command (`--dest-…`, `--src-…`, or plain).
    func registryFlags(prefix: String?, credentials: Credentials) -> [String] {
        let flag = { (name: String) in "--" + (prefix.map { "\($0)-" } ?? "") + name }
        var flags =
            options.tls
            ? [flag("cert-dir"), "\(certsDirectory)/\(host)"] : ["\(flag("tls-verify"))=false"]
        switch credentials {
        case .lab:
            if let username, let password { flags += [flag("creds"), "\(username):\(password)"] }
        case .anonymous: flags.append(flag("no-creds"))
        case .given(let username, let password): flags += [flag("creds"), "\(username):\(password)"]
        }
        return flags
    }

    // MARK: Client configuration files

    /// Writes a registries.conf (v2) that sends `mirrorOf` (a prefix such as `docker.io`) to this lab as
    /// its mirror, or, without `mirrorOf`, just declares the lab's host; `insecure` marks the lab's entry
    /// insecure (plain HTTP or unverified TLS).
    public func writeRegistriesConf(to path: String, mirrorOf: String? = nil, insecure: Bool = false) throws {
        var lines = ["unqualified-search-registries = []", ""]
        if let mirrorOf {
            lines += [
                "[[registry]]", "prefix = \"\(mirrorOf)\"", "location = \"\(mirrorOf)\"", "",
                "[[registry.mirror]]", "location = \"\(host)\"", "insecure = \(insecure)",
            ]
        } else {
            lines += ["[[registry]]", "location = \"\(host)\"", "insecure = \(insecure)"]
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// Writes a Docker config.json / containers auth.json with the lab user's credentials for `host`.
    public func writeAuthFile(to path: String) throws {
        var auths: [String: Any] = [:]
        if let username, let password {
            auths[host] = ["auth": Data("\(username):\(password)".utf8).base64EncodedString()]
        }
        let data = try JSONSerialization.data(withJSONObject: ["auths": auths], options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: path))
    }

    // MARK: Storage

    /// Where the registry keeps a blob: `<storage>/docker/registry/v2/blobs/sha256/xx/<hex>/data`.
    public func blobPath(digest: String) -> String {
        let hex = digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
        return "\(storageDirectory)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    /// Flips bytes in the middle of a stored blob, keeping its size, so whoever pulls it must fail the
    /// digest check (the registry serves stored blobs without rehashing them).
    public func corruptBlob(digest: String) throws {
        let path = blobPath(digest: digest)
        guard var data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw RegistryLabError(step: "corrupt \(digest)", detail: "no blob at \(path)")
        }
        let middle = data.startIndex + data.count / 2
        for index in middle..<min(middle + 16, data.endIndex) { data[index] ^= 0xff }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }  // written and synchronised below; closing adds nothing to check
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}
