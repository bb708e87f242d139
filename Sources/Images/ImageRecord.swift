import Foundation

/// One image in the store, as `images.json` keeps it.
public struct ImageRecord: Sendable, Codable, Equatable {
    /// The config digest "sha256:<hex>": what `docker images --no-trunc` shows as the image ID.
    public var id: String
    /// The manifest's digest "sha256:<hex>". For a docker-archive, which carries no manifest, the store writes one.
    public var manifestDigest: String
    /// Normalized references such as "docker.io/library/nginx:latest"; empty for a dangling image.
    public var names: [String]
    /// The config's "created" time, if it has one.
    public var created: Date?
    /// The sum of the uncompressed layer sizes, in bytes.
    public var size: Int64
    public var config: ImageConfig
    /// Uncompressed layer digests, bottom layer first.
    public var diffIDs: [String]
    /// Absolute paths of the unpacked layer directories, bottom layer first.
    public var layerPaths: [String]
    /// "repository@sha256:…" for each registry the image was pulled from, with the digest the tag resolved to
    /// (an index's for a multi-arch image), as `docker inspect` shows RepoDigests.
    public var repoDigests: [String] = []
    /// When the store recorded the image (an import or a pull); nil for records older than that field.
    public var stored: Date?

    public init(
        id: String,
        manifestDigest: String,
        names: [String],
        created: Date?,
        size: Int64,
        config: ImageConfig,
        diffIDs: [String],
        layerPaths: [String]
    ) {
        self.id = id
        self.manifestDigest = manifestDigest
        self.names = names
        self.created = created
        self.size = size
        self.config = config
        self.diffIDs = diffIDs
        self.layerPaths = layerPaths
    }

    private enum CodingKeys: String, CodingKey {
        case id, manifestDigest, names, created, size, config, diffIDs, layerPaths, repoDigests, stored
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        manifestDigest = try container.decode(String.self, forKey: .manifestDigest)
        names = try container.decode([String].self, forKey: .names)
        created = try container.decodeIfPresent(Date.self, forKey: .created)
        size = try container.decode(Int64.self, forKey: .size)
        config = try container.decode(ImageConfig.self, forKey: .config)
        diffIDs = try container.decode([String].self, forKey: .diffIDs)
        layerPaths = try container.decode([String].self, forKey: .layerPaths)
        // Absent in stores written before pulls existed.
        repoDigests = try container.decodeIfPresent([String].self, forKey: .repoDigests) ?? []
        stored = try container.decodeIfPresent(Date.self, forKey: .stored)
    }
}
