import Crypto
import Foundation
import Glibc

@testable import Images

func sha256(_ data: Data) -> String {
    "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

func hex(_ digest: String) -> String { String(digest.dropFirst("sha256:".count)) }

/// A layer as a test ships it: blob bytes (maybe compressed) and the diff_id of the plain tar.
struct TestLayer {
    var blob: Data
    var diffID: String
    var mediaType: String
    /// The uncompressed tar size, which the store reports as the layer's size.
    var tarSize: Int

    init(_ tar: TarBuilder, compression: TarBuilder.Compression = .gzip) throws {
        let plain = try tar.build()
        diffID = sha256(plain)
        tarSize = plain.count
        switch compression {
        case .none:
            blob = plain
            mediaType = "application/vnd.oci.image.layer.v1.tar"
        case .gzip:
            blob = try tar.build(.gzip)
            mediaType = "application/vnd.oci.image.layer.v1.tar+gzip"
        case .zstd:
            blob = try tar.build(.zstd)
            mediaType = "application/vnd.oci.image.layer.v1.tar+zstd"
        }
    }

    init(blob: Data, diffID: String, mediaType: String, tarSize: Int) {
        self.blob = blob
        self.diffID = diffID
        self.mediaType = mediaType
        self.tarSize = tarSize
    }
}

/// An image a test writes out as an OCI layout or a docker-archive.
struct TestImage {
    var layers: [TestLayer]
    var runtimeConfig: [String: Any] = ["Env": ["PATH=/usr/bin:/bin"], "Cmd": ["/bin/sh"]]
    var created = "2024-01-02T03:04:05.123456789Z"
    var architecture = ImageImporter.hostArchitecture
    /// Replaces the diff_ids computed from the layers, to test mismatches.
    var diffIDs: [String]?

    var configData: Data {
        let config: [String: Any] = [
            "architecture": architecture,
            "os": "linux",
            "created": created,
            "config": runtimeConfig,
            "rootfs": ["type": "layers", "diff_ids": diffIDs ?? layers.map(\.diffID)],
        ]
        return try! JSONSerialization.data(withJSONObject: config, options: [.sortedKeys])
    }

    var configDigest: String { sha256(configData) }
}

enum Fixtures {
    static func json(_ object: Any) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func writeBlob(_ data: Data, in layout: String) throws -> [String: Any] {
        let digest = sha256(data)
        try FileManager.default.createDirectory(atPath: layout + "/blobs/sha256", withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: layout + "/blobs/sha256/" + hex(digest)))
        return ["digest": digest, "size": data.count]
    }

    static func manifestData(_ image: TestImage) -> Data {
        var config: [String: Any] = ["mediaType": "application/vnd.oci.image.config.v1+json"]
        config["digest"] = sha256(image.configData)
        config["size"] = image.configData.count
        let layers: [[String: Any]] = image.layers.map {
            ["mediaType": $0.mediaType, "digest": sha256($0.blob), "size": $0.blob.count]
        }
        return json([
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": config,
            "layers": layers,
        ])
    }

    /// Writes the image's blobs and manifest into `layout`; returns the manifest descriptor.
    static func writeImageBlobs(_ image: TestImage, in layout: String) throws -> [String: Any] {
        _ = try writeBlob(image.configData, in: layout)
        for layer in image.layers { _ = try writeBlob(layer.blob, in: layout) }
        var descriptor = try writeBlob(manifestData(image), in: layout)
        descriptor["mediaType"] = "application/vnd.oci.image.manifest.v1+json"
        return descriptor
    }

    /// Writes an OCI image layout; returns the manifest digest.
    @discardableResult
    static func writeOCILayout(_ image: TestImage, to layout: String, refName: String?) throws -> String {
        var descriptor = try writeImageBlobs(image, in: layout)
        if let refName { descriptor["annotations"] = ["org.opencontainers.image.ref.name": refName] }
        try writeIndex([descriptor], in: layout)
        return descriptor["digest"] as! String
    }

    static func writeIndex(_ manifests: [[String: Any]], in layout: String) throws {
        try json(["imageLayoutVersion": "1.0.0"]).write(to: URL(fileURLWithPath: layout + "/oci-layout"))
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests,
        ]
        try json(index).write(to: URL(fileURLWithPath: layout + "/index.json"))
    }

    enum ArchiveStyle {
        /// docker save before 25: "<config hex>.json" and "<layer id>/layer.tar".
        case legacy
        /// docker save ≥ 25: everything under blobs/sha256/.
        case blobs
    }

    /// Writes a docker-archive tar (`docker save` output).
    static func writeDockerArchive(
        _ image: TestImage, to path: String, repoTags: [String]?, style: ArchiveStyle = .legacy
    ) throws {
        let tar = TarBuilder()
        let configPath: String
        var layerPaths: [String] = []
        switch style {
        case .legacy:
            configPath = hex(image.configDigest) + ".json"
            tar.data(configPath, image.configData)
            for (index, layer) in image.layers.enumerated() {
                let directory = String(repeating: String(index), count: 64)
                tar.directory(directory)
                tar.data(directory + "/layer.tar", layer.blob)
                layerPaths.append(directory + "/layer.tar")
            }
        case .blobs:
            configPath = "blobs/sha256/" + hex(image.configDigest)
            tar.data(configPath, image.configData)
            for layer in image.layers {
                let layerPath = "blobs/sha256/" + hex(sha256(layer.blob))
                tar.data(layerPath, layer.blob)
                layerPaths.append(layerPath)
            }
        }
        var entry: [String: Any] = ["Config": configPath, "Layers": layerPaths]
        if let repoTags { entry["RepoTags"] = repoTags }
        tar.data("manifest.json", json([entry]))
        try tar.build().write(to: URL(fileURLWithPath: path))
    }
}
