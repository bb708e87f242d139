import Foundation

/// The JSON documents of OCI and Docker images, decoded only as far as the store needs them.

/// An OCI content descriptor.
public struct Descriptor: Codable, Sendable {
    public var mediaType: String?
    public var digest: String
    public var size: Int64
    public var annotations: [String: String]?
    public var platform: Platform?
    /// Where else the blob may be fetched from: Docker's foreign (Windows base) layers name their home here.
    public var urls: [String]?

    public static let refNameAnnotation = "org.opencontainers.image.ref.name"
    /// containerd and Docker ≥ 25 record the full image name here; ref.name may hold only a tag.
    public static let containerdNameAnnotation = "io.containerd.image.name"
    /// buildx attaches attestation manifests to indexes; they are not runnable images.
    public static let referenceTypeAnnotation = "vnd.docker.reference.type"
}

public struct Platform: Codable, Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var variant: String?
}

/// index.json, an OCI image index, or a Docker manifest list.
public struct ImageIndex: Codable, Sendable {
    public var schemaVersion: Int?
    public var mediaType: String?
    public var manifests: [Descriptor]
}

/// An OCI image manifest or a Docker v2 schema 2 manifest.
public struct ImageManifest: Codable, Sendable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var config: Descriptor
    public var layers: [Descriptor]
}

/// The "oci-layout" marker file.
struct LayoutMarker: Decodable {
    var imageLayoutVersion: String
}

/// One entry of a docker-archive's manifest.json (`docker save`).
struct DockerArchiveEntry: Decodable {
    var config: String
    var repoTags: [String]?
    var layers: [String]

    enum CodingKeys: String, CodingKey {
        case config = "Config"
        case repoTags = "RepoTags"
        case layers = "Layers"
    }
}

/// An image config blob (OCI image config / Docker container image JSON).
struct ImageConfigDocument: Decodable {
    var created: String?
    var architecture: String?
    var os: String?
    var config: RuntimeConfig?
    var rootfs: RootFS

    struct RootFS: Decodable {
        var type: String
        var diffIDs: [String]

        enum CodingKeys: String, CodingKey {
            case type
            case diffIDs = "diff_ids"
        }
    }

    struct RuntimeConfig: Decodable {
        var env: [String]?
        var entrypoint: [String]?
        var cmd: [String]?
        var workingDir: String?
        var user: String?
        var stopSignal: String?
        var exposedPorts: [String: IgnoredValue]?
        var labels: [String: String?]?

        enum CodingKeys: String, CodingKey {
            case env = "Env"
            case entrypoint = "Entrypoint"
            case cmd = "Cmd"
            case workingDir = "WorkingDir"
            case user = "User"
            case stopSignal = "StopSignal"
            case exposedPorts = "ExposedPorts"
            case labels = "Labels"
        }
    }

    /// Accepts any JSON value: ExposedPorts maps ports to empty objects whose content does not matter.
    struct IgnoredValue: Decodable {
        init(from decoder: Decoder) throws {}
    }

    /// The berth view of the runtime config: empty strings become nil, ports gain "/tcp" and are sorted.
    var imageConfig: ImageConfig {
        let runtime = config
        func nonEmpty(_ text: String?) -> String? { text?.isEmpty == false ? text : nil }
        let ports = (runtime?.exposedPorts?.keys.map { $0.contains("/") ? $0 : $0 + "/tcp" } ?? []).sorted()
        return ImageConfig(
            env: runtime?.env ?? [],
            entrypoint: runtime?.entrypoint,
            cmd: runtime?.cmd,
            workingDir: nonEmpty(runtime?.workingDir),
            user: nonEmpty(runtime?.user),
            stopSignal: nonEmpty(runtime?.stopSignal),
            exposedPorts: ports,
            labels: (runtime?.labels ?? [:]).compactMapValues { $0 }
        )
    }
}
