import Foundation
import Glibc

/// What a pull hands the store to commit: the documents exactly as the registry served them (each already
/// verified against its digest by the registry client) and the names to give the image.
public struct PulledImage: Sendable {
    /// The tag the image was pulled by; nil for a pull by digest, which names no tag.
    public var name: ImageReference?
    /// "docker.io/library/nginx@sha256:…", the digest the reference resolved to.
    public var repoDigest: String
    public var manifestBytes: [UInt8]
    public var configBytes: [UInt8]

    public init(name: ImageReference?, repoDigest: String, manifestBytes: [UInt8], configBytes: [UInt8]) {
        self.name = name
        self.repoDigest = repoDigest
        self.manifestBytes = manifestBytes
        self.configBytes = configBytes
    }
}

/// An image config read as far as a pull needs it before downloading layers.
public struct PulledConfig: Sendable {
    /// The image id: the config's digest.
    public var id: Digest
    /// Uncompressed layer digests, bottom first; one per manifest layer.
    public var diffIDs: [Digest]
}

/// The outcome of `commitPull`.
public enum PullCommit: Sendable {
    /// The image is in the store under its name; `isNew` is false when the store already had this image id.
    case committed(ImageRecord, isNew: Bool)
    /// These layers (diff ids) are neither in the store nor staged: a concurrent `rm` or prune took them after
    /// the pull checked. The pull downloads them and commits again.
    case missingLayers([Digest])
}

extension ImageStore {
    /// A private staging directory for one pull (see PullStaging). The caller calls `finish()` when done.
    public func beginPull() throws -> PullStaging { try PullStaging(layout: layout) }

    /// Whether the layer with this diff id is unpacked in the store (so a pull need not download it).
    public func hasLayer(_ diffID: Digest) -> Bool {
        LayerStore(layout: layout).unpackedSize(diffID) != nil
    }

    /// Checks a pulled config against its manifest and this host, and lists the layers it needs.
    /// `source` names the image in errors (e.g. "docker.io/library/nginx:latest").
    public static func readPulledConfig(_ bytes: [UInt8], manifest: ImageManifest, source: String) throws
        -> PulledConfig
    {
        let data = Data(bytes)
        let document = try JSONDocument.decode(
            ImageConfigDocument.self, from: data, what: "config \(manifest.config.digest)", source: source)
        let diffIDs = try ImageImporter.checkedDiffIDs(document, layerCount: manifest.layers.count, source: source)
        for (position, layer) in manifest.layers.enumerated() {
            guard let type = layer.mediaType, MediaType.layers.contains(type) else {
                throw ImageError.invalidLayout(
                    source, "layer \(position) has unsupported media type \(layer.mediaType ?? "(none)")")
            }
        }
        return PulledConfig(id: Digest(of: data), diffIDs: diffIDs)
    }

    /// Unpacks a downloaded, verified layer blob into `staging`, outside the store's lock, checking its
    /// uncompressed digest. Returns the uncompressed size.
    public func unpackPulledLayer(
        blobAt blobPath: String, blob: Digest, diffID: Digest, position: Int, staging: PullStaging
    ) throws -> Int64 {
        let work = staging.layerDirectory(diffID)
        if Filesystem.exists(work) { try TreeRemoval.remove(work) }
        do {
            return try LayerStore(layout: layout).unpack(
                blobPath: blobPath, blob: blob, diffID: diffID, position: position, into: work)
        } catch {
            try? TreeRemoval.remove(work)
            throw error
        }
    }

    /// Moves a pull's staged layers into the store and records the image, in one locked operation, so no
    /// concurrent `rm`, prune or import can collect a layer between its arrival and the record that uses it.
    public func commitPull(_ image: PulledImage, staging: PullStaging) throws -> PullCommit {
        let source = image.name?.normalized ?? image.repoDigest
        let manifestData = Data(image.manifestBytes)
        let manifest = try JSONDocument.decode(
            ImageManifest.self, from: manifestData, what: "manifest", source: source)
        let config = try Self.readPulledConfig(image.configBytes, manifest: manifest, source: source)
        let document = try JSONDocument.decode(
            ImageConfigDocument.self, from: Data(image.configBytes), what: "config", source: source)
        return try StoreLock.withExclusiveLock(layout.lockFile) {
            try sweepTemporary()
            let layers = LayerStore(layout: layout)
            let missing = config.diffIDs.filter {
                layers.unpackedSize($0) == nil && !Filesystem.exists(staging.layerDirectory($0))
            }
            guard missing.isEmpty else { return .missingLayers(missing) }

            var state = try StoreState.load(layout)
            let original = state
            do {
                let blobs = BlobStore(layout: layout)
                let manifestBlob = try blobs.write(manifestData)
                _ = try blobs.write(Data(image.configBytes))
                var size: Int64 = 0
                for diffID in config.diffIDs {
                    if layers.unpackedSize(diffID) == nil {
                        try layers.install(staging.layerDirectory(diffID), diffID: diffID)
                    }
                    guard let layerSize = layers.unpackedSize(diffID) else {
                        throw ImageError.corruptStore(
                            layout.layerDirectory(diffID), "the layer just installed is unreadable")
                    }
                    size += layerSize
                }
                let isNew = !state.images.contains { $0.id == config.id.description }
                var record = ImageRecord(
                    id: config.id.description, manifestDigest: manifestBlob.digest.description, names: [],
                    created: document.created.flatMap(RFC3339.date), size: size, config: document.imageConfig,
                    diffIDs: config.diffIDs.map(\.description), layerPaths: config.diffIDs.map(layout.layerContent))
                record.repoDigests = [image.repoDigest]
                let added = state.add(record, names: image.name.map { [$0.normalized] } ?? [])
                try state.save(layout)
                try? collectGarbage(state)
                return .committed(added, isNew: isNew)
            } catch {
                try? collectGarbage(original)
                throw error
            }
        }
    }
}
