import Foundation
import Testing

@testable import Images

@Suite("Importing OCI layouts and docker-archives")
struct ImportTests {
    static func twoLayerImage() throws -> TestImage {
        let base = TarBuilder()
        base.directory("etc").file("etc/os-release", "ID=test\n").file("bin/tool", "#!/bin/sh\n", mode: 0o4755, uid: 0)
        let top = TarBuilder()
        top.directory("app", mode: 0o750).file("app/run.sh", "echo hi\n", mode: 0o755, uid: 1000, gid: 1001)
            .symlink("app/bin", to: "/usr/bin").hardlink("app/run-again.sh", to: "app/run.sh")
        var image = TestImage(layers: [try TestLayer(base, compression: .gzip), try TestLayer(top, compression: .none)])
        image.runtimeConfig = [
            "Env": ["PATH=/usr/bin", "MODE=test"], "Entrypoint": ["/app/run.sh"], "Cmd": ["--verbose"],
            "WorkingDir": "/app", "User": "1000:1001", "StopSignal": "SIGQUIT",
            "ExposedPorts": ["8080/tcp": [String: Any](), "53/udp": [String: Any](), "80": [String: Any]()],
            "Labels": ["maintainer": "berth"],
        ]
        return image
    }

    @Test("imports an OCI layout with every record field")
    func ociLayout() throws {
        let root = try TestRoot()
        let image = try Self.twoLayerImage()
        let layout = try root.scratch("layout")
        let manifestDigest = try Fixtures.writeOCILayout(image, to: layout, refName: "nginx:1.2")

        let record = try root.store.importImage(from: layout, name: nil)
        #expect(record.id == image.configDigest)
        #expect(record.manifestDigest == manifestDigest)
        #expect(record.names == ["docker.io/library/nginx:1.2"])
        #expect(record.diffIDs == image.layers.map(\.diffID))
        #expect(record.size == Int64(image.layers.map(\.tarSize).reduce(0, +)))
        #expect(record.created == RFC3339.date("2024-01-02T03:04:05.123456789Z"))
        #expect(record.created.map { abs($0.timeIntervalSince1970 - 1_704_164_645.123) < 0.001 } == true)
        #expect(
            record.config
                == ImageConfig(
                    env: ["PATH=/usr/bin", "MODE=test"], entrypoint: ["/app/run.sh"], cmd: ["--verbose"],
                    workingDir: "/app", user: "1000:1001", stopSignal: "SIGQUIT",
                    exposedPorts: ["53/udp", "80/tcp", "8080/tcp"], labels: ["maintainer": "berth"]))
        let layers = root.store.root + "/images/layers/sha256/"
        #expect(record.layerPaths == image.layers.map { layers + hex($0.diffID) + "/diff" })

        // Unpacked content keeps modes (setuid too), numeric owners, symlinks and hardlinks.
        let bottom = record.layerPaths[0], top = record.layerPaths[1]
        #expect(contents(bottom + "/etc/os-release") == "ID=test\n")
        var info = stat()
        #expect(stat(bottom + "/bin/tool", &info) == 0 && info.st_mode & 0o7777 == 0o4755)
        #expect(stat(top + "/app", &info) == 0 && info.st_mode & 0o7777 == 0o750)
        #expect(stat(top + "/app/run.sh", &info) == 0 && info.st_uid == 1000 && info.st_gid == 1001)
        #expect(info.st_nlink == 2)
        #expect(info.st_mtim.tv_sec == 1_700_000_000)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: top + "/app/bin")) == "/usr/bin")

