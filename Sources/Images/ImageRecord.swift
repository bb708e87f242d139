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
}
