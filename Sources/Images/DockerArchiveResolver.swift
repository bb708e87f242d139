import Foundation

/// Finds the image in a docker-archive (`docker save`): manifest.json names the config and layer files,
/// legacy "<id>/layer.tar" or OCI-style "blobs/sha256/<hex>". The archive has no registry manifest, so the
/// store writes an OCI manifest for it; that manifest's digest becomes the record's manifestDigest.
struct DockerArchiveResolver {
    let source: ImageSource
    let blobs: BlobStore

    func resolve(requestedName: ImageReference?) throws -> ResolvedImage {
        let location = source.location
        let entries = try JSONDocument.decode(
            [DockerArchiveEntry].self, from: source.readDocument("manifest.json"), what: "manifest.json",
            source: location)
        let entry = try choose(from: entries, requestedName: requestedName)

        let configDigest = SourcePath.impliedDigest(entry.config)
        let config = try source.ingest(
            entry.config, into: blobs, what: configDigest.map { "config blob \($0)" } ?? "config \(entry.config)",
            expected: configDigest, expectedSize: nil)
        var layers: [StoredBlob] = []
        for path in entry.layers {
            let digest = SourcePath.impliedDigest(path)
            layers.append(
                try source.ingest(
                    path, into: blobs, what: digest.map { "layer blob \($0)" } ?? "layer \(path)", expected: digest,
                    expectedSize: nil))
        }

        let manifest = ImageManifest(
            schemaVersion: 2,
            mediaType: MediaType.ociManifest,
            config: Descriptor(mediaType: MediaType.ociConfig, digest: config.digest.description, size: config.size),
            layers: layers.map {
                Descriptor(
                    mediaType: MediaType.layerType(magic: blobs.magic($0.digest)), digest: $0.digest.description,
                    size: $0.size)
            }
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let manifestBlob = try blobs.write(try encoder.encode(manifest))
        let tags = entry.repoTags ?? []
        return ResolvedImage(manifest: manifestBlob, config: config, layers: layers) {
            try tags.map(ImageReference.parse)
        }
    }

    private func choose(from entries: [DockerArchiveEntry], requestedName: ImageReference?) throws -> DockerArchiveEntry
    {
        guard let first = entries.first else {
            throw ImageError.invalidLayout(source.location, "manifest.json lists no images")
        }
        if entries.count == 1 { return first }
        let allTags = entries.flatMap { $0.repoTags ?? [] }
        if let requestedName {
            let match = entries.first { entry in
                (entry.repoTags ?? []).contains {
                    (try? ImageReference.parse($0))?.normalized == requestedName.normalized
                }
            }
            if let match { return match }
        }
        throw ImageError.invalidLayout(
            source.location,
            "the archive holds \(entries.count) images; pass --name with one of its tags"
                + " (\(allTags.joined(separator: ", ")))"
        )
    }
}
