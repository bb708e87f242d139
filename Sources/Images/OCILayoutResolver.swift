import Foundation

/// Finds the one runnable image in an OCI image layout and stores its blobs: follows index.json through
/// nested indexes, skips other platforms and attestations, and verifies every blob it reads.
struct OCILayoutResolver {
    private static let maximumIndexDepth = 4

    let source: ImageSource
    let blobs: BlobStore

    /// A manifest the walk found, with the name annotations that lead to it.
    private struct Candidate {
        var descriptor: Descriptor
        var digest: Digest
        var annotations: [String: String]
        var platformIsExplicit: Bool
    }

    func resolve() throws -> ResolvedImage {
        try checkMarker()
        let index = try JSONDocument.decode(
            ImageIndex.self, from: source.readDocument("index.json"), what: "index.json", source: source.location)
        var candidates: [Candidate] = []
        try collect(index.manifests, inheritedAnnotations: [:], depth: 0, into: &candidates)

        let platform = "linux/\(ImageImporter.hostArchitecture)"
        guard !candidates.isEmpty else {
            throw ImageError.invalidLayout(source.location, "index.json lists no image manifest for \(platform)")
        }
        var chosen = candidates
        if chosen.count > 1 { chosen = chosen.filter(\.platformIsExplicit) }
        guard chosen.count == 1, let candidate = chosen.first else {
            throw ImageError.invalidLayout(
                source.location,
                "index.json lists \(candidates.count) image manifests for \(platform); berth imports one image"
                    + " per layout")
        }
        return try resolveManifest(candidate)
    }

    private func checkMarker() throws {
        guard source.contains("oci-layout") else {
            throw ImageError.invalidLayout(source.location, "the oci-layout file is missing")
        }
        let marker = try JSONDocument.decode(
            LayoutMarker.self, from: source.readDocument("oci-layout"), what: "oci-layout", source: source.location)
        guard marker.imageLayoutVersion.hasPrefix("1.") else {
            throw ImageError.invalidLayout(
                source.location, "oci-layout version \(marker.imageLayoutVersion) is not supported (need 1.x)")
        }
    }

    private func collect(
        _ descriptors: [Descriptor], inheritedAnnotations: [String: String], depth: Int,
        into candidates: inout [Candidate]
    ) throws {
        for descriptor in descriptors {
            let digest = try Digest.parse(descriptor.digest, in: "an index entry", source: source.location)
            let annotations = inheritedAnnotations.merging(descriptor.annotations ?? [:]) { _, own in own }
            if descriptor.annotations?[Descriptor.referenceTypeAnnotation] == "attestation-manifest" { continue }
            if let platform = descriptor.platform,
                platform.os != "linux" || platform.architecture != ImageImporter.hostArchitecture
            {
                continue
            }
            var mediaType = descriptor.mediaType
            if mediaType == nil {
                // Docker-era layouts may omit it; the document names its own type.
                let blob = try ingest(descriptor, digest: digest, what: "manifest blob \(digest)")
                mediaType = try sniffMediaType(blob)
            }
            guard let mediaType else { continue }
            if MediaType.indexes.contains(mediaType) {
                guard depth < Self.maximumIndexDepth else {
                    throw ImageError.invalidLayout(
                        source.location, "image indexes nest deeper than \(Self.maximumIndexDepth)")
                }
                let blob = try ingest(descriptor, digest: digest, what: "index blob \(digest)")
                let child = try JSONDocument.decode(
                    ImageIndex.self, from: blobs.read(blob.digest), what: "index \(digest)", source: source.location)
                try collect(child.manifests, inheritedAnnotations: annotations, depth: depth + 1, into: &candidates)
            } else if MediaType.manifests.contains(mediaType) {
                candidates.append(
                    Candidate(
                        descriptor: descriptor, digest: digest, annotations: annotations,
                        platformIsExplicit: descriptor.platform != nil))
            }
            // Anything else (artifacts, signatures) is not an image and is skipped.
        }
    }

    private func resolveManifest(_ candidate: Candidate) throws -> ResolvedImage {
        let location = source.location
        let manifestBlob = try ingest(
            candidate.descriptor, digest: candidate.digest, what: "manifest blob \(candidate.digest)")
        let manifest = try JSONDocument.decode(
            ImageManifest.self, from: blobs.read(manifestBlob.digest), what: "manifest \(candidate.digest)",
            source: location)
        guard manifest.schemaVersion == 2 else {
            throw ImageError.invalidLayout(location, "manifest schemaVersion \(manifest.schemaVersion) is not 2")
        }
        if let type = manifest.mediaType, !MediaType.manifests.contains(type) {
            throw ImageError.invalidLayout(location, "manifest media type \(type) is not an image manifest")
        }
        let configType = manifest.config.mediaType ?? MediaType.ociConfig
        guard MediaType.configs.contains(configType) else {
            throw ImageError.invalidLayout(
                location, "the manifest's config has media type \(configType), not an image config (an artifact?)")
        }
        let configDigest = try Digest.parse(manifest.config.digest, in: "the manifest's config", source: location)
        let config = try ingest(manifest.config, digest: configDigest, what: "config blob \(configDigest)")

        var layers: [StoredBlob] = []
        for (position, descriptor) in manifest.layers.enumerated() {
            guard let type = descriptor.mediaType, MediaType.layers.contains(type) else {
                throw ImageError.invalidLayout(
                    location, "layer \(position) has unsupported media type \(descriptor.mediaType ?? "(none)")")
            }
            let digest = try Digest.parse(descriptor.digest, in: "layer \(position)", source: location)
            layers.append(try ingest(descriptor, digest: digest, what: "layer blob \(digest)"))
        }
        let annotations = candidate.annotations
        return ResolvedImage(manifest: manifestBlob, config: config, layers: layers) {
            try Self.names(from: annotations)
        }
    }

    /// ref.name is often only a tag ("latest"), which names no repository; a full reference ("nginx:1.2")
    /// is used as it is. containerd and Docker also record the full name in io.containerd.image.name.
    static func names(from annotations: [String: String]) throws -> [ImageReference] {
        if let refName = annotations[Descriptor.refNameAnnotation], isFullReference(refName) {
            return [try ImageReference.parse(refName)]
        }
        if let imageName = annotations[Descriptor.containerdNameAnnotation] {
            let reference = try ImageReference.parse(imageName)
            return reference.digest == nil ? [reference] : []
        }
        return []
    }

    private static func isFullReference(_ refName: String) -> Bool {
        (refName.contains("/") || refName.contains(":")) && !refName.contains("@")
    }

    private func ingest(_ descriptor: Descriptor, digest: Digest, what: String) throws -> StoredBlob {
        try source.ingest(
            "blobs/sha256/\(digest.hex)", into: blobs, what: what, expected: digest, expectedSize: descriptor.size)
    }

    private func sniffMediaType(_ blob: StoredBlob) throws -> String? {
        struct Typed: Decodable {
            var mediaType: String?
            var manifests: [Descriptor]?
            var config: Descriptor?
        }
        let document = try JSONDocument.decode(
            Typed.self, from: blobs.read(blob.digest), what: "manifest \(blob.digest)", source: source.location)
        if let type = document.mediaType { return type }
        if document.manifests != nil { return MediaType.ociIndex }
        return document.config != nil ? MediaType.ociManifest : nil
    }
}
