import Glibc

/// Every way the image store fails. `description` is one sentence naming the exact problem.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No image matches the reference (a name, a digest reference, an id or an id prefix).
    case notFound(String)
    /// The text is not a valid image reference; the second value says why.
    case invalidReference(String, String)
    /// The id prefix matches more than one image.
    case ambiguous(String)
    /// The import source (path) is not a usable OCI layout or docker-archive; the second value says why.
    case invalidLayout(String, String)
    /// Content (first value, e.g. "blob sha256:…") hashes to `actual` where `expected` was promised.
    case digestMismatch(String, String, String)
    /// Content (first value) has `actual` bytes where its descriptor promised `expected`.
    case sizeMismatch(String, Int64, Int64)
    /// A layer (digest) holds an entry (path) that unpacking refuses; the third value says why.
    case unsafeLayerEntry(String, String, String)
    /// A layer (digest) cannot be decompressed or read as a tar; the second value says why.
    case corruptLayer(String, String)
    /// The image at path carries no usable name, so the caller must give one.
    case nameRequired(String)
    /// A path the store would hand to overlayfs or create is unusable; the second value says why.
    case unsupportedPath(String, String)
    /// The store's own files (path) are damaged; the second value says how.
    case corruptStore(String, String)
    /// A system call failed: operation, path, errno.
    case systemCall(String, String, Int32)
    /// The image (reference, id) cannot be deleted: a container (id) still runs from it.
    case inUse(String, String, String)

    public var description: String {
        switch self {
        case .notFound(let reference):
            return "no such image: \(reference)"
        case .invalidReference(let text, let reason):
            return "invalid reference \"\(text)\": \(reason)"
        case .ambiguous(let prefix):
            return "image id prefix \(prefix) is ambiguous: it matches more than one image"
        case .invalidLayout(let path, let reason):
            return "cannot import \(path): \(reason)"
        case .digestMismatch(let what, let expected, let actual):
            return "\(what) is corrupt: digest is \(actual), expected \(expected)"
        case .sizeMismatch(let what, let expected, let actual):
            return "\(what) is corrupt: size is \(actual) bytes, expected \(expected)"
        case .unsafeLayerEntry(let layer, let entry, let reason):
            return "layer \(layer) entry \"\(entry)\": \(reason)"
        case .corruptLayer(let digest, let reason):
            return "layer \(digest) is corrupt: \(reason)"
        case .nameRequired(let path):
            return "\(path) does not name its image (no usable tag); pass --name"
        case .unsupportedPath(let path, let reason):
            return "unusable path \(path): \(reason)"
        case .corruptStore(let path, let reason):
            return "image store file \(path) is damaged: \(reason)"
        case .inUse(let reference, let id, let container):
            // Docker's wording for `docker rmi` of an image a container uses.
            return "conflict: unable to remove repository reference \"\(reference)\" - container \(container) is"
                + " using its referenced image \(Digest(id)?.shortID ?? id)"
        case .systemCall(let operation, let path, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}

extension ImageError {
    /// The failure of the system call that just returned -1, with errno captured now.
    static func lastSystemCall(_ operation: String, _ path: String) -> ImageError {
        .systemCall(operation, path, errno)
    }
}
