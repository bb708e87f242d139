import Foundation
import Testing

@testable import Images

@Suite("overlayfs options and container layers")
struct OverlayOptionsTests {
    func record(layers: [String]) -> ImageRecord {
        ImageRecord(
            id: "sha256:" + String(repeating: "0", count: 64),
            manifestDigest: "sha256:" + String(repeating: "1", count: 64),
            names: [], created: nil, size: 0, config: ImageConfig(), diffIDs: [], layerPaths: layers)
    }

    @Test("lists the top layer first and adds upper and work dirs")
    func withContainerLayer() throws {
        let root = try TestRoot()
        let layer = ContainerLayer(upperDir: "/r/upper", workDir: "/r/work", mergedDir: "/r/merged")
        let options = root.store.overlayOptions(
            for: record(layers: ["/l/bottom", "/l/middle", "/l/top"]), layer: layer)
        #expect(options == "lowerdir=/l/top:/l/middle:/l/bottom,upperdir=/r/upper,workdir=/r/work")
    }

    @Test("a read-only overlay of one layer gets the empty dir as second lowerdir")
    func readOnlySingleLayer() throws {
        let root = try TestRoot()
        let empty = root.store.root + "/images/empty"
        #expect(root.store.overlayOptions(for: record(layers: ["/l/only"]), layer: nil) == "lowerdir=/l/only:\(empty)")
        #expect(root.store.overlayOptions(for: record(layers: ["/l/a", "/l/b"]), layer: nil) == "lowerdir=/l/b:/l/a")
        #expect(FileManager.default.fileExists(atPath: empty))
        let layer = ContainerLayer(upperDir: "/u", workDir: "/w", mergedDir: "/m")
        #expect(
            root.store.overlayOptions(for: record(layers: ["/l/only"]), layer: layer)
                == "lowerdir=/l/only,upperdir=/u,workdir=/w")
    }

    @Test("escapes the characters overlayfs treats as separators")
    func escapes() throws {
        let root = try TestRoot()
        let options = root.store.overlayOptions(for: record(layers: ["/a:b", "/c,d\\e"]), layer: nil)
        #expect(options == #"lowerdir=/c\,d\\e:/a\:b"#)
    }

    @Test("refuses a root whose path overlayfs options cannot carry")
    func refusesRoot() throws {
        let root = try TestRoot()
        #expect(throws: ImageError.self) { try ImageStore(root: root.path + "/bad:root") }
        #expect(throws: ImageError.self) { try ImageStore(root: root.path + "/bad,root") }
    }

    @Test("resolves the root with realpath and creates it with mode 0700")
    func realRoot() throws {
        let root = try TestRoot()
        try FileManager.default.createSymbolicLink(
            atPath: root.path + "/link", withDestinationPath: root.path + "/real")
        try FileManager.default.createDirectory(atPath: root.path + "/real", withIntermediateDirectories: false)
        let store = try ImageStore(root: root.path + "/link/sub")
        #expect(store.root == root.path + "/real/sub")
        var info = stat()
        #expect(stat(root.path + "/real/sub", &info) == 0)
        #expect(info.st_mode & 0o777 == 0o700)
    }

    @Test("creates and removes container layers")
    func containerLayers() throws {
        let root = try TestRoot()
        let layer = try root.store.createContainerLayer(id: "task-1.web")
        let base = root.store.root + "/overlay/task-1.web"
        #expect(
            layer == ContainerLayer(upperDir: base + "/upper", workDir: base + "/work", mergedDir: base + "/merged"))
        for directory in [layer.upperDir, layer.workDir, layer.mergedDir] { #expect(fileType(directory) == S_IFDIR) }
        #expect(FileManager.default.createFile(atPath: layer.upperDir + "/file", contents: Data("x".utf8)))
        #expect(try root.store.createContainerLayer(id: "task-1.web") == layer)  // idempotent, keeps content
        #expect(fileType(layer.upperDir + "/file") == S_IFREG)
        try root.store.removeContainerLayer(id: "task-1.web")
        #expect(fileType(base) == nil)
        try root.store.removeContainerLayer(id: "task-1.web")  // absent: no error
    }

    @Test(
        "refuses container ids that are not a single safe name",
        arguments: ["", "../x", "a/b", ".hidden", "a:b", "a,b"])
    func refusesContainerIDs(id: String) throws {
        let root = try TestRoot()
        #expect(throws: ImageError.self) { try root.store.createContainerLayer(id: id) }
        #expect(throws: ImageError.self) { try root.store.removeContainerLayer(id: id) }
    }
}
