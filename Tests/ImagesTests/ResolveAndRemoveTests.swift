import Foundation
import Testing

@testable import Images

@Suite("Docker-style resolution, rm and garbage collection")
struct ResolveAndRemoveTests {
    /// Imports an image with a base layer every image of these tests shares plus one layer of its own.
    static func importImage(_ root: TestRoot, tag: String, content: String, label: String = "") throws -> ImageRecord {
        let base = TarBuilder()
        base.file("base.txt", "shared base")
        let own = TarBuilder()
        own.file("own.txt", content)
        var image = TestImage(layers: [try TestLayer(base), try TestLayer(own)])
        image.runtimeConfig["Labels"] = ["n": label]
        let layout = try root.scratch("layout-" + UUID().uuidString)
        try Fixtures.writeOCILayout(image, to: layout, refName: nil)
        return try root.store.importImage(from: layout, name: tag)
    }

    @Test("resolves names, digest references, ids and id prefixes like docker")
    func resolves() throws {
        let root = try TestRoot()
        let nginx = try Self.importImage(root, tag: "nginx", content: "nginx")
        let other = try Self.importImage(root, tag: "ghcr.io/acme/tool:2", content: "tool")
        let idHex = hex(nginx.id)

        for reference in [
            "nginx", "nginx:latest", "docker.io/library/nginx:latest", "library/nginx", "docker.io/nginx",
            "index.docker.io/library/nginx", nginx.id, idHex, "sha256:" + idHex.prefix(8), String(idHex.prefix(4)),
            String(idHex.prefix(12)), "nginx@" + nginx.manifestDigest, "nginx:whatever@" + nginx.manifestDigest,
        ] {
            #expect(try root.store.resolve(reference).id == nginx.id, "\(reference)")
        }
        #expect(try root.store.resolve("ghcr.io/acme/tool:2").id == other.id)

        for reference in [
            "nginx:1.0", "ghcr.io/acme/tool", "redis", "other@" + nginx.manifestDigest,
            "sha256:" + String(repeating: "f", count: 64),
        ] {
            #expect(throws: ImageError.notFound(reference)) { try root.store.resolve(reference) }
        }
        #expect(throws: ImageError.self) { try root.store.resolve("NOT VALID") }
        #expect(ImageError.notFound("nginx:latest").description == "no such image: nginx:latest")
    }

    @Test("an id prefix matching two images is ambiguous")
    func ambiguousPrefix() throws {
        let root = try TestRoot()
        // Find two labels whose configs' ids share their first 4 hex digits (a few hundred tries).
        let base = TarBuilder()
        base.file("f", "x")
        let layer = try TestLayer(base)
        var seen: [String: Int] = [:]
        var pair: (Int, Int)?
        for counter in 0..<100_000 {
            var image = TestImage(layers: [layer])
            image.runtimeConfig["Labels"] = ["n": "\(counter)"]
            let prefix = String(hex(image.configDigest).prefix(4))
            if let earlier = seen[prefix] {
                pair = (earlier, counter)
                break
            }
            seen[prefix] = counter
        }
        let (first, second) = try #require(pair)
        var ids: [String] = []
        for counter in [first, second] {
            var image = TestImage(layers: [layer])
            image.runtimeConfig["Labels"] = ["n": "\(counter)"]
            let layout = try root.scratch("layout\(counter)")
            try Fixtures.writeOCILayout(image, to: layout, refName: nil)
            ids.append(try root.store.importImage(from: layout, name: "img\(counter)").id)
        }
        let prefix = String(hex(ids[0]).prefix(4))
        #expect(throws: ImageError.ambiguous(prefix)) { try root.store.resolve(prefix) }
        #expect(try root.store.resolve(ids[1]).id == ids[1])
    }

    @Test("rm by name untags; the last name deletes the image and collects its layers and blobs")
    func removeByName() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        let tar = TarBuilder()
        tar.file("a", "a")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: nil)
        let record = try root.store.importImage(from: layout, name: "nginx")
        _ = try root.store.importImage(from: layout, name: "web:1")

        #expect(try root.store.remove("nginx") == ["Untagged: nginx:latest"])
        #expect(try root.store.resolve("web:1").names == ["docker.io/library/web:1"])
        #expect(!root.names(in: root.images + "/layers/sha256").isEmpty)

        #expect(try root.store.remove("docker.io/library/web:1") == ["Untagged: web:1", "Deleted: \(record.id)"])
        #expect(try root.store.list().isEmpty)
        #expect(root.leftovers.isEmpty)
        #expect(throws: ImageError.notFound("web:1")) { try root.store.remove("web:1") }
    }

    @Test("rm by id deletes all names; shared layers stay until no image uses them")
    func removeByIDAndSharedLayers() throws {
        let root = try TestRoot()
        let first = try Self.importImage(root, tag: "one", content: "1")
        let second = try Self.importImage(root, tag: "two", content: "2")
        _ = try root.store.importImage(
            from: try { () throws -> String in
                let layout = try root.scratch("again")
                let base = TarBuilder()
                base.file("base.txt", "shared base")
                let own = TarBuilder()
                own.file("own.txt", "1")
                var image = TestImage(layers: [try TestLayer(base), try TestLayer(own)])
                image.runtimeConfig["Labels"] = ["n": ""]
                try Fixtures.writeOCILayout(image, to: layout, refName: nil)
                return layout
            }(), name: "one-alias:3")
        #expect(first.diffIDs[0] == second.diffIDs[0])
        #expect(root.names(in: root.images + "/layers/sha256").count == 3)

        let lines = try root.store.remove(String(hex(first.id).prefix(12)))
        #expect(lines == ["Untagged: one:latest", "Untagged: one-alias:3", "Deleted: \(first.id)"])
        // The shared base layer stays for "two"; first's own layer and blobs are gone.
        #expect(root.names(in: root.images + "/layers/sha256") == second.diffIDs.map(hex).sorted())
        #expect(fileType(second.layerPaths[0] + "/base.txt") == S_IFREG)
        #expect(!root.names(in: root.images + "/blobs/sha256").contains(hex(first.id)))
        #expect(!root.names(in: root.images + "/blobs/sha256").contains(hex(first.manifestDigest)))

        #expect(
            try root.store.remove("two@" + second.manifestDigest) == ["Untagged: two:latest", "Deleted: \(second.id)"])
        #expect(root.leftovers.isEmpty)
    }

    @Test("an image that lost its name to another stays listed without names and is removable by id")
    func danglingImage() throws {
        let root = try TestRoot()
        let old = try Self.importImage(root, tag: "app", content: "old")
        let new = try Self.importImage(root, tag: "app", content: "new")
        let records = try root.store.list()
        #expect(records.map(\.id) == [old.id, new.id])
        #expect(records[0].names.isEmpty)
        #expect(try root.store.remove(old.id) == ["Deleted: \(old.id)"])
        #expect(try root.store.list().map(\.id) == [new.id])
    }
}
