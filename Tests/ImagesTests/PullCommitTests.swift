import Foundation
import Glibc
import Testing

@testable import Images

/// The store's side of a registry pull: staging outside the lock, one locked commit, shared layers, and
/// the leases that keep an image a container runs from `rm`, prune and the cleanup.
@Suite("Pull staging and commit, prune, container leases")
struct PullCommitTests {
    /// Stages every layer of `image` as a pull would (blob file, then unpacked) and commits it.
    @discardableResult
    static func pull(
        _ image: TestImage, into root: TestRoot, name: String?, repoDigest: String? = nil, skipPresent: Bool = true
    ) throws -> PullCommit {
        let staging = try root.store.beginPull()
        defer { staging.finish() }
        try stage(image, in: staging, root: root, skipPresent: skipPresent)
        return try root.store.commitPull(pulled(image, name: name, repoDigest: repoDigest), staging: staging)
    }

    static func pulled(_ image: TestImage, name: String?, repoDigest: String? = nil) throws -> PulledImage {
        let reference = try name.map(ImageReference.parse)
        let manifest = Fixtures.manifestData(image)
        return PulledImage(
            name: reference, repoDigest: repoDigest ?? ((reference?.repository ?? "x") + "@" + sha256(manifest)),
            manifestBytes: Array(manifest), configBytes: Array(image.configData))
    }

    static func stage(_ image: TestImage, in staging: PullStaging, root: TestRoot, skipPresent: Bool) throws {
        for (position, layer) in image.layers.enumerated() {
            let diffID = Digest(layer.diffID)!
            if skipPresent, root.store.hasLayer(diffID) { continue }
            let blob = Digest(sha256(layer.blob))!
            try layer.blob.write(to: URL(fileURLWithPath: staging.blobPath(blob)))
            _ = try root.store.unpackPulledLayer(
                blobAt: staging.blobPath(blob), blob: blob, diffID: diffID, position: position, staging: staging)
        }
    }

    static func image(_ content: String, base: String = "shared base") throws -> TestImage {
        let shared = TarBuilder()
        shared.file("base.txt", base)
        let own = TarBuilder()
        own.file("own.txt", content)
        return TestImage(layers: [try TestLayer(shared), try TestLayer(own)])
    }

    static func committed(_ commit: PullCommit) -> (ImageRecord, Bool)? {
        if case .committed(let record, let isNew) = commit { return (record, isNew) }
        return nil
    }

