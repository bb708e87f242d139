import Foundation
import Testing

@testable import Images

@Suite("Import verification: every bad input fails clearly and leaves nothing behind")
struct VerificationTests {
    static func simpleImage() throws -> TestImage {
        let bottom = TarBuilder()
        bottom.file("bottom.txt", "bottom")
        let top = TarBuilder()
        top.file("top.txt", "top")
        return TestImage(layers: [try TestLayer(bottom), try TestLayer(top)])
    }

    /// Writes `image` as an OCI layout, lets `tamper` damage it, imports, and checks the store is untouched.
    func failedImport(
        _ image: TestImage, tamper: (String) throws -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ImageError? {
        let root = try TestRoot()
        // An image already in the store must survive the failed import intact.
        let keepTar = TarBuilder()
        keepTar.file("keep.txt", "keep")
        let keepLayout = try root.scratch("keep")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(keepTar)]), to: keepLayout, refName: "keep:1")
        let kept = try root.store.importImage(from: keepLayout, name: nil)
        let before = root.leftovers

        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(image, to: layout, refName: "bad:1")
        try tamper(layout)
        let error = root.importError(from: layout)
        #expect(error != nil, "import succeeded", sourceLocation: sourceLocation)
        #expect(root.leftovers == before, "import left files behind", sourceLocation: sourceLocation)
        #expect(try root.store.list() == [kept], sourceLocation: sourceLocation)
        #expect(contents(kept.layerPaths[0] + "/keep.txt") == "keep", sourceLocation: sourceLocation)
        return error
    }

    @Test("a blob whose content does not match its digest")
    func digestMismatchedBlob() throws {
        let image = try Self.simpleImage()
        let blob = image.layers[1].blob
        var forged = blob
        forged[forged.count / 2] ^= 0xff
        let error = try failedImport(image) { layout in
            try forged.write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + hex(sha256(blob))))
        }
        #expect(error == .digestMismatch("layer blob \(sha256(blob))", sha256(blob), sha256(forged)))
        #expect(
            error?.description.hasPrefix("layer blob \(sha256(blob)) is corrupt: digest is \(sha256(forged))") == true)
    }

    @Test("a blob whose size does not match its descriptor")
    func sizeMismatchedBlob() throws {
        let image = try Self.simpleImage()
        let blob = image.layers[0].blob
        let error = try failedImport(image) { layout in
            try (blob + Data("extra".utf8)).write(
                to: URL(fileURLWithPath: layout + "/blobs/sha256/" + hex(sha256(blob))))
        }
        guard case .sizeMismatch(let what, let expected, _)? = error else {
            Issue.record("expected sizeMismatch, got \(String(describing: error))")
            return
        }
        #expect(what == "layer blob \(sha256(blob))")
        #expect(expected == Int64(blob.count))
    }

    @Test("a corrupt manifest blob is caught before it is parsed")
    func corruptManifest() throws {
        let image = try Self.simpleImage()
        let manifest = Fixtures.manifestData(image)
        let error = try failedImport(image) { layout in
            var forged = manifest
            forged[0] = UInt8(ascii: " ")
            try forged.write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + hex(sha256(manifest))))
        }
        guard case .digestMismatch(let what, _, _)? = error else {
            Issue.record("expected digestMismatch, got \(String(describing: error))")
            return
        }
        #expect(what == "manifest blob \(sha256(manifest))")
    }

    @Test("a layer whose uncompressed content does not match its diff_id")
    func diffIDMismatch() throws {
        var image = try Self.simpleImage()
        let other = TarBuilder()
        other.file("substituted.txt", "evil")
        let substitute = try TestLayer(other)
        // The blob and its descriptor agree, but the config promised different content.
        let promised = image.layers[1].diffID
        image.diffIDs = [image.layers[0].diffID, promised]
        image.layers[1] = substitute
        let error = try failedImport(image)
        #expect(
            error
                == .digestMismatch(
                    "layer \(sha256(substitute.blob)) (uncompressed, rootfs.diff_ids[1])", promised, substitute.diffID))
    }

    @Test("a truncated gzip layer")
    func truncatedGzip() throws {
        var image = try Self.simpleImage()
        let big = TarBuilder()
        var random = SystemRandomNumberGenerator()
        big.file(
            "noise",
            String((0..<200_000).map { _ in Character(UnicodeScalar(UInt8.random(in: 33...126, using: &random))) }))
        let full = try TestLayer(big, compression: .gzip)
        let truncated = full.blob.prefix(full.blob.count / 2)
        image.layers[0] = TestLayer(
            blob: truncated, diffID: full.diffID, mediaType: full.mediaType, tarSize: full.tarSize)
        let error = try failedImport(image)
        guard case .corruptLayer(let digest, let reason)? = error else {
            Issue.record("expected corruptLayer, got \(String(describing: error))")
            return
        }
        #expect(digest == sha256(truncated))
        #expect(reason.lowercased().contains("truncated") || reason.lowercased().contains("gzip"))
    }

    @Test("a gzip layer with a corrupt body")
    func corruptGzip() throws {
        var image = try Self.simpleImage()
        let tar = TarBuilder()
        tar.file("a.txt", String(repeating: "abc", count: 10_000))
        let layer = try TestLayer(tar, compression: .gzip)
        var damaged = layer.blob
        for index in stride(from: 20, to: damaged.count - 10, by: 7) { damaged[index] ^= 0x5a }
        image.layers[1] = TestLayer(
            blob: damaged, diffID: layer.diffID, mediaType: layer.mediaType, tarSize: layer.tarSize)
        guard case .corruptLayer(let digest, _)? = try failedImport(image) else {
            Issue.record("expected corruptLayer")
            return
        }
        #expect(digest == sha256(damaged))
    }

    @Test("a layer that is not a tar at all")
    func notATar() throws {
        var image = try Self.simpleImage()
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) })
        image.layers[0] = TestLayer(
            blob: garbage, diffID: sha256(garbage), mediaType: MediaType.ociLayer, tarSize: 4096)
        guard case .corruptLayer(sha256(garbage), _)? = try failedImport(image) else {
            Issue.record("expected corruptLayer")
            return
        }
    }

    @Test("layer count differs from diff_ids count")
    func layerCountMismatch() throws {
        var image = try Self.simpleImage()
        image.diffIDs = [image.layers[0].diffID]
        guard case .invalidLayout(_, let reason)? = try failedImport(image) else {
            Issue.record("expected invalidLayout")
            return
        }
        #expect(reason == "the manifest lists 2 layers but the config's rootfs.diff_ids lists 1")
    }

    @Test("malformed digests never become paths")
    func malformedDigest() throws {
        let image = try Self.simpleImage()
        let error = try failedImport(image) { layout in
            let index = try String(contentsOfFile: layout + "/index.json", encoding: .utf8)
            let digest = sha256(Fixtures.manifestData(image))
            try index.replacingOccurrences(of: digest, with: "sha256:../../../../etc/passwd")
                .write(toFile: layout + "/index.json", atomically: true, encoding: .utf8)
        }
        guard case .invalidLayout(_, let reason)? = error else {
            Issue.record("expected invalidLayout, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("malformed digest"))
    }

    @Test("a missing blob, a missing oci-layout, and a directory that is no image")
    func missingPieces() throws {
        let image = try Self.simpleImage()
        let missingBlob = try failedImport(image) { layout in
            try FileManager.default.removeItem(atPath: layout + "/blobs/sha256/" + hex(image.configDigest))
        }
        guard case .invalidLayout(_, let reason)? = missingBlob else {
            Issue.record("expected invalidLayout, got \(String(describing: missingBlob))")
            return
        }
        #expect(reason == "config blob \(image.configDigest) is missing (blobs/sha256/\(hex(image.configDigest)))")
        let noMarker = try failedImport(image) { layout in
            try FileManager.default.removeItem(atPath: layout + "/oci-layout")
        }
        guard case .invalidLayout(_, "the oci-layout file is missing")? = noMarker else {
            Issue.record("expected missing oci-layout, got \(String(describing: noMarker))")
            return
        }
        let root = try TestRoot()
        let empty = try root.scratch("empty")
        guard case .invalidLayout(empty, _)? = root.importError(from: empty) else {
            Issue.record("expected invalidLayout for an empty directory")
            return
        }
        guard case .invalidLayout(_, "no such file or directory")? = root.importError(from: root.path + "/absent")
        else {
            Issue.record("expected invalidLayout for a missing path")
            return
        }
        #expect(root.leftovers.isEmpty)
    }

    @Test("a docker-archive whose config does not match its digest name")
    func dockerArchiveConfigMismatch() throws {
        let root = try TestRoot()
        let image = try Self.simpleImage()
        let archive = TarBuilder()
        let claimed = hex(image.configDigest)
        var forgedConfig = image.configData
        forgedConfig.append(UInt8(ascii: " "))
        archive.data(claimed + ".json", forgedConfig)
        archive.data("l0/layer.tar", image.layers[0].blob).data("l1/layer.tar", image.layers[1].blob)
        archive.data(
            "manifest.json",
            Fixtures.json([
                ["Config": claimed + ".json", "RepoTags": ["x:1"], "Layers": ["l0/layer.tar", "l1/layer.tar"]]
            ]))
        let path = try root.scratch("in") + "/bad.tar"
        try archive.build().write(to: URL(fileURLWithPath: path))
        #expect(
            root.importError(from: path)
                == .digestMismatch("config blob \(image.configDigest)", image.configDigest, sha256(forgedConfig)))
        #expect(root.leftovers.isEmpty)
    }

    @Test("a docker-archive manifest.json may not reach outside the archive")
    func dockerArchiveEscape() throws {
        let root = try TestRoot()
        let image = try Self.simpleImage()
        let archive = TarBuilder()
        archive.data("c.json", image.configData)
        archive.data(
            "manifest.json",
            Fixtures.json([["Config": "c.json", "RepoTags": ["x:1"], "Layers": ["../../../etc/passwd", "x"]]]))
        let path = try root.scratch("in") + "/bad.tar"
        try archive.build().write(to: URL(fileURLWithPath: path))
        guard case .invalidLayout(_, let reason)? = root.importError(from: path) else {
            Issue.record("expected invalidLayout")
            return
        }
        #expect(reason.contains("missing"))
        #expect(root.leftovers.isEmpty)
    }
}
