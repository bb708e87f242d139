import Glibc

/// A pull's private directory under images/staging: its blobs download and its layers unpack here,
/// outside the store's lock, so a long download blocks no other operation; `ImageStore.commitPull` then
/// moves what it needs into the store under the lock.
///
/// The directory's `owner` file stays flock(2)ed for the pull's lifetime. Locked operations clean tmp/,
/// never staging: a staging directory is removed by its owner, or by a later `beginPull` once nobody holds
/// its lock (the owner crashed), so a crash leaves nothing that outlives the next pull.
public final class PullStaging: @unchecked Sendable {
    public let path: String
    private var ownerLock: Int32

    init(layout: StoreLayout) throws {
        try Filesystem.makeDirectories(layout.staging, mode: 0o700)
        Self.sweep(layout)
        // Made and locked under a dot-name the sweep never looks at, then renamed into view: a sweep can
        // never find this directory with its owner file present but not yet locked.
        let name = Filesystem.uniqueName("pull")
        let hidden = layout.staging + "/." + name
        path = layout.staging + "/" + name
        try Filesystem.makeDirectories(hidden, mode: 0o700)
        let lockPath = hidden + "/owner"
        ownerLock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard ownerLock >= 0 else {
            let error = ImageError.lastSystemCall("open", lockPath)
            try? TreeRemoval.remove(hidden)
            throw error
        }
        do {
            while flock(ownerLock, LOCK_EX) != 0 {
                guard errno == EINTR else { throw ImageError.lastSystemCall("flock", lockPath) }
            }
            try Filesystem.rename(hidden, to: path)
        } catch {
            close(ownerLock)
            try? TreeRemoval.remove(hidden)
            throw error
        }
    }

    deinit { finish() }

    /// Where a blob downloads to: it keeps a partial download across retries within this pull.
    public func blobPath(_ digest: Digest) -> String { path + "/blob-" + digest.hex }

    /// Where a layer unpacks to before `commitPull` renames it into the store.
    func layerDirectory(_ diffID: Digest) -> String { path + "/layer-" + diffID.hex }

    /// Removes the directory and releases its lock. Safe to call twice.
    public func finish() {
        guard ownerLock >= 0 else { return }
        // Best effort: what cannot be removed now is swept by the next pull once the lock is released.
        try? TreeRemoval.remove(path)
        close(ownerLock)
        ownerLock = -1
    }

    /// Removes staging directories whose owner is gone. One without an owner file may be a pull that is
    /// just starting; it is left until it is a minute old.
    static func sweep(_ layout: StoreLayout) {
        guard let names = try? Filesystem.directoryNames(layout.staging) else { return }
        // A dot-name is a pull being set up (or one that crashed doing so: removed once a minute old).
        for name in names {
            let directory = layout.staging + "/" + name
            if name.hasPrefix(".") {
                var info = stat()
                if stat(directory, &info) == 0, time(nil) - info.st_mtim.tv_sec > 60 {
                    try? TreeRemoval.remove(directory)
                }
                continue
            }
            let fd = open(directory + "/owner", O_RDWR | O_CLOEXEC)
            if fd < 0 {
                let missing = errno == ENOENT
                var info = stat()
                let age = stat(directory, &info) == 0 ? time(nil) - info.st_mtim.tv_sec : 0
                if missing, age > 60 { try? TreeRemoval.remove(directory) }
                continue
            }
            defer { close(fd) }
            // Held by a live pull: leave it. (Our own open descriptor is closed right after.)
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            try? TreeRemoval.remove(directory)
        }
    }
}
