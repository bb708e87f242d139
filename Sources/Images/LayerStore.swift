import Foundation
import Glibc

/// What layers/sha256/<diffid>/layer.json records next to the unpacked content.
struct LayerMetadata: Codable {
    var diffID: String
    /// Size of the uncompressed tar in bytes.
    var size: Int64
}

/// Unpacked layers under images/layers/sha256/<diffid hex>/{diff/,layer.json}, shared by every image
/// that uses the same diff_id. A layer directory appears under its final name only complete: it is built in
/// the store's tmp and renamed into place.
struct LayerStore {
    let layout: StoreLayout

    /// The layer's size if it is already unpacked.
    func unpackedSize(_ diffID: Digest) -> Int64? {
        guard Filesystem.isDirectory(layout.layerContent(diffID)),
            let data = try? Filesystem.readFile(
                layout.layerMetadata(diffID), limit: 1 << 16,
                tooLarge: {
                    .corruptStore(layout.layerMetadata(diffID), "too large")
                }),
            let metadata = try? JSONDecoder().decode(LayerMetadata.self, from: data),
            metadata.diffID == diffID.description
        else { return nil }
        return metadata.size
    }

    /// Unpacks the layer blob unless a layer with this diff_id is already there, and checks that the
    /// uncompressed tar hashes to `diffID` (so a substituted layer is caught even if its blob digest was
    /// rewritten to match). `position` is the layer's index, bottom first, for error messages.
    func ensureUnpacked(blob: Digest, diffID: Digest, position: Int) throws -> Int64 {
        if let size = unpackedSize(diffID) { return size }
        let work = layout.temporary + "/" + Filesystem.uniqueName("layer")
        do {
            let size = try unpack(
                blobPath: layout.blobPath(blob), blob: blob, diffID: diffID, position: position, into: work)
            try install(work, diffID: diffID)
            return size
        } catch {
            try? TreeRemoval.remove(work)
            throw error
        }
    }

    /// Builds a complete layer directory (`diff/` and `layer.json`) at `work`, which must not exist yet, from
    /// the blob at `blobPath`; `install` moves it into place. Needs no lock: a pull unpacks in its own staging.
    func unpack(blobPath: String, blob: Digest, diffID: Digest, position: Int, into work: String) throws -> Int64 {
        let content = work + "/diff"
        try Filesystem.makeDirectories(work, mode: 0o700)
        try Filesystem.makeDirectories(content, mode: 0o755)
        let unpacker = LayerUnpacker(
            layer: blob, destination: try Filesystem.realPath(content), finalLocation: layout.layerContent(diffID))
        let unpacked = try unpacker.unpack(blobPath: blobPath)
        guard unpacked.diffID == diffID else {
            throw ImageError.digestMismatch(
                "layer \(blob) (uncompressed, rootfs.diff_ids[\(position)])", diffID.description,
                unpacked.diffID.description)
        }
        let metadata = try JSONEncoder().encode(LayerMetadata(diffID: diffID.description, size: unpacked.size))
        try Filesystem.writeAtomically(metadata, to: work + "/layer.json", temporaryDirectory: work)
        // One syncfs rather than an fsync per file: the layer must be on disk before its final name is.
        Filesystem.syncFilesystem(containing: work)
        return unpacked.size
    }

    /// Renames a directory `unpack` built into place. Under the store lock only.
    func install(_ work: String, diffID: Digest) throws {
        if Filesystem.exists(layout.layerDirectory(diffID)) {
            // A damaged leftover (no readable layer.json): replace it.
            try remove(diffID)
        }
        try Filesystem.rename(work, to: layout.layerDirectory(diffID))
    }

    func all() throws -> [Digest] {
        try Filesystem.directoryNames(layout.layers).compactMap { Digest(Digest.algorithmPrefix + $0) }
    }

    /// Renames the layer out of place first, so a crash mid-delete never leaves a half layer under its name.
    func remove(_ diffID: Digest) throws {
        let doomed = layout.temporary + "/" + Filesystem.uniqueName("removed-layer")
        guard Glibc.rename(layout.layerDirectory(diffID), doomed) == 0 else {
            if errno == ENOENT { return }
            throw ImageError.lastSystemCall("rename", layout.layerDirectory(diffID))
        }
        try TreeRemoval.remove(doomed)
    }
}