        // Blobs are stored content-addressed, and nothing is left in tmp.
        let blobs = root.names(in: root.images + "/blobs/sha256")
        let expected = [hex(manifestDigest), hex(image.configDigest)] + image.layers.map { hex(sha256($0.blob)) }
        #expect(blobs == expected.sorted())
        #expect(root.names(in: root.images + "/tmp").isEmpty)
        #expect(try root.store.list() == [record])
    }

    @Test("a bare tag in ref.name is no usable name: --name is required")
    func bareTagNeedsName() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(try Self.twoLayerImage(), to: layout, refName: "latest")
        #expect(root.importError(from: layout) == .nameRequired(layout))
        #expect(root.leftovers.isEmpty)
        let record = try root.store.importImage(from: layout, name: "registry.local:5000/team/app:v1")
        #expect(record.names == ["registry.local:5000/team/app:v1"])
    }

    @Test("--name with a digest is refused")
    func nameWithDigest() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(try Self.twoLayerImage(), to: layout, refName: nil)
        let name = "nginx@sha256:" + String(repeating: "a", count: 64)
        guard case .invalidReference(name, _)? = root.importError(from: layout, name: name) else {
            Issue.record("expected invalidReference")
            return
        }
    }

    @Test(
        "imports a legacy docker-archive with gzip and plain layers", arguments: [Fixtures.ArchiveStyle.legacy, .blobs])
    func dockerArchive(style: Fixtures.ArchiveStyle) throws {
        let root = try TestRoot()
        let image = try Self.twoLayerImage()
        let archive = try root.scratch("in") + "/image.tar"
        try Fixtures.writeDockerArchive(image, to: archive, repoTags: ["nginx:latest", "myorg/web:2"], style: style)

        let record = try root.store.importImage(from: archive, name: nil)
        #expect(record.id == image.configDigest)
        #expect(record.names == ["docker.io/library/nginx:latest", "docker.io/myorg/web:2"])
        #expect(record.diffIDs == image.layers.map(\.diffID))
        #expect(contents(record.layerPaths[1] + "/app/run.sh") == "echo hi\n")
        // The store wrote an OCI manifest for the archive; it is a stored blob naming config and layers.
        let manifestPath = root.images + "/blobs/sha256/" + hex(record.manifestDigest)
        let manifest = try JSONDecoder().decode(
            ImageManifest.self, from: Data(contentsOf: URL(fileURLWithPath: manifestPath)))
        #expect(manifest.config.digest == image.configDigest)
        #expect(manifest.layers.map(\.mediaType) == [MediaType.ociLayerGzip, MediaType.ociLayer])
        #expect(manifest.layers.map(\.digest) == image.layers.map { sha256($0.blob) })
        #expect(root.names(in: root.images + "/tmp").isEmpty)
    }

    @Test("a docker-archive's duplicate layer may be a symlink to another layer.tar")
    func dockerArchiveSymlinkedLayer() throws {
        let root = try TestRoot()
        let tar = TarBuilder()
        tar.file("shared.txt", "same")
        let layer = try TestLayer(tar, compression: .none)
        let image = TestImage(layers: [layer, layer])
        let archive = TarBuilder()
        archive.data(hex(image.configDigest) + ".json", image.configData)
        archive.data("a/layer.tar", layer.blob).symlink("b/layer.tar", to: "../a/layer.tar")
        let manifest = [
            [
                "Config": hex(image.configDigest) + ".json", "RepoTags": ["dup:1"],
                "Layers": ["a/layer.tar", "b/layer.tar"],
            ]
        ]
        archive.data("manifest.json", Fixtures.json(manifest))
        let path = try root.scratch("in") + "/dup.tar"
        try archive.build(.gzip).write(to: URL(fileURLWithPath: path))

        let record = try root.store.importImage(from: path, name: nil)
        #expect(record.diffIDs == [layer.diffID, layer.diffID])
        #expect(record.layerPaths[0] == record.layerPaths[1])
    }

    @Test("a docker-archive with RepoTags null requires --name")
    func dockerArchiveWithoutTags() throws {
        let root = try TestRoot()
        let archive = try root.scratch("in") + "/image.tar"
        try Fixtures.writeDockerArchive(try Self.twoLayerImage(), to: archive, repoTags: nil)
        #expect(root.importError(from: archive) == .nameRequired(archive))
        #expect(root.leftovers.isEmpty)
        #expect(try root.store.importImage(from: archive, name: "named").names == ["docker.io/library/named:latest"])
    }

    @Test("imports a tarred OCI layout and a zstd layer")
    func tarredLayoutWithZstd() throws {
        let root = try TestRoot()
        let tar = TarBuilder()
        tar.file("zstd.txt", "compressed with zstd")
        let image = TestImage(layers: [try TestLayer(tar, compression: .zstd)])
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(image, to: layout, refName: "docker.io/library/zed:3")
        let archive = TarBuilder()
        for file in ["oci-layout", "index.json"]
            + root.names(in: layout + "/blobs/sha256").map({ "blobs/sha256/" + $0 })
        {
            archive.data(file, try Data(contentsOf: URL(fileURLWithPath: layout + "/" + file)))
        }
        let path = try root.scratch("in") + "/layout.tar"
        try archive.build().write(to: URL(fileURLWithPath: path))

        let record = try root.store.importImage(from: path, name: nil)
        #expect(record.names == ["docker.io/library/zed:3"])
        #expect(contents(record.layerPaths[0] + "/zstd.txt") == "compressed with zstd")
    }

    @Test("picks the linux/amd64 manifest through a nested index, skipping attestations")
    func nestedIndex() throws {
        let root = try TestRoot()
        let layout = try root.scratch("layout")
        var ours = try Self.twoLayerImage()
        ours.runtimeConfig["Labels"] = ["which": "host"]
        var other = ours
        other.architecture = "s390x"
        other.runtimeConfig["Labels"] = ["which": "other"]
        var host = try Fixtures.writeImageBlobs(ours, in: layout)
        host["platform"] = ["os": "linux", "architecture": ImageImporter.hostArchitecture]
        var foreign = try Fixtures.writeImageBlobs(other, in: layout)
        foreign["platform"] = ["os": "linux", "architecture": "s390x"]
        var attestation = foreign
        attestation["platform"] = ["os": "unknown", "architecture": "unknown"]
        attestation["annotations"] = ["vnd.docker.reference.type": "attestation-manifest"]
        let child: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [foreign, host, attestation],
        ]
        var childDescriptor = try Fixtures.writeBlob(Fixtures.json(child), in: layout)
        childDescriptor["mediaType"] = "application/vnd.oci.image.index.v1+json"
        childDescriptor["annotations"] = ["org.opencontainers.image.ref.name": "ghcr.io/x/multi:1"]
        try Fixtures.writeIndex([childDescriptor], in: layout)

        let record = try root.store.importImage(from: layout, name: nil)
        #expect(record.id == ours.configDigest)
        #expect(record.config.labels == ["which": "host"])
        #expect(record.names == ["ghcr.io/x/multi:1"])
    }

    @Test("refuses an image for another architecture")
    func foreignArchitecture() throws {
        let root = try TestRoot()
        var image = try Self.twoLayerImage()
        image.architecture = "s390x"
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(image, to: layout, refName: "x:1")
        guard case .invalidLayout(_, let reason)? = root.importError(from: layout) else {
            Issue.record("expected invalidLayout")
            return
        }
        #expect(reason.contains("linux/s390x"))
        #expect(root.leftovers.isEmpty)
    }

    @Test("re-importing merges names and reuses layers; importing a taken name moves it")
    func reimportAndMove() throws {
        let root = try TestRoot()
        let image = try Self.twoLayerImage()
        let layout = try root.scratch("layout")
        try Fixtures.writeOCILayout(image, to: layout, refName: "app:1")
        let first = try root.store.importImage(from: layout, name: nil)
        var before = stat()
        stat(first.layerPaths[0] + "/etc/os-release", &before)

        let second = try root.store.importImage(from: layout, name: "app:latest")
        #expect(second.id == first.id)
        #expect(second.names == ["docker.io/library/app:1", "docker.io/library/app:latest"])
        var after = stat()
        stat(first.layerPaths[0] + "/etc/os-release", &after)
        #expect(before.st_ino == after.st_ino)  // not unpacked again
        #expect(try root.store.list().count == 1)

        var changed = image
        changed.runtimeConfig["Cmd"] = ["/bin/other"]
        let otherLayout = try root.scratch("other")
        try Fixtures.writeOCILayout(changed, to: otherLayout, refName: "app:1")
        let moved = try root.store.importImage(from: otherLayout, name: nil)
        #expect(moved.names == ["docker.io/library/app:1"])
        let records = try root.store.list()
        #expect(records.map(\.names) == [["docker.io/library/app:latest"], ["docker.io/library/app:1"]])
        #expect(try root.store.resolve("app:1").id == changed.configDigest)
    }

    @Test("two store instances importing at once both succeed (flock)")
    func concurrentImports() throws {
        let root = try TestRoot()
        var paths: [String] = []
        for index in 0..<4 {
            let tar = TarBuilder()
            tar.file("file\(index)", String(repeating: "x", count: 100_000 * index))
            let layout = try root.scratch("layout\(index)")
            try Fixtures.writeOCILayout(TestImage(layers: [try TestLayer(tar)]), to: layout, refName: "img\(index):1")
            paths.append(layout)
        }
        let storeRoot = root.store.root
        let failures = Failures()
        let sources = paths
        DispatchQueue.concurrentPerform(iterations: sources.count) { index in
            do {
                _ = try ImageStore(root: storeRoot).importImage(from: sources[index], name: nil)
            } catch {
                failures.add("\(error)")
            }
        }
        #expect(failures.all.isEmpty)
        #expect(
            try root.store.list().map(\.names).flatMap { $0 }.sorted() == (0..<4).map { "docker.io/library/img\($0):1" }
        )
    }
}

final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [String] = []
    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
