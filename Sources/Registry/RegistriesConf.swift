import Foundation
import Images
import TOMLKit

/// containers-registries.conf(5) version 2, the parts a pull uses: `[[registry]]` tables with `prefix`,
/// `location`, `insecure`, `blocked`, `mirror-by-digest-only` and `[[registry.mirror]]` (`location`,
/// `insecure`). Other keys (unqualified-search-registries, short-name aliases) are ignored on purpose:
/// unqualified names always mean docker.io here, as in Docker and ECS.
struct RegistriesConf: Sendable, Equatable {
    struct Mirror: Sendable, Equatable {
        var location: String
        var insecure: Bool
    }

    struct Entry: Sendable, Equatable {
        /// Defaults to `location`. `*.example.com` matches any host under example.com.
        var prefix: String
        var location: String
        var insecure: Bool
        var blocked: Bool
        /// nil when the file does not say: berth then keeps mirrors to digests (see RegistryRoute).
        var mirrorByDigestOnly: Bool?
        var mirrors: [Mirror]
    }

    /// The file it came from, for error messages.
    var file: String
    var entries: [Entry]

    static let empty = RegistriesConf(file: "", entries: [])

    /// Nil when the file does not exist: no configuration is a valid configuration.
    static func load(path: String) throws -> RegistriesConf? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError.configuration(file: path, reason: "cannot be read")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    static func parse(_ text: String, file: String) throws -> RegistriesConf {
        let document: Document
        do {
            document = try TOMLDecoder().decode(Document.self, from: text)
        } catch let error as TOMLParseError {
            throw RegistryError.configuration(
                file: file, reason: "invalid TOML: \(error.description) (\(error.source.debugDescription))")
        } catch {
            throw RegistryError.configuration(file: file, reason: "invalid registries.conf: \(error)")
        }
        var entries: [Entry] = []
        for (index, table) in (document.registry ?? []).enumerated() {
            let location = table.location ?? ""
            let prefix = table.prefix ?? location
            guard !prefix.isEmpty else {
                throw RegistryError.configuration(
                    file: file, reason: "[[registry]] number \(index + 1) has neither prefix nor location")
            }
            if prefix.hasPrefix("*."), !location.isEmpty {
                throw RegistryError.configuration(
                    file: file, reason: "[[registry]] with wildcard prefix \"\(prefix)\" must not set a location")
            }
            entries.append(
                Entry(
                    prefix: prefix, location: location, insecure: table.insecure ?? false,
                    blocked: table.blocked ?? false, mirrorByDigestOnly: table.mirrorByDigestOnly,
                    mirrors: (table.mirror ?? []).map { Mirror(location: $0.location, insecure: $0.insecure ?? false) }
                ))
        }
        return RegistriesConf(file: file, entries: entries)
    }

    /// The entry whose prefix is the longest match for `repository` ("docker.io/library/nginx"):
    /// equal to it, or followed by "/" in it; a wildcard matches by host suffix.
    func entry(for repository: String) -> Entry? {
        let host = repository.split(separator: "/", maxSplits: 1).first.map(String.init) ?? repository
        var best: Entry?
        var bestLength = -1
        for entry in entries {
            let matched: Bool
            if entry.prefix.hasPrefix("*.") {
                matched = host.hasSuffix(entry.prefix.dropFirst())
            } else {
                matched = repository == entry.prefix || repository.hasPrefix(entry.prefix + "/")
            }
            if matched, entry.prefix.count > bestLength {
                best = entry
                bestLength = entry.prefix.count
            }
        }
        return best
    }

    /// Where to ask for `reference`'s content. Throws `blocked` naming this file.
    func route(for reference: ImageReference) throws -> RegistryRoute {
        let repository = reference.repository
        guard let entry = entry(for: repository) else {
            return RegistryRoute(primary: RegistryEndpoint(location: repository, insecure: false), mirrors: [])
        }
        guard !entry.blocked else { throw RegistryError.blocked(registry: repository, file: file) }
        // A wildcard entry keeps the reference's own location; others replace the prefix by their location.
        func rewrite(_ location: String) -> String {
            guard !entry.prefix.hasPrefix("*."), !location.isEmpty else { return repository }
            return location + repository.dropFirst(entry.prefix.count)
        }
        return RegistryRoute(
            primary: RegistryEndpoint(location: rewrite(entry.location), insecure: entry.insecure),
            mirrors: entry.mirrors.map { RegistryEndpoint(location: rewrite($0.location), insecure: $0.insecure) },
            mirrorsAnswerTags: entry.mirrorByDigestOnly == false)
    }

    private struct Document: Decodable {
        var registry: [RegistryTable]?
    }

    private struct RegistryTable: Decodable {
        var prefix: String?
        var location: String?
        var insecure: Bool?
        var blocked: Bool?
        var mirrorByDigestOnly: Bool?
        var mirror: [MirrorTable]?

        enum CodingKeys: String, CodingKey {
            case prefix, location, insecure, blocked, mirror
            case mirrorByDigestOnly = "mirror-by-digest-only"
        }
    }

    private struct MirrorTable: Decodable {
        var location: String
        var insecure: Bool?
    }
}

/// Which registries to ask for one image, in order.
///
/// Mirrors serve content named by digest (manifests by digest, configs, layers), each mirror in order, then
/// the primary. A tag is resolved on the primary alone unless the entry says `mirror-by-digest-only = false`
/// in so many words: containers/image lets mirrors answer tags by default, but a mirror is a cache someone
/// else runs, and a stale or hostile one could hand back an old or different image for `:latest` that
/// nothing could tell from the real one. Content addressed by digest is verified byte for byte, so a mirror
/// can speed it up but never change it (containerd's hosts.toml draws the same line between "resolve" and
/// "pull"). A user who wants mirrors to answer tags (an offline machine behind a pull-through cache) says so.
struct RegistryRoute: Sendable, Equatable {
    var primary: RegistryEndpoint
    var mirrors: [RegistryEndpoint]
    /// registries.conf set `mirror-by-digest-only = false` for this entry.
    var mirrorsAnswerTags = false

    /// For a tag: the primary alone, or the mirrors first when the file allows it.
    var forTags: [RegistryEndpoint] { mirrorsAnswerTags ? mirrors + [primary] : [primary] }
    /// For digests: each mirror in order, then the primary.
    var forDigests: [RegistryEndpoint] { mirrors + [primary] }
}

/// One registry to talk to, and the repository's name there.
struct RegistryEndpoint: Sendable, Equatable {
    /// The registry as users name it ("docker.io", "localhost:5000"): the key for credentials and certs.d.
    var registry: String
    /// The repository path on that registry ("library/nginx").
    var repository: String
    /// Plain HTTP, or TLS without verification.
    var insecure: Bool

    /// `location` is "host[:port]/path…", as in registries.conf.
    init(location: String, insecure: Bool) {
        let parts = location.split(separator: "/", maxSplits: 1)
        registry = parts.first.map(String.init) ?? location
        if registry == "index.docker.io" { registry = ImageReference.defaultDomain }
        repository = parts.count > 1 ? String(parts[1]) : ""
        // Unlike Docker, which treats 127.0.0.0/8 as insecure, TLS is verified unless registries.conf says
        // otherwise, as containers/image (Podman, skopeo) does: a local registry's CA belongs in certs.d, and
        // a broken one must fail here as it would against the real registry.
        self.insecure = insecure
    }

    /// The host:port to connect to: Docker Hub's API lives on registry-1.docker.io (containerd resolver.go).
    var serverAuthority: String { registry == ImageReference.defaultDomain ? "registry-1.docker.io" : registry }
}
