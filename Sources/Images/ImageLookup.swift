/// How a reference matched an image, which decides what `rm` does with it.
enum ImageMatch: Equatable {
    /// A name the image carries (normalized): `rm` untags just that name.
    case name(String)
    /// An id, id prefix or digest reference: `rm` deletes the image with all its names.
    case image
}

extension StoreState {
    /// Docker's lookup order: an id ("sha256:…" or 64 hex), then a name or digest reference, then an id
    /// prefix of at least 4 hex characters, so a name that looks like hex ("beef") still wins over an id.
    func find(_ text: String) throws -> (index: Int, match: ImageMatch) {
        if text.hasPrefix(Digest.algorithmPrefix) {
            return (try findID(prefix: String(text.dropFirst(Digest.algorithmPrefix.count)), text: text), .image)
        }
        if text.utf8.count == 64, Digest.isHex(text) { return (try findID(prefix: text, text: text), .image) }

        let reference: ImageReference
        do {
            reference = try ImageReference.parse(text)
        } catch {
            if text.utf8.count >= 4, Digest.isHex(text) { return (try findID(prefix: text, text: text), .image) }
            throw error
        }
        if let digest = reference.digest {
            // Digests are per repository in Docker: "nginx@sha256:…" needs an image named in that repository.
            // A pulled image knows the digest its repository served (an index's, for a multi-arch image).
            let index =
                images.firstIndex { $0.repoDigests.contains(reference.repository + "@" + digest) }
                ?? images.firstIndex { record in
                    record.manifestDigest == digest
                        && record.names.contains { (try? ImageReference.parse($0))?.repository == reference.repository }
                }
            guard let index else { throw ImageError.notFound(text) }
            return (index, .image)
        }
        if let index = images.firstIndex(where: { $0.names.contains(reference.normalized) }) {
            return (index, .name(reference.normalized))
        }
        if text.utf8.count >= 4, Digest.isHex(text) { return (try findID(prefix: text, text: text), .image) }
        throw ImageError.notFound(text)
    }

    private func findID(prefix: String, text: String) throws -> Int {
        guard prefix.utf8.count >= 4, prefix.utf8.count <= 64, Digest.isHex(prefix) else {
            throw ImageError.invalidReference(text, "an image id is \"sha256:\" and 4 to 64 lowercase hex characters")
        }
        let matches = images.indices.filter {
            images[$0].id.dropFirst(Digest.algorithmPrefix.count).hasPrefix(prefix)
        }
        guard let first = matches.first else { throw ImageError.notFound(text) }
        guard matches.count == 1 else { throw ImageError.ambiguous(prefix) }
        return first
    }
}
