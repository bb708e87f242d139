import Foundation
import Glibc
import Testing

@testable import Images

@Suite("Layers mount as an overlay: order, whiteouts and opaque directories")
struct OverlayMountTests {
    static func layeredImage() throws -> TestImage {
        let bottom = TarBuilder()
        bottom.file("winner.txt", "bottom").file("removed.txt", "gone soon").directory("opaque")
            .file("opaque/old.txt", "hidden").directory("sub").file("sub/inner.txt", "inner").file(
                "sub/kept.txt", "kept"
            )
            .directory("gone-dir").file("gone-dir/x", "x")
        let middle = TarBuilder()
        middle.file("winner.txt", "middle").file("middle-only.txt", "m")
        let top = TarBuilder()
        top.file("winner.txt", "top").file(".wh.removed.txt").directory("opaque").file("opaque/.wh..wh..opq")
            .file("opaque/new.txt", "new").file("sub/.wh.inner.txt").file(".wh.gone-dir")
            .file("fresh/.wh.never-existed").file(".wh..wh.plnk/123", "aufs bookkeeping")
        return TestImage(layers: [try TestLayer(bottom), try TestLayer(middle, compression: .none), try TestLayer(top)])
    }

    @Test("whiteouts become 0:0 char devices, opaque markers an xattr; marker files are not written")
    func whiteoutTranslation() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(try Self.layeredImage(), to: layout, refName: "layers:1")
        let record = try root.store.importImage(from: layout, name: nil)
        let top = record.layerPaths[2]
        for whiteout in ["removed.txt", "sub/inner.txt", "gone-dir", "fresh/never-existed"] {
            var info = stat()
            #expect(lstat(top + "/" + whiteout, &info) == 0, "\(whiteout)")
            #expect(info.st_mode & S_IFMT == S_IFCHR && info.st_rdev == 0, "\(whiteout)")
        }
        #expect(extendedAttribute("trusted.overlay.opaque", of: top + "/opaque") == "y")
        #expect(extendedAttribute("trusted.overlay.opaque", of: top + "/sub") == nil)
        let all = FileManager.default.subpaths(atPath: top) ?? []
        #expect(!all.contains { $0.contains(".wh.") }, "\(all)")
    }

    @Test("a real overlay mount shows later layers winning and deleted content gone")
    func mountedOverlay() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(try Self.layeredImage(), to: layout, refName: "layers:1")
        let record = try root.store.importImage(from: layout, name: nil)

        let readOnly = try root.scratch("ro")
        try withMount(root.store.overlayOptions(for: record, layer: nil), at: readOnly) {
            #expect(contents(readOnly + "/winner.txt") == "top")
            #expect(contents(readOnly + "/middle-only.txt") == "m")
            #expect(fileType(readOnly + "/removed.txt") == nil)
            #expect(fileType(readOnly + "/gone-dir") == nil)
            #expect(fileType(readOnly + "/opaque/old.txt") == nil)
            #expect(contents(readOnly + "/opaque/new.txt") == "new")
            #expect(fileType(readOnly + "/sub/inner.txt") == nil)
            #expect(contents(readOnly + "/sub/kept.txt") == "kept")
            #expect(fileType(readOnly + "/fresh/never-existed") == nil)
        }

        // With a container layer, writes land in upper and the image layers stay untouched.
        let layer = try root.store.createContainerLayer(id: "c1")
        try withMount(root.store.overlayOptions(for: record, layer: layer), at: layer.mergedDir) {
            try Data("written".utf8).write(to: URL(fileURLWithPath: layer.mergedDir + "/new-file"))
            try FileManager.default.removeItem(atPath: layer.mergedDir + "/winner.txt")
            #expect(throws: ImageError.self) { try root.store.removeContainerLayer(id: "c1") }  // still mounted
        }
        #expect(contents(layer.upperDir + "/new-file") == "written")
        #expect(contents(record.layerPaths[2] + "/winner.txt") == "top")
        try root.store.removeContainerLayer(id: "c1")
        #expect(fileType(root.store.root + "/overlay/c1") == nil)
    }

    @Test("a single-layer image mounts read-only with the empty lowerdir")
    func singleLayerReadOnly() throws {
        let root = try TestRoot()
        let tar = TarBuilder()
        tar.file("only.txt", "only")
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "one:1")
        let record = try root.store.importImage(from: layout, name: nil)
        let target = try root.scratch("mnt")
        try withMount(root.store.overlayOptions(for: record, layer: nil), at: target) {
            #expect(contents(target + "/only.txt") == "only")
        }
    }

    func withMount(_ options: String, at target: String, _ body: () throws -> Void) throws {
        guard mount("overlay", target, "overlay", 0, options) == 0 else {
            throw TestFailure("mount -t overlay -o \(options) \(target): \(String(cString: strerror(errno)))")
        }
        defer { umount2(target, Int32(MNT_DETACH)) }
        try body()
    }
}
