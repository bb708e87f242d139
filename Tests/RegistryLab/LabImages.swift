import Crypto
import Foundation

/// OCI layouts for registry tests, built from the fixtures `make fixtures` writes (rootfs-fixtures/build.sh),
/// found where the integration tests find them: `BERTH_FIXTURES`, else `.build/fixtures` in the package.
public enum LabImages {
    public static var fixtures: String {
        if let directory = ProcessInfo.processInfo.environment["BERTH_FIXTURES"] { return directory }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/fixtures").path
    }

    /// The busybox fixture: one linux image for the host's architecture, one gzip layer, ref `latest`.
    public static var busybox: String { "\(fixtures)/busybox" }

    public static var haveFixtures: Bool { FileManager.default.fileExists(atPath: "\(busybox)/index.json") }

    public struct MultiArch: Sendable {
        /// `DIR:latest`, for `push(layout:…, all: true)`.
        public var layout: String
        public var indexDigest: String
        /// The busybox fixture's own manifest (the host's platform).
        public var hostManifest: String
        /// The same layers with a config saying arm64 (v8).
        public var arm64Manifest: String
        /// A buildx-style attestation manifest (platform unknown/unknown) with one in-toto layer.
        public var attestationManifest: String
    }

    /// An OCI index in `directory`: the busybox manifest, an arm64 image and an attestation manifest
    /// referring to the host image, as buildx writes them. The layout's index.json names the index
    /// `latest`, so skopeo copies it whole with `--all`.
    public static func multiArch(in directory: String) throws -> MultiArch {
        let source = try FixtureImage(layout: busybox)
        var layout = try LayoutWriter(directory: directory, copyingFrom: source)

        var arm64Config = source.config
        arm64Config["architecture"] = "arm64"
        arm64Config["variant"] = "v8"
        let arm64ConfigDescriptor = try layout.add(json: arm64Config, mediaType: MediaType.config)
        var arm64Manifest = source.manifest
        arm64Manifest["config"] = arm64ConfigDescriptor
        let arm64 = try layout.add(json: arm64Manifest, mediaType: MediaType.manifest)

        let statement: [String: Any] = [
            "_type": "https://in-toto.io/Statement/v0.1", "predicateType": "https://slsa.dev/provenance/v0.2",
            "subject": [["name": "pkg:docker/r/multi@latest", "digest": ["sha256": source.manifestHex]]],
            "predicate": ["builder": ["id": "berth registry lab"]],
        ]
        var inToto = try layout.add(json: statement, mediaType: "application/vnd.in-toto+json")
        inToto["annotations"] = ["in-toto.io/predicate-type": "https://slsa.dev/provenance/v0.2"]
        let attestationConfig: [String: Any] = [
            "architecture": "unknown", "os": "unknown", "config": [String: Any](),
            "rootfs": ["type": "layers", "diff_ids": [inToto["digest"]!]],
        ]
        let attestationConfigDescriptor = try layout.add(json: attestationConfig, mediaType: MediaType.config)
        let attestationManifest: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaType.manifest, "config": attestationConfigDescriptor,
            "layers": [inToto],
        ]
        var attestation = try layout.add(json: attestationManifest, mediaType: MediaType.manifest)
        attestation["platform"] = ["architecture": "unknown", "os": "unknown"]
        attestation["annotations"] = [
            "vnd.docker.reference.digest": source.manifestDigest,
            "vnd.docker.reference.type": "attestation-manifest",
        ]

