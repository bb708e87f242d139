import Foundation

/// A pull as a user watches it: one line per layer moving through Docker's states, then the outcome.
/// Codable: berthd hands it to `berth images pull` over the socket while the pull runs.
public struct ImagePullReport: Sendable, Codable, Equatable {
    public enum LayerState: String, Sendable, Codable {
        case waiting = "Waiting"
        case downloading = "Downloading"
        case verifying = "Verifying Checksum"
        case downloaded = "Download complete"
        case extracting = "Extracting"
        case complete = "Pull complete"
        case alreadyExists = "Already exists"
    }

    public struct Layer: Sendable, Codable, Equatable {
        /// The first 12 hex digits of the layer blob's digest, as Docker prints it.
        public var id: String
        public var state: LayerState
        public var currentBytes: Int64
        public var totalBytes: Int64
    }

    public enum Outcome: String, Sendable, Codable {
        case running, downloaded, upToDate, failed
    }

    /// The reference as Docker prints it ("nginx:latest").
    public var image: String
    /// "latest: Pulling from library/nginx".
    public var header: String?
    public var layers: [Layer] = []
    public var outcome: Outcome = .running
    /// The digest the reference resolved to ("sha256:…"), once known.
    public var digest: String?
    /// The image id ("sha256:…"), once stored.
    public var imageID: String?
    /// Why it failed, in containerd's words (what CannotPullContainerError carries).
    public var error: String?

    public init(image: String) { self.image = image }

    /// Docker's closing line.
    public var status: String? {
        switch outcome {
        case .downloaded: return "Status: Downloaded newer image for \(image)"
        case .upToDate: return "Status: Image is up to date for \(image)"
        case .running, .failed: return nil
        }
    }

    mutating func update(layer id: String, _ change: (inout Layer) -> Void) {
        guard let index = layers.firstIndex(where: { $0.id == id }) else { return }
        change(&layers[index])
    }
}

/// A report that a pull updates and any number of watchers read; one per pull in flight.
public final class ImagePullBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var report: ImagePullReport
    /// Called (outside the lock) after every change, e.g. to print progress lines as they happen.
    private let onChange: (@Sendable (ImagePullReport) -> Void)?

    public init(image: String, onChange: (@Sendable (ImagePullReport) -> Void)? = nil) {
        report = ImagePullReport(image: image)
        self.onChange = onChange
    }

    public var snapshot: ImagePullReport { lock.withLock { report } }

    func change(_ body: (inout ImagePullReport) -> Void) {
        let current = lock.withLock { () -> ImagePullReport in
            body(&report)
            return report
        }
        onChange?(current)
    }
}
