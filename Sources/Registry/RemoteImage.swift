import Images

/// An image's manifest and config as a registry served them, verified: everything a pull needs before
/// it downloads the layers.
public struct RemoteImage: Sendable {
    /// What was asked for, normalized.
    public var reference: ImageReference
    /// The registry that served the manifest: a mirror or the primary.
    public var registry: String
    /// What the reference resolved to (the index's digest for a multi-arch image): docker's "Digest:" line.
    public var digest: Digest
    /// The platform manifest's digest.
    public var manifestDigest: Digest
    public var manifestMediaType: String
    /// Exactly as served, verified against `manifestDigest`.
    public var manifestBytes: [UInt8]
    public var manifest: ImageManifest
    /// Verified against `manifest.config.digest`.
    public var configBytes: [UInt8]

    public init(
        reference: ImageReference, registry: String, digest: Digest, manifestDigest: Digest,
        manifestMediaType: String, manifestBytes: [UInt8], manifest: ImageManifest, configBytes: [UInt8]
    ) {
        self.reference = reference
        self.registry = registry
        self.digest = digest
        self.manifestDigest = manifestDigest
        self.manifestMediaType = manifestMediaType
        self.manifestBytes = manifestBytes
        self.manifest = manifest
        self.configBytes = configBytes
    }
}
