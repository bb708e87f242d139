import Foundation
import Glibc

/// What `prune` and the unused-image cleanup removed.
public struct PruneReport: Sendable, Codable, Equatable {
    /// Docker's lines: "untagged: nginx:latest", "deleted: sha256:…".
    public var lines: [String]
    public var deletedImages: [String]
    /// Bytes of unpacked layers and blobs removed.
    public var reclaimedBytes: Int64
}

extension ImageStore {
    static let imageLeaseName = "image"

    /// Image ids that a container layer under `<root>/overlay` still runs, with one such container each.
    /// Container layers exist from a container's creation until its removal, in every berth process.
    func containersUsing() throws -> [String: String] {
        var using: [String: String] = [:]
        for container in (try? Filesystem.directoryNames(layout.containerLayers)) ?? [] {
            let lease = layout.containerLayer(container) + "/" + Self.imageLeaseName
            guard
                let data = try? Filesystem.readFile(lease, limit: 256, tooLarge: { .corruptStore(lease, "too large") })
            else { continue }
            using[String(decoding: data, as: UTF8.self), default: container] = container
        }
        return using
    }

    /// Records that a container starts from `image` now (the file's mtime is the image's last use).
    func markUsed(_ image: ImageRecord) throws {
        guard let id = Digest(image.id) else { return }
        try Filesystem.makeDirectories(layout.usage, mode: 0o700)
        let path = layout.usage + "/" + id.hex
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw ImageError.lastSystemCall("open", path) }
        defer { close(fd) }
        guard futimens(fd, nil) == 0 else { throw ImageError.lastSystemCall("futimens", path) }
    }

    /// When a container last started from the image, or else when the store recorded it.
    public func lastUsed(_ image: ImageRecord) -> Date? {
        var info = stat()
        if let id = Digest(image.id), stat(layout.usage + "/" + id.hex, &info) == 0 {
            return Date(timeIntervalSince1970: TimeInterval(info.st_mtim.tv_sec))
        }
        return image.stored
    }

    /// `docker image prune`: removes dangling images (no name left), or with `all` every image no container
    /// uses; `keep` excludes more ids. Layers shared with a kept image stay: the sweep keeps whatever any
    /// remaining record references.
    public func prune(all: Bool, keep: Set<String> = []) throws -> PruneReport {
        try removeImages { record, _ in all || record.names.isEmpty ? !keep.contains(record.id) : false }
    }

    /// The ECS agent's cleanup: at most `limit` pulled images that no container uses and none has used since
    /// `unusedSince`, oldest use first; `keep` excludes more ids. Imported images are never removed by it.
    public func removeUnused(unusedSince: Date, limit: Int, keep: Set<String> = []) throws -> PruneReport {
        let state = try StoreState.load(layout)
        let using = try containersUsing()
        // Only pulled images: an imported one may have no registry to come back from.
        let chosen = state.images
            .filter { using[$0.id] == nil && !keep.contains($0.id) && !$0.repoDigests.isEmpty }
            .compactMap { record in lastUsed(record).map { (record.id, $0) } }
            .filter { $0.1 < unusedSince }
            .sorted { $0.1 < $1.1 }
            .prefix(limit)
            .map(\.0)
        let doomed = Set(chosen)
        return try removeImages { record, _ in doomed.contains(record.id) }
    }

    private func removeImages(_ shouldRemove: (ImageRecord, StoreState) -> Bool) throws -> PruneReport {
        try StoreLock.withExclusiveLock(layout.lockFile) {
            try StoreLock.withExclusiveLock(layout.leaseLockFile) { try removeImagesLocked(shouldRemove) }
        }
    }

    private func removeImagesLocked(_ shouldRemove: (ImageRecord, StoreState) -> Bool) throws -> PruneReport {
        try sweepTemporary()
        var state = try StoreState.load(layout)
        let using = try containersUsing()
        let before = try storedBytes()
        var report = PruneReport(lines: [], deletedImages: [], reclaimedBytes: 0)
        let snapshot = state
        state.images.removeAll { record in
            guard using[record.id] == nil, shouldRemove(record, snapshot) else { return false }
            report.lines += record.names.map { "untagged: \(Self.familiar($0))" }
            report.lines.append("deleted: \(record.id)")
            report.deletedImages.append(record.id)
            return true
        }
        guard !report.deletedImages.isEmpty else { return report }
        try state.save(layout)
        try collectGarbage(state)
        report.reclaimedBytes = max(0, before - (try storedBytes()))
        return report
    }

    /// The unpacked layers' sizes plus the blobs' sizes: what a prune can reclaim.
    private func storedBytes() throws -> Int64 {
        let layers = LayerStore(layout: layout)
        let blobs = BlobStore(layout: layout)
        var total: Int64 = 0
        for diffID in try layers.all() { total += layers.unpackedSize(diffID) ?? 0 }
        for digest in try blobs.all() { total += (try? blobs.storedSize(digest)) ?? 0 }
        return total
    }
}
