import Foundation
import Glibc
import Testing

@testable import Images

@Suite("Edge cases: odd names, deep trees, name annotations")
struct EdgeCaseTests {
    @Test("names that are not UTF-8 are unpacked byte for byte and garbage-collected")
    func nonUTF8Names() throws {
        let root = try TestRoot()
        let latin1: [UInt8] = Array("caf".utf8) + [0xe9] + Array(".txt".utf8)
        let tar = TarBuilder()
        tar.rawFile(latin1, "latin-1").file("caf\u{e9}/\u{1F600}.txt", "utf-8")
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "names:1")
        let record = try root.store.importImage(from: layout, name: nil)
        let path = Array(record.layerPaths[0].utf8) + [UInt8(ascii: "/")] + latin1
        var info = stat()
        #expect(
            (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { lstat($0.baseAddress!, &info) } == 0)
        #expect(contents(record.layerPaths[0] + "/caf\u{e9}/\u{1F600}.txt") == "utf-8")
        _ = try root.store.remove("names:1")
        #expect(root.leftovers.isEmpty)
    }

    @Test("a tree deeper than the removal's open-fd limit is removed completely")
    func deepTree() throws {
        let root = try TestRoot()
        let tar = TarBuilder()
        let deep = Array(repeating: "d", count: 300).joined(separator: "/")
        tar.file(deep + "/leaf", "deep").file("d/top", "top")
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "deep:1")
        let record = try root.store.importImage(from: layout, name: nil)
        #expect(contents(record.layerPaths[0] + "/" + deep + "/leaf") == "deep")
        _ = try root.store.remove("deep:1")
        #expect(root.leftovers.isEmpty)
    }

    @Test("an empty layer (1024 zero bytes, as docker writes it) and a zero-byte layer")
    func emptyLayers() throws {
        let root = try TestRoot()
        let zeros = Data(count: 1024)
        let nothing = Data()
        let image = TestImage(layers: [
            TestLayer(blob: zeros, diffID: sha256(zeros), mediaType: MediaType.ociLayer, tarSize: 1024),
            TestLayer(blob: nothing, diffID: sha256(nothing), mediaType: MediaType.ociLayer, tarSize: 0),
        ])
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(image, to: layout, refName: "empty:1")
        let record = try root.store.importImage(from: layout, name: nil)
        #expect(record.size == 1024)
        #expect(record.layerPaths.allSatisfy { root.names(in: $0).isEmpty })
    }

    @Test("index annotations: a full ref.name is a name, a bare tag is not, containerd's name is a fallback")
    func annotationNames() throws {
        let refName = Descriptor.refNameAnnotation
        let containerd = Descriptor.containerdNameAnnotation
        #expect(
            try OCILayoutResolver.names(from: [refName: "nginx:1.2"]).map(\.normalized) == [
                "docker.io/library/nginx:1.2"
            ])
        #expect(try OCILayoutResolver.names(from: [refName: "latest"]).isEmpty)
        #expect(try OCILayoutResolver.names(from: [refName: "nginx"]).isEmpty)
        #expect(
            try OCILayoutResolver.names(from: [refName: "latest", containerd: "docker.io/library/redis:7"]).map(
                \.normalized)
                == ["docker.io/library/redis:7"])
        #expect(try OCILayoutResolver.names(from: [:]).isEmpty)
    }

    @Test("RFC 3339 timestamps with nanoseconds and offsets")
    func timestamps() {
        #expect(RFC3339.date("2024-01-02T03:04:05Z")?.timeIntervalSince1970 == 1_704_164_645)
        #expect(RFC3339.date("2024-01-02T04:04:05.5+01:00")?.timeIntervalSince1970 == 1_704_164_645.5)
        #expect(RFC3339.date("0001-01-01T00:00:00Z") == nil)
        #expect(RFC3339.date("yesterday") == nil)
    }

    @Test("leftovers of a crashed import in tmp are swept by the next locked operation")
    func sweepsTemporary() throws {
        let root = try TestRoot()
        let stale = root.images + "/tmp/layer-dead/diff/x"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let tar = TarBuilder()
        tar.file("a", "a")
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "a:1")
        _ = try root.store.importImage(from: layout, name: nil)
        #expect(root.names(in: root.images + "/tmp").isEmpty)
    }
}
