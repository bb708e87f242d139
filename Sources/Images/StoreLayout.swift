/// Where each part of the store lives under the realpath'ed root. See ImageStore.swift for the layout.
struct StoreLayout: Sendable {
    /// berth's --root, resolved with realpath.
    let root: String

    var images: String { root + "/images" }
    var blobs: String { images + "/blobs/sha256" }
    var layers: String { images + "/layers/sha256" }
    var temporary: String { images + "/tmp" }
    var emptyLowerDir: String { images + "/empty" }
    var stateFile: String { images + "/images.json" }
    var lockFile: String { images + "/lock" }
    /// Taken by a container's lease and, inside the store lock, by rm/prune/cleanup: a lease never waits
    /// for an import, which holds the store lock for as long as it unpacks.
    var leaseLockFile: String { images + "/lease.lock" }
    var containerLayers: String { root + "/overlay" }
    /// Pulls stage here, each in a directory of its own that a flock marks as alive (see PullStaging).
    var staging: String { images + "/staging" }
    /// One file per image (its id's hex), touched whenever a container starts from it: the image's last use.
    var usage: String { images + "/usage" }

    func blobPath(_ digest: Digest) -> String { blobs + "/" + digest.hex }

    /// The directory renamed into place once a layer is complete: it holds `diff/` and `layer.json`.
    func layerDirectory(_ diffID: Digest) -> String { layers + "/" + diffID.hex }

    /// The unpacked layer content: the overlayfs lowerdir.
    func layerContent(_ diffID: Digest) -> String { layerDirectory(diffID) + "/diff" }

    func layerMetadata(_ diffID: Digest) -> String { layerDirectory(diffID) + "/layer.json" }

    func containerLayer(_ id: String) -> String { containerLayers + "/" + id }
}