        var host = source.manifestDescriptor
        host["annotations"] = nil
        var arm64Entry = arm64
        arm64Entry["platform"] = ["architecture": "arm64", "os": "linux", "variant": "v8"]
        let index: [String: Any] = [
            "schemaVersion": 2, "mediaType": MediaType.index, "manifests": [host, arm64Entry, attestation],
        ]
        let indexDescriptor = try layout.add(json: index, mediaType: MediaType.index)
        try layout.finish(top: indexDescriptor)
        return MultiArch(
            layout: "\(directory):latest", indexDigest: indexDescriptor["digest"] as! String,
            hostManifest: source.manifestDigest, arm64Manifest: arm64["digest"] as! String,
            attestationManifest: attestation["digest"] as! String)
    }

    public struct Uncompressed: Sendable {
        /// `DIR:latest`.
        public var layout: String
        public var manifestDigest: String
        /// The tar layer's digest (equal to its diff ID).
        public var layerDigest: String
    }

    /// The busybox image with its layer stored as plain tar (`application/vnd.oci.image.layer.v1.tar`).
    public static func uncompressed(in directory: String) throws -> Uncompressed {
        let source = try FixtureImage(layout: busybox)
        var layout = try LayoutWriter(directory: directory, copyingFrom: nil)
        _ = try layout.add(data: source.configData, mediaType: MediaType.config)
        var layers: [[String: Any]] = []
        for layer in source.manifest["layers"] as? [[String: Any]] ?? [] {
            let digest = layer["digest"] as? String ?? ""
            let tar = try LabCommand.check(RegistryLab.gzipProgram, ["-dc", source.blobPath(digest)])
            layers.append(try layout.add(data: tar, mediaType: "application/vnd.oci.image.layer.v1.tar"))
        }
        var manifest = source.manifest
        manifest["layers"] = layers
        var descriptor = try layout.add(json: manifest, mediaType: MediaType.manifest)
        descriptor["platform"] = source.manifestDescriptor["platform"]
        try layout.finish(top: descriptor)
        return Uncompressed(
            layout: "\(directory):latest", manifestDigest: descriptor["digest"] as! String,
            layerDigest: layers.first?["digest"] as? String ?? "")
    }

    /// `sha256:<hex>` of `data`.
    public static func digest(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

private enum MediaType {
    static let index = "application/vnd.oci.image.index.v1+json"
    static let manifest = "application/vnd.oci.image.manifest.v1+json"
    static let config = "application/vnd.oci.image.config.v1+json"
}

/// The first image of an OCI layout, read as JSON objects to edit.
private struct FixtureImage {
    let layout: String
    let manifestDescriptor: [String: Any]
    let manifest: [String: Any]
    let configData: Data
    let config: [String: Any]

    init(layout: String) throws {
        self.layout = layout
        let index = try Self.object(at: "\(layout)/index.json")
        guard let descriptor = (index["manifests"] as? [[String: Any]])?.first,
            let digest = descriptor["digest"] as? String
        else { throw RegistryLabError(step: "\(layout)/index.json", detail: "no manifest") }
        manifestDescriptor = descriptor
        let manifestPath = "\(layout)/blobs/sha256/\(digest.dropFirst(7))"
        manifest = try Self.object(at: manifestPath)
        guard let configDigest = (manifest["config"] as? [String: Any])?["digest"] as? String,
            let configData = FileManager.default.contents(atPath: "\(layout)/blobs/sha256/\(configDigest.dropFirst(7))")
        else { throw RegistryLabError(step: manifestPath, detail: "no config blob") }
        self.configData = configData
        config = try Self.object(from: configData, path: configDigest)
    }

    var manifestDigest: String { manifestDescriptor["digest"] as? String ?? "" }
    var manifestHex: String { String(manifestDigest.dropFirst(7)) }
    func blobPath(_ digest: String) -> String { "\(layout)/blobs/sha256/\(digest.dropFirst(7))" }

    static func object(at path: String) throws -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryLabError(step: path, detail: "missing (run `make fixtures`)")
        }
        return try object(from: data, path: path)
    }

    static func object(from data: Data, path: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RegistryLabError(step: path, detail: "not a JSON object")
        }
        return object
    }
}

/// Writes an OCI image layout: blobs by digest, then index.json naming one top descriptor `latest`.
private struct LayoutWriter {
    let directory: String

    init(directory: String, copyingFrom source: FixtureImage?) throws {
        self.directory = directory
        let blobs = "\(directory)/blobs/sha256"
        try FileManager.default.createDirectory(atPath: blobs, withIntermediateDirectories: true)
        if let source {
            for name in try FileManager.default.contentsOfDirectory(atPath: "\(source.layout)/blobs/sha256")
            where !FileManager.default.fileExists(atPath: "\(blobs)/\(name)") {
                try FileManager.default.copyItem(
                    atPath: "\(source.layout)/blobs/sha256/\(name)", toPath: "\(blobs)/\(name)")
            }
        }
    }

    /// Stores `data` as a blob; returns its descriptor.
    mutating func add(data: Data, mediaType: String) throws -> [String: Any] {
        let digest = LabImages.digest(data)
        try data.write(to: URL(fileURLWithPath: "\(directory)/blobs/sha256/\(digest.dropFirst(7))"))
        return ["mediaType": mediaType, "digest": digest, "size": data.count]
    }

    mutating func add(json: [String: Any], mediaType: String) throws -> [String: Any] {
        try add(data: try Self.encode(json), mediaType: mediaType)
    }

    func finish(top descriptor: [String: Any]) throws {
        var entry = descriptor
        var annotations = entry["annotations"] as? [String: String] ?? [:]
        annotations["org.opencontainers.image.ref.name"] = "latest"
        entry["annotations"] = annotations
        let index: [String: Any] = ["schemaVersion": 2, "mediaType": MediaType.index, "manifests": [entry]]
        try Self.encode(index).write(to: URL(fileURLWithPath: "\(directory)/index.json"))
        try Data(#"{"imageLayoutVersion":"1.0.0"}"#.utf8).write(to: URL(fileURLWithPath: "\(directory)/oci-layout"))
    }

    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
