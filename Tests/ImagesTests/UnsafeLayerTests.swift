import Foundation
import Testing

@testable import Images

@Suite("Malicious layers are refused and write nothing outside the store")
struct UnsafeLayerTests {
    /// A directory outside the store that an escaping entry would write into.
    final class Outside {
        let path = "/tmp/berth-escape-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        var isEmpty: Bool { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]).isEmpty }
    }

    /// Imports a one-layer image made of `tar` and expects unsafeLayerEntry for `entry`.
    func expectRefusal(
        _ tar: TarBuilder, entry: String, reasonContains: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> TestRoot {
        let root = try TestRoot()
        let layer = try TestLayer(tar)
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [layer]), to: layout, refName: "evil:1")
        let error = root.importError(from: layout)
        guard case .unsafeLayerEntry(let layerDigest, let reported, let reason)? = error else {
            Issue.record("expected unsafeLayerEntry, got \(String(describing: error))", sourceLocation: sourceLocation)
            return root
        }
        #expect(layerDigest == sha256(layer.blob), sourceLocation: sourceLocation)
        #expect(reported == entry, sourceLocation: sourceLocation)
        #expect(reason.contains(reasonContains), "\(reason)", sourceLocation: sourceLocation)
        #expect(root.leftovers.isEmpty, "leftovers: \(root.leftovers)", sourceLocation: sourceLocation)
        return root
    }

    @Test("absolute path")
    func absolutePath() throws {
        let outside = try Outside()
        let tar = TarBuilder()
        tar.file("ok.txt", "fine").file(outside.path + "/abs", "pwned")
        _ = try expectRefusal(tar, entry: outside.path + "/abs", reasonContains: "absolute path")
        #expect(outside.isEmpty)
    }

    @Test("dot-dot escape")
    func dotDot() throws {
        let name = "escape-" + UUID().uuidString
        let tar = TarBuilder()
        tar.file("../" + name, "pwned")
        let root = try expectRefusal(tar, entry: "../" + name, reasonContains: "path escapes the layer root (\"..\")")
        let error = ImageError.unsafeLayerEntry("sha256:ab12", "../etc/passwd", "path escapes the layer root (\"..\")")
        #expect(error.description == #"layer sha256:ab12 entry "../etc/passwd": path escapes the layer root ("..")"#)
        #expect(FileManager.default.subpaths(atPath: root.path)?.contains { $0.hasSuffix(name) } == false)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/" + name))
    }

    @Test("dot-dot hidden inside a path")
    func innerDotDot() throws {
        let tar = TarBuilder()
        tar.directory("a").file("a/../../x", "pwned")
        _ = try expectRefusal(tar, entry: "a/../../x", reasonContains: "\"..\"")
    }

    @Test("symlink to an outside directory, then a write through it")
    func symlinkWriteThrough() throws {
        let outside = try Outside()
        let tar = TarBuilder()
        tar.symlink("evil", to: outside.path).file("evil/pwned", "pwned")
        _ = try expectRefusal(tar, entry: "evil/pwned", reasonContains: "parent \"evil\" is a symlink")
        #expect(outside.isEmpty)
    }

    @Test("symlink to .., then a write through it")
    func symlinkToParent() throws {
        let tar = TarBuilder()
        tar.directory("d").symlink("d/evil", to: "..").symlink("up", to: "..").file("d/evil/pwned", "x")
        let root = try expectRefusal(tar, entry: "d/evil/pwned", reasonContains: "parent \"d/evil\" is a symlink")
        #expect(FileManager.default.subpaths(atPath: root.path)?.contains { $0.hasSuffix("pwned") } == false)
    }

    @Test("symlink to a relative outside path, then a directory entry below it")
    func symlinkThenDirectory() throws {
        let tar = TarBuilder()
        tar.symlink("link", to: "../../../../../../../tmp").directory("link/sub")
        _ = try expectRefusal(tar, entry: "link/sub/", reasonContains: "is a symlink")
    }

    @Test("hardlink to ../../etc/passwd")
    func hardlinkDotDot() throws {
        let links = linkCount("/etc/passwd")
        let tar = TarBuilder()
        tar.hardlink("passwd", to: "../../etc/passwd")
        _ = try expectRefusal(
            tar, entry: "passwd", reasonContains: "hardlink target \"../../etc/passwd\": path escapes")
        #expect(linkCount("/etc/passwd") == links)
    }

    @Test("hardlink to an absolute path")
    func hardlinkAbsolute() throws {
        let links = linkCount("/etc/passwd")
        let tar = TarBuilder()
        tar.hardlink("passwd", to: "/etc/passwd")
        _ = try expectRefusal(tar, entry: "passwd", reasonContains: "hardlink target \"/etc/passwd\": absolute path")
        #expect(linkCount("/etc/passwd") == links)
    }

    @Test("hardlink through a symlink")
    func hardlinkThroughSymlink() throws {
        let links = linkCount("/etc/passwd")
        let tar = TarBuilder()
        tar.symlink("etc", to: "/etc").hardlink("passwd", to: "etc/passwd")
        _ = try expectRefusal(tar, entry: "passwd", reasonContains: "parent \"etc\" is a symlink")
        #expect(linkCount("/etc/passwd") == links)
    }

    @Test("hardlink to a file the layer does not contain")
    func hardlinkToMissing() throws {
        let tar = TarBuilder()
        tar.directory("etc").hardlink("passwd", to: "etc/passwd")
        _ = try expectRefusal(tar, entry: "passwd", reasonContains: "is not an earlier entry of this layer")
    }

    @Test("a directory replaced by a symlink")
    func directoryReplacedBySymlink() throws {
        let outside = try Outside()
        let tar = TarBuilder()
        tar.directory("d", mode: 0o777).symlink("d", to: outside.path)
        _ = try expectRefusal(tar, entry: "d", reasonContains: "replaces the directory")
        #expect(outside.isEmpty)
    }

    @Test("a file entry replaces a symlink instead of writing through it")
    func fileReplacesSymlink() throws {
        let outside = try Outside()
        let victim = outside.path + "/victim"
        try Data("original".utf8).write(to: URL(fileURLWithPath: victim))
        let root = try TestRoot()
        let tar = TarBuilder()
        tar.symlink("f", to: victim).file("f", "replaced").hardlink("g", to: "f")
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "ok:1")
        let record = try root.store.importImage(from: layout, name: nil)
        #expect(contents(victim) == "original")
        #expect(fileType(record.layerPaths[0] + "/f") == S_IFREG)
        #expect(contents(record.layerPaths[0] + "/g") == "replaced")
    }

    @Test("symlinks may point anywhere, and char/block devices are kept")
    func symlinksAndDevices() throws {
        let root = try TestRoot()
        let tar = TarBuilder()
        tar.symlink("bin", to: "/usr/bin").symlink("up", to: "../../..").characterDevice("dev/null", major: 1, minor: 3)
            .file("tool", "x", xattrs: ["trusted.overlay.redirect": Data("/etc".utf8), "user.keep": Data("yes".utf8)])
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "ok:1")
        let record = try root.store.importImage(from: layout, name: nil)
        let content = record.layerPaths[0]
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: content + "/bin")) == "/usr/bin")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: content + "/up")) == "../../..")
        var info = stat()
        #expect(
            lstat(content + "/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
                && info.st_rdev == makeDevice(1, 3))
        // trusted.* xattrs steer overlayfs and are dropped; others are kept.
        #expect(extendedAttribute("trusted.overlay.redirect", of: content + "/tool") == nil)
        #expect(extendedAttribute("user.keep", of: content + "/tool") == "yes")
    }

    @Test("deep paths are refused before libarchive would chdir into them")
    func overlongPath() throws {
        let tar = TarBuilder()
        let deep = Array(repeating: String(repeating: "d", count: 200), count: 21).joined(separator: "/") + "/f"
        tar.file(deep, "x")
        _ = try expectRefusal(tar, entry: deep, reasonContains: "PATH_MAX")
    }

    func linkCount(_ path: String) -> nlink_t {
        var info = stat()
        return stat(path, &info) == 0 ? info.st_nlink : 0
    }

    func makeDevice(_ major: UInt64, _ minor: UInt64) -> dev_t {
        // glibc's makedev encoding.
        let low: UInt64 = ((major & 0xfff) << 8) | (minor & 0xff)
        let high: UInt64 = ((minor & ~UInt64(0xff)) << 12) | ((major & ~UInt64(0xfff)) << 32)
        return dev_t(low | high)
    }
}
