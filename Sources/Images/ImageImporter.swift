import Foundation
import Glibc

/// One image's blobs, all verified and in the blob store, before its layers are unpacked.
struct ResolvedImage {
    var manifest: StoredBlob
    var config: StoredBlob
    var layers: [StoredBlob]
    /// Names the source itself gives the image (index annotations, RepoTags); nil if it gives none.
    var defaultNames: () throws -> [ImageReference]
}

/// Imports one image into the store. Runs under the store lock; on any error the caller collects the
/// blobs and layers it left, so a failed import leaves nothing behind.
struct ImageImporter {
    let layout: StoreLayout
    var blobs: BlobStore { BlobStore(layout: layout) }
    var layers: LayerStore { LayerStore(layout: layout) }

    static var hostArchitecture: String {
        #if arch(x86_64)
            return "amd64"
        #elseif arch(arm64)
            return "arm64"
        #else
            return "unknown"
        #endif
    }

    /// Imports the image at `path` and records it in `state` (not saved here).
    func importImage(
        from path: String, name: ImageReference?, into state: inout StoreState, workDirectory: String
    ) throws -> ImageRecord {
        let source = try openSource(path, workDirectory: workDirectory)
        let resolved: ResolvedImage
        if source.contains("manifest.json") {
            resolved = try DockerArchiveResolver(source: source, blobs: blobs).resolve(requestedName: name)
        } else if source.contains("index.json") {
            resolved = try OCILayoutResolver(source: source, blobs: blobs).resolve()
        } else {
            throw ImageError.invalidLayout(
                path, "neither an OCI image layout (no index.json) nor a docker-archive (no manifest.json)")
        }

        let document = try JSONDocument.decode(
            ImageConfigDocument.self, from: blobs.read(resolved.config.digest),
            what: "config \(resolved.config.digest)", source: path)
        let diffIDs = try Self.checkedDiffIDs(document, layerCount: resolved.layers.count, source: path)

        var size: Int64 = 0
        for (position, (blob, diffID)) in zip(resolved.layers, diffIDs).enumerated() {
            size += try layers.ensureUnpacked(blob: blob.digest, diffID: diffID, position: position)
        }

        let names = try name.map { [$0] } ?? resolved.defaultNames()
        guard !names.isEmpty else { throw ImageError.nameRequired(path) }
        let record = ImageRecord(
            id: resolved.config.digest.description,
            manifestDigest: resolved.manifest.digest.description,
            names: [],
            created: document.created.flatMap(RFC3339.date),
            size: size,
            config: document.imageConfig,
            diffIDs: diffIDs.map(\.description),
            layerPaths: diffIDs.map(layout.layerContent)
        )
        return state.add(record, names: names.map(\.normalized))
    }

    private func openSource(_ path: String, workDirectory: String) throws -> ImageSource {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT { throw ImageError.invalidLayout(path, "no such file or directory") }
            throw ImageError.systemCall("stat", path, code)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR:
            return LayoutDirectory(location: path)
        case S_IFREG:
            let staging = workDirectory + "/staged"
            try Filesystem.makeDirectories(staging, mode: 0o700)
            return try StagedArchive.stage(path, into: staging)
        default:
            throw ImageError.invalidLayout(path, "not a directory or a tar file")
        }
    }

    /// The config's diff ids, once the config is for this host, of rootfs type "layers", and lists one per
    /// manifest layer (and at least one). Imports and pulls both check a config so.
    static func checkedDiffIDs(_ document: ImageConfigDocument, layerCount: Int, source: String) throws -> [Digest] {
        try checkPlatform(document, source: source)
        guard document.rootfs.type == "layers" else {
            throw ImageError.invalidLayout(source, "config rootfs.type is \"\(document.rootfs.type)\", not \"layers\"")
        }
        let diffIDs = try document.rootfs.diffIDs.map {
            try Digest.parse($0, in: "config rootfs.diff_ids", source: source)
        }
        guard diffIDs.count == layerCount else {
            throw ImageError.invalidLayout(
                source,
                "the manifest lists \(layerCount) layers but the config's rootfs.diff_ids lists \(diffIDs.count)")
        }
        guard !diffIDs.isEmpty else { throw ImageError.invalidLayout(source, "the image has no layers") }
        return diffIDs
    }

    static func checkPlatform(_ document: ImageConfigDocument, source: String) throws {
        let os = document.os ?? "linux"
        let architecture = document.architecture ?? Self.hostArchitecture
        guard os == "linux", architecture == Self.hostArchitecture else {
            throw ImageError.invalidLayout(
                source, "the image is for \(os)/\(architecture); this host runs linux/\(Self.hostArchitecture)")
        }
    }
}

extension StoreState {
    /// Adds the record, or merges names into the record with the same id. A name another image holds moves
    /// to this one, as `docker tag` does; the other image stays, dangling if it has no name left.
    mutating func add(_ record: ImageRecord, names: [String]) -> ImageRecord {
        var uniqueNames: [String] = []
        for name in names where !uniqueNames.contains(name) { uniqueNames.append(name) }
        for index in images.indices where images[index].id != record.id {
            images[index].names.removeAll { uniqueNames.contains($0) }
        }
        if let index = images.firstIndex(where: { $0.id == record.id }) {
            for name in uniqueNames where !images[index].names.contains(name) { images[index].names.append(name) }
            for repoDigest in record.repoDigests where !images[index].repoDigests.contains(repoDigest) {
                // One digest per repository: a newer pull of the same image replaces the repository's old one.
                let repository = repoDigest.split(separator: "@").first.map(String.init) ?? repoDigest
                images[index].repoDigests.removeAll { $0.hasPrefix(repository + "@") }
                images[index].repoDigests.append(repoDigest)
            }
            return images[index]
        }
        var added = record
        added.names = uniqueNames
        if added.stored == nil { added.stored = Date() }
        images.append(added)
        return added
    }
}
