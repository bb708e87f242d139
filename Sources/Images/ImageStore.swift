import Foundation
import Glibc

/// berth's local image store.
///
/// Layout under the realpath'ed `root` (berth's --root):
///
///     <root>/images/                      mode 0700
///         lock                            flock(2)ed exclusively around every read-modify-write
///         images.json                     the ImageRecords; replaced by write-to-tmp + rename, so reads need no lock
///         blobs/sha256/<hex>              manifests, configs, compressed layers; each verified before its rename
///         layers/sha256/<diffid hex>/
///             diff/                       the unpacked layer: an overlayfs lowerdir, shared by every image using it
///             layer.json                  {"diffID", "size"}
///         empty/                          an empty lowerdir for read-only overlays of single-layer images
///         tmp/                            staging for all of the above; emptied at the start of every locked
///                                         operation, so a crash leaves nothing that outlives the next one
///     <root>/overlay/<container id>/{upper,work,merged}   per-container writable layers
///
/// Everything under a final name is complete: blobs, layer directories and images.json are built in tmp/
/// and renamed into place (same filesystem). A failed import collects whatever it stored, so it leaves no
/// blob, layer or record. Blobs and layers no record references are deleted after every import and rm.
/// Nothing chdirs: the process is multithreaded, so every path is absolute or relative to a directory fd.
public final class ImageStore: Sendable {
    let layout: StoreLayout

    private var blobs: BlobStore { BlobStore(layout: layout) }
    private var layers: LayerStore { LayerStore(layout: layout) }

    /// Opens (creating if needed, mode 0700) the store under `root`.
    public init(root: String) throws {
        try Filesystem.makeDirectories(root, mode: 0o700)
        let resolved = try Filesystem.realPath(root)
        // These characters separate overlayfs mount options; refusing them here keeps every path the store
        // produces safe to put in an option string.
        if let bad = resolved.first(where: { ":,\\".contains($0) }) {
            throw ImageError.unsupportedPath(
                resolved, "overlayfs mount options cannot carry paths containing \"\(bad)\"")
        }
        layout = StoreLayout(root: resolved)
        try Filesystem.makeDirectories(layout.images, mode: 0o700)
        for directory in [layout.blobs, layout.layers, layout.temporary, layout.containerLayers] {
            try Filesystem.makeDirectories(directory, mode: 0o700)
        }
        try Filesystem.makeDirectories(layout.emptyLowerDir, mode: 0o755)
    }

    /// The realpath'ed root the store lives under.
    public var root: String { layout.root }

    /// Imports an OCI image layout directory or a docker-archive tar (see ImageImporter for the formats).
    /// `name` tags the image; without it the source's own name is used (index.json annotation or RepoTags).
    public func importImage(from path: String, name: String?) throws -> ImageRecord {
        let requested = try name.map(Self.tagReference)
        return try StoreLock.withExclusiveLock(layout.lockFile) {
            try sweepTemporary()
            var state = try StoreState.load(layout)
            let original = state
            let work = layout.temporary + "/" + Filesystem.uniqueName("import")
            defer { try? TreeRemoval.remove(work) }
            do {
                try Filesystem.makeDirectories(work, mode: 0o700)
                let record = try ImageImporter(layout: layout).importImage(
                    from: path, name: requested, into: &state, workDirectory: work)
                try state.save(layout)
                // A re-import may have stored blobs (e.g. a second manifest) the record does not use.
                try? collectGarbage(state)
                return record
            } catch {
                try? TreeRemoval.remove(work)
                try? collectGarbage(original)
                throw error
            }
        }
    }

    /// All images, in import order.
    public func list() throws -> [ImageRecord] {
        try StoreState.load(layout).images
    }

    /// Finds an image by name ("nginx", "nginx:latest", "docker.io/library/nginx:latest", "library/nginx"),
    /// digest reference ("nginx@sha256:…"), id ("sha256:…") or an unambiguous id prefix of ≥ 4 hex characters.
    public func resolve(_ reference: String) throws -> ImageRecord {
        let state = try StoreState.load(layout)
        return state.images[try state.find(reference).index]
    }

    /// Docker's lookup (as `resolve`) over records read elsewhere, e.g. through berthd.
    public static func find(_ reference: String, in records: [ImageRecord]) throws -> ImageRecord {
        records[try StoreState(images: records).find(reference).index]
    }

    /// By name: untags it, deleting the image when no name is left. By id or digest: deletes the image and all
    /// its names. Returns docker's lines ("Untagged: nginx:latest", "Deleted: sha256:…").
    /// An image a container layer leases is refused (`inUse`) unless only one of several names goes.
    public func remove(_ reference: String) throws -> [String] {
        try StoreLock.withExclusiveLock(layout.lockFile) {
            try sweepTemporary()
            return try StoreLock.withExclusiveLock(layout.leaseLockFile) { try removeLocked(reference) }
        }
    }

    private func removeLocked(_ reference: String) throws -> [String] {
        var state = try StoreState.load(layout)
        let (index, match) = try state.find(reference)
        var lines: [String] = []
        var record = state.images[index]
        if let container = try containersUsing()[record.id],
            match == .image || record.names.count == 1
        {
            throw ImageError.inUse(Self.familiar(record.names.first ?? reference), record.id, container)
        }
        switch match {
        case .name(let name):
            record.names.removeAll { $0 == name }
            lines.append("Untagged: \(Self.familiar(name))")
        case .image:
            lines += record.names.map { "Untagged: \(Self.familiar($0))" }
            record.names = []
        }
        if record.names.isEmpty {
            state.images.remove(at: index)
            lines.append("Deleted: \(record.id)")
        } else {
            state.images[index] = record
        }
        try state.save(layout)
        try collectGarbage(state)
        return lines
    }

