import Foundation

/// The files of an image being imported, addressed by slash-separated paths relative to the source's root:
/// an OCI layout or unpacked docker-archive directory, or a staged tar of either.
protocol ImageSource {
    /// The import path as the user gave it, for error messages.
    var location: String { get }

    func contains(_ relativePath: String) -> Bool

    /// Reads a small JSON file (index.json, manifest.json, oci-layout).
    func readDocument(_ relativePath: String) throws -> Data

    /// Puts the file into the blob store, verified against `expected` digest and `expectedSize` when given.
    /// `what` names the content in errors, e.g. "blob sha256:…".
    func ingest(
        _ relativePath: String, into blobs: BlobStore, what: String, expected: Digest?, expectedSize: Int64?
    ) throws -> StoredBlob
}

extension ImageSource {
    static var documentLimit: Int { 16 << 20 }
}

/// Relative paths inside an import source, normalized lexically. Nil for paths that would leave the source:
/// a crafted manifest.json must not read "../../etc/shadow" into the store.
enum SourcePath {
    static func normalize(_ path: String) -> String? {
        guard !path.hasPrefix("/") else { return nil }
        var components: [Substring] = []
        for component in path.split(separator: "/") where component != "." {
            if component == ".." {
                guard components.popLast() != nil else { return nil }
            } else {
                components.append(component)
            }
        }
        return components.joined(separator: "/")
    }

    /// A digest spelled by a path such as "blobs/sha256/<hex>" or a legacy "<hex>.json" config name,
    /// which the file's content must then match.
    static func impliedDigest(_ path: String) -> Digest? {
        let components = path.split(separator: "/")
        guard var name = components.last.map(String.init) else { return nil }
        if name.hasSuffix(".json") { name = String(name.dropLast(5)) }
        guard let digest = Digest(Digest.algorithmPrefix + name) else { return nil }
        if components.count >= 2, components[components.count - 2] != "sha256", !path.hasSuffix(".json") {
            return nil
        }
        return digest
    }
}