    @Test("a committed pull is a named image with its repository digest, its layers unpacked, staging gone")
    func commitStoresTheImage() throws {
        let root = try TestRoot()
        let image = try Self.image("one")
        let commit = try Self.pull(
            image, into: root, name: "127.0.0.1:5000/app:1",
            repoDigest: "127.0.0.1:5000/app@sha256:" + String(repeating: "a", count: 64))
        let (record, isNew) = try #require(Self.committed(commit))
        #expect(isNew)
        #expect(record.id == image.configDigest)
        #expect(record.names == ["127.0.0.1:5000/app:1"])
        #expect(record.repoDigests == ["127.0.0.1:5000/app@sha256:" + String(repeating: "a", count: 64)])
        #expect(record.stored != nil)
        #expect(contents(record.layerPaths[1] + "/own.txt") == "one")
        #expect(
            try root.store.resolve("127.0.0.1:5000/app@sha256:" + String(repeating: "a", count: 64)).id == record.id)
        #expect(root.names(in: root.images + "/staging").isEmpty)
        #expect(root.names(in: root.images + "/tmp").isEmpty)
        // The compressed layer blobs are not kept: the unpacked layers are what runs.
        #expect(root.names(in: root.images + "/blobs/sha256").count == 2)
    }

    @Test("a layer already in the store is not needed again, and pulling the same image twice is not new")
    func sharedLayersAreReused() throws {
        let root = try TestRoot()
        let first = try Self.image("one")
        try Self.pull(first, into: root, name: "app:1")
        let second = try Self.image("two")
        #expect(root.store.hasLayer(Digest(second.layers[0].diffID)!))
        #expect(!root.store.hasLayer(Digest(second.layers[1].diffID)!))
        let (record, isNew) = try #require(Self.committed(try Self.pull(second, into: root, name: "app:2")))
        #expect(isNew && record.names == ["docker.io/library/app:2"])
        let (again, againNew) = try #require(Self.committed(try Self.pull(second, into: root, name: "app:2")))
        #expect(!againNew && again.id == record.id)
        #expect(root.names(in: root.images + "/layers/sha256").count == 3)
    }

    @Test("a layer neither in the store nor staged at commit is reported missing, and nothing is recorded")
    func missingLayersAreReported() throws {
        let root = try TestRoot()
        let image = try Self.image("one")
        let staging = try root.store.beginPull()
        defer { staging.finish() }
        // Stage only the top layer: the base is "present" for nobody.
        let top = image.layers[1]
        let blob = Digest(sha256(top.blob))!
        try top.blob.write(to: URL(fileURLWithPath: staging.blobPath(blob)))
        _ = try root.store.unpackPulledLayer(
            blobAt: staging.blobPath(blob), blob: blob, diffID: Digest(top.diffID)!, position: 1, staging: staging)
        let commit = try root.store.commitPull(try Self.pulled(image, name: "app:1"), staging: staging)
        guard case .missingLayers(let missing) = commit else {
            Issue.record("expected missing layers, got \(commit)")
            return
        }
        #expect(missing == [Digest(image.layers[0].diffID)!])
        #expect(try root.store.list().isEmpty)
    }

    @Test("a staged layer whose content does not match its diff_id is refused before anything is stored")
    func corruptStagedLayerIsRefused() throws {
        let root = try TestRoot()
        let image = try Self.image("one")
        let staging = try root.store.beginPull()
        defer { staging.finish() }
        let layer = image.layers[0]
        let blob = Digest(sha256(layer.blob))!
        try layer.blob.write(to: URL(fileURLWithPath: staging.blobPath(blob)))
        let wrong = Digest(image.layers[1].diffID)!
        #expect(throws: ImageError.self) {
            try root.store.unpackPulledLayer(
                blobAt: staging.blobPath(blob), blob: blob, diffID: wrong, position: 0, staging: staging)
        }
        #expect(!Filesystem.exists(staging.path + "/layer-" + wrong.hex))
    }

    @Test("a newer pull of a tag leaves the old image dangling; prune removes it but keeps shared layers")
    func pruneRemovesDanglingImages() throws {
        let root = try TestRoot()
        let old = try #require(Self.committed(try Self.pull(try Self.image("old"), into: root, name: "app:1"))).0
        let new = try #require(Self.committed(try Self.pull(try Self.image("new"), into: root, name: "app:1"))).0
        let kept = try #require(Self.committed(try Self.pull(try Self.image("other"), into: root, name: "other:1"))).0
        #expect(try root.store.list().first { $0.id == old.id }?.names == [])

        let report = try root.store.prune(all: false)
        #expect(report.deletedImages == [old.id])
        #expect(report.lines == ["deleted: \(old.id)"])
        #expect(report.reclaimedBytes > 0)
        #expect(try root.store.list().map(\.id).sorted() == [new.id, kept.id].sorted())
        #expect(contents(new.layerPaths[0] + "/base.txt") == "shared base")

        let all = try root.store.prune(all: true, keep: [kept.id])
        #expect(all.deletedImages == [new.id])
        #expect(all.lines == ["untagged: app:1", "deleted: \(new.id)"])
        #expect(try root.store.list().map(\.id) == [kept.id])
        #expect(contents(kept.layerPaths[0] + "/base.txt") == "shared base")
    }

    @Test("an image a container layer runs is refused by rm and kept by prune and the cleanup until it ends")
    func containerLeasesProtectImages() throws {
        let root = try TestRoot()
        let record = try #require(Self.committed(try Self.pull(try Self.image("one"), into: root, name: "app:1"))).0
        _ = try root.store.createContainerLayer(id: "c1", image: record)

        #expect(throws: ImageError.inUse("app:1", record.id, "c1")) { try root.store.remove("app:1") }
        #expect(throws: ImageError.inUse("app:1", record.id, "c1")) { try root.store.remove(record.id) }
        #expect(try root.store.prune(all: true).deletedImages.isEmpty)
        #expect(
            try root.store.removeUnused(unusedSince: Date().addingTimeInterval(3600), limit: 5).deletedImages.isEmpty)
        #expect(
            ImageError.inUse("app:1", record.id, "c1").description
                == "conflict: unable to remove repository reference \"app:1\" - container c1 is using its referenced"
                + " image \(hex(record.id).prefix(12))")

        try root.store.removeContainerLayer(id: "c1")
        #expect(
            try root.store.removeUnused(unusedSince: Date().addingTimeInterval(3600), limit: 5).deletedImages == [
                record.id
            ])
    }

    @Test("the cleanup takes the least recently used images first, at most `limit`, and none used recently")
    func cleanupOrderAndLimit() throws {
        let root = try TestRoot()
        var records: [ImageRecord] = []
        for index in 0..<3 {
            records.append(
                try #require(
                    Self.committed(try Self.pull(try Self.image("i\(index)"), into: root, name: "app:\(index)"))
                ).0)
        }
        // app:0 was used last, app:1 an hour ago, app:2 two hours ago.
        let usage = root.images + "/usage"
        for (index, age) in [(0, 0.0), (1, 3600.0), (2, 7200.0)] {
            _ = try root.store.createContainerLayer(id: "c\(index)", image: records[index])
            try root.store.removeContainerLayer(id: "c\(index)")
            let path = usage + "/" + hex(records[index].id)
            var times = [
                timespec(tv_sec: time(nil) - Int(age), tv_nsec: 0), timespec(tv_sec: time(nil) - Int(age), tv_nsec: 0),
            ]
            #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        }
        let cutoff = Date().addingTimeInterval(-1800)
        #expect(try root.store.removeUnused(unusedSince: cutoff, limit: 1).deletedImages == [records[2].id])
        #expect(try root.store.removeUnused(unusedSince: cutoff, limit: 5).deletedImages == [records[1].id])
        #expect(try root.store.list().map(\.id) == [records[0].id])
    }

    @Test("a staging directory whose pull died is swept by the next pull; a live one is left alone")
    func deadStagingIsSwept() throws {
        let root = try TestRoot()
        let live = try root.store.beginPull()
        defer { live.finish() }
        // A crashed pull: its directory and owner file remain, nobody holds the lock.
        let dead = root.images + "/staging/pull-dead"
        try FileManager.default.createDirectory(atPath: dead, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dead + "/owner", contents: nil)
        FileManager.default.createFile(atPath: dead + "/blob-partial", contents: Data("x".utf8))
        let next = try root.store.beginPull()
        defer { next.finish() }
        #expect(!Filesystem.exists(dead))
        #expect(Filesystem.exists(live.path))
        // A locked operation in between leaves staging alone (tmp/ is what those sweep).
        _ = try root.store.prune(all: false)
        #expect(Filesystem.exists(live.path) && Filesystem.exists(next.path))
    }
}