    /// The overlayfs mount data: "lowerdir=<top>:…:<bottom>[,upperdir=…,workdir=…]".
    /// overlayfs lists the topmost lowerdir first. Without a container layer the overlay is read-only, and
    /// overlayfs then needs at least two lowerdirs: a single-layer image gets `<root>/images/empty` below it.
    /// Paths are escaped for overlayfs (":", "," and "\" take a backslash); the store's own paths never
    /// contain them (init and createContainerLayer refuse such roots and ids).
    public func overlayOptions(for image: ImageRecord, layer: ContainerLayer?) -> String {
        var lowerDirs = image.layerPaths.reversed().map(Self.escapeOverlayPath)
        if lowerDirs.isEmpty || (layer == nil && lowerDirs.count < 2) {
            lowerDirs.append(Self.escapeOverlayPath(layout.emptyLowerDir))
        }
        var options = "lowerdir=" + lowerDirs.joined(separator: ":")
        if let layer {
            options += ",upperdir=" + Self.escapeOverlayPath(layer.upperDir)
            options += ",workdir=" + Self.escapeOverlayPath(layer.workDir)
        }
        return options
    }

    /// Creates `<root>/overlay/<id>/{upper,work,merged}`; existing directories are kept. With `image`, the
    /// layer records which image it runs (so `rm` and prune leave that image alone while the layer exists)
    /// and the image's last use is now; throws `notFound` if the image was removed meanwhile.
    public func createContainerLayer(id: String, image: ImageRecord? = nil) throws -> ContainerLayer {
        let directory = try containerLayerDirectory(id)
        try Filesystem.makeDirectories(directory, mode: 0o700)
        if let image {
            // Under the lock, and only while the record exists: an rm, prune or cleanup either ran before
            // (then this fails, and the caller resolves again) or sees the lease.
            try StoreLock.withExclusiveLock(layout.leaseLockFile) {
                guard try StoreState.load(layout).images.contains(where: { $0.id == image.id }) else {
                    throw ImageError.notFound(image.id)
                }
                try Filesystem.writeAtomically(
                    Data(image.id.utf8), to: directory + "/" + Self.imageLeaseName, temporaryDirectory: directory)
            }
            try markUsed(image)
        }
        let layer = ContainerLayer(
            upperDir: directory + "/upper", workDir: directory + "/work", mergedDir: directory + "/merged")
        // upper's root becomes the container's "/", so it gets the usual 0755.
        try Filesystem.makeDirectories(layer.upperDir, mode: 0o755)
        try Filesystem.makeDirectories(layer.workDir, mode: 0o700)
        try Filesystem.makeDirectories(layer.mergedDir, mode: 0o755)
        return layer
    }

    /// Deletes `<root>/overlay/<id>`; no error if it is absent. Refuses (EBUSY) while merged is still mounted.
    public func removeContainerLayer(id: String) throws {
        try TreeRemoval.remove(try containerLayerDirectory(id))
    }

    // MARK: Internals

    private func containerLayerDirectory(_ id: String) throws -> String {
        let allowed = id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        guard !id.isEmpty, id.utf8.count <= 128, allowed, !id.hasPrefix(".") else {
            throw ImageError.unsupportedPath(
                id, "a container id must be 1 to 128 letters, digits, \"_\", \"-\" or \".\", not starting with \".\"")
        }
        return layout.containerLayer(id)
    }

    /// Leftovers of a crashed operation. Only ever called under the lock, when no other operation uses tmp/.
    func sweepTemporary() throws {
        for name in try Filesystem.directoryNames(layout.temporary) {
            try TreeRemoval.remove(layout.temporary + "/" + name)
        }
    }

    /// Deletes every blob and layer that no record in `state` references.
    func collectGarbage(_ state: StoreState) throws {
        var liveBlobs = Set<Digest>()
        var liveLayers = Set<Digest>()
        for record in state.images {
            liveLayers.formUnion(record.diffIDs.compactMap(Digest.init))
            if let config = Digest(record.id) { liveBlobs.insert(config) }
            guard let manifestDigest = Digest(record.manifestDigest) else { continue }
            liveBlobs.insert(manifestDigest)
            if let data = try? blobs.read(manifestDigest),
                let manifest = try? JSONDecoder().decode(ImageManifest.self, from: data)
            {
                liveBlobs.formUnion(([manifest.config] + manifest.layers).compactMap { Digest($0.digest) })
            }
        }
        for digest in try blobs.all() where !liveBlobs.contains(digest) { try blobs.remove(digest) }
        for diffID in try layers.all() where !liveLayers.contains(diffID) { try layers.remove(diffID) }
    }

    private static func tagReference(_ text: String) throws -> ImageReference {
        let reference = try ImageReference.parse(text)
        guard reference.digest == nil else {
            throw ImageError.invalidReference(text, "a name to tag an image with cannot contain a digest")
        }
        return reference
    }

    static func familiar(_ normalized: String) -> String {
        (try? ImageReference.parse(normalized))?.familiar ?? normalized
    }

    static func escapeOverlayPath(_ path: String) -> String {
        var escaped = ""
        for character in path {
            if character == ":" || character == "," || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
