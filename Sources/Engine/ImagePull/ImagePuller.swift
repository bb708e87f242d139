import Foundation
import Images
import Logging
import Registry

/// Pulls images from registries into the one image store: resolves the reference, downloads the layers
/// the store lacks (three at a time, as Docker does), unpacks each in the pull's own staging outside the
/// store's lock, and commits them with the image record in one locked step.
///
/// Two pulls of the same reference at once share one download: the second joins the first and watches the
/// same report. (Two different images that share a layer may still each download it when pulled at the
/// same moment; once one has committed it, later pulls skip it.)
public actor ImagePuller {
    public struct Outcome: Sendable {
        public var record: ImageRecord
        public var report: ImagePullReport
    }

    /// Layers downloading at once: Docker's max-concurrent-downloads default.
    public static let layerConcurrency = 3

    private let store: ImageStore
    private let client: RegistryClient
    private let logger: Logger
    private var inFlight: [String: (board: ImagePullBoard, task: Task<Outcome, Error>)] = [:]

    public init(store: ImageStore, client: RegistryClient, logger: Logger) {
        self.store = store
        self.client = client
        self.logger = logger
    }

    /// Starts a pull, or joins the one already running for this reference; returns its board at once.
    public func start(_ reference: ImageReference, onChange: (@Sendable (ImagePullReport) -> Void)? = nil)
        -> (board: ImagePullBoard, task: Task<Outcome, Error>)
    {
        if let running = inFlight[reference.normalized] { return running }
        let board = ImagePullBoard(image: reference.familiar, onChange: onChange)
        let task = Task { [store, client, logger] in
            do {
                let outcome = try await Self.run(reference, store: store, client: client, board: board, logger: logger)
                // Off the list before anyone can see the outcome: a pull started after this one ended is new.
                await self.finished(reference.normalized)
                return outcome
            } catch {
                board.change {
                    $0.outcome = .failed
                    $0.error = Self.describe(error)
                }
                await self.finished(reference.normalized)
                throw error
            }
        }
        inFlight[reference.normalized] = (board, task)
        return (board, task)
    }

    /// Pulls and waits; throws `ImagePullFailure`.
    public func pull(_ reference: ImageReference, onChange: (@Sendable (ImagePullReport) -> Void)? = nil) async throws
        -> Outcome
    {
        let (_, task) = start(reference, onChange: onChange)
        do {
            return try await task.value
        } catch let failure as ImagePullFailure {
            throw failure
        } catch {
            throw ImagePullFailure(reference: reference, message: Self.describe(error), underlying: error)
        }
    }

    /// The board of a pull still running for this reference.
    public func board(for reference: ImageReference) -> ImagePullBoard? { inFlight[reference.normalized]?.board }

    private func finished(_ key: String) { inFlight[key] = nil }

    static func describe(_ error: Error) -> String {
        if let failure = error as? ImagePullFailure { return failure.message }
        return String(describing: error)
    }

    // MARK: The pull

    private static func run(
        _ reference: ImageReference, store: ImageStore, client: RegistryClient, board: ImagePullBoard,
        logger: Logger
    ) async throws -> Outcome {
        let began = Date()
        let remote = try await client.resolve(reference)
        let config = try ImageStore.readPulledConfig(
            remote.configBytes, manifest: remote.manifest, source: reference.normalized)
        let previous = try? await runBlocking { try store.resolve(reference.normalized) }
        let upToDate = previous?.id == config.id.description

        board.change { report in
            // Docker names the repository by its path on the registry: "latest: Pulling from library/nginx".
            report.header = "\(reference.tag ?? reference.digest ?? ""): Pulling from \(reference.path)"
            report.digest = remote.digest.description
            report.layers = remote.manifest.layers.enumerated().map { position, layer in
                let present = store.hasLayer(config.diffIDs[position])
                return ImagePullReport.Layer(
                    id: String(layer.digest.dropFirst(Digest.algorithmPrefix.count).prefix(12)),
                    state: present ? .alreadyExists : .waiting, currentBytes: 0, totalBytes: layer.size)
            }
        }

        let staging = try await runBlocking { try store.beginPull() }
        defer { Thread.detachNewThread { staging.finish() } }
        let pulled = PulledImage(
            name: reference.digest == nil ? reference : nil,
            repoDigest: reference.repository + "@" + remote.digest.description,
            manifestBytes: remote.manifestBytes, configBytes: remote.configBytes)

        var wanted = Set(config.diffIDs.filter { !store.hasLayer($0) })
        // A concurrent rm or prune may take a layer between the check and the commit: fetch it and commit again.
        for _ in 0..<3 {
            try await fetchLayers(
                wanted, of: remote, config: config, store: store, client: client, staging: staging, board: board)
            switch try await runBlocking({ try store.commitPull(pulled, staging: staging) }) {
            case .committed(let record, _):
                board.change {
                    $0.outcome = upToDate ? .upToDate : .downloaded
                    $0.imageID = record.id
                }
                logger.info(
                    "pulled image",
                    metadata: [
                        "image": "\(reference.normalized)", "digest": "\(remote.digest)",
                        "registry": "\(remote.registry)",
                        "layersDownloaded": "\(wanted.count)",
                        "seconds": "\(String(format: "%.3f", Date().timeIntervalSince(began)))",
                    ])
                return Outcome(record: record, report: board.snapshot)
            case .missingLayers(let missing):
                wanted = Set(missing)
            }
        }
        throw ImagePullFailure(
            reference: reference, message: "its layers kept being removed from the store while it was pulled")
    }

    private static func fetchLayers(
        _ wanted: Set<Digest>, of remote: RemoteImage, config: PulledConfig, store: ImageStore,
        client: RegistryClient, staging: PullStaging, board: ImagePullBoard
    ) async throws {
        // One job per layer: a manifest may list the same layer twice, and both would share one staging path.
        var seen = Set<Digest>()
        let jobs = remote.manifest.layers.enumerated().filter {
            wanted.contains(config.diffIDs[$0.offset]) && seen.insert(config.diffIDs[$0.offset]).inserted
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = jobs.makeIterator()
            func addNext() -> Bool {
                guard let (position, layer) = next.next() else { return false }
                group.addTask {
                    try await fetchLayer(
                        layer, position: position, diffID: config.diffIDs[position], of: remote, store: store,
                        client: client, staging: staging, board: board)
                }
                return true
            }
            for _ in 0..<layerConcurrency where !addNext() { break }
            while try await group.next() != nil { _ = addNext() }
        }
    }

    private static func fetchLayer(
        _ layer: Descriptor, position: Int, diffID: Digest, of remote: RemoteImage, store: ImageStore,
        client: RegistryClient, staging: PullStaging, board: ImagePullBoard
    ) async throws {
        guard let blob = Digest(layer.digest) else {
            throw ImagePullFailure(
                reference: remote.reference, message: "layer \(position) has unsupported digest \"\(layer.digest)\"")
        }
        let id = blob.shortID
        let path = staging.blobPath(blob)
        board.change { $0.update(layer: id) { $0.state = .downloading } }
        try await client.download(layer: layer, of: remote, to: path) { bytes in
            board.change { $0.update(layer: id) { $0.currentBytes = bytes } }
        }
        // The client verified the digest as the bytes arrived; Docker shows the step all the same.
        board.change {
            $0.update(layer: id) {
                $0.state = .verifying
                $0.currentBytes = layer.size
            }
        }
        board.change { $0.update(layer: id) { $0.state = .downloaded } }
        board.change { $0.update(layer: id) { $0.state = .extracting } }
        // Unpacking is blocking file work; it runs off the cooperative pool.
        try await runBlocking {
            _ = try store.unpackPulledLayer(
                blobAt: path, blob: blob, diffID: diffID, position: position, staging: staging)
        }
        // The unpacked layer is what the store keeps; the compressed blob is not needed any more.
        unlink(path)
        board.change { $0.update(layer: id) { $0.state = .complete } }
    }
}

/// A failed pull, in the words a task's stoppedReason carries after "CannotPullContainerError: ".
public struct ImagePullFailure: Error, Sendable, CustomStringConvertible {
    public var reference: ImageReference
    public var message: String
    /// The registry's or the store's error, when there is one.
    public var underlying: (any Error & Sendable)?
    public var description: String { message }

    public init(reference: ImageReference, message: String, underlying: (any Error & Sendable)? = nil) {
        self.reference = reference
        self.message = message
        self.underlying = underlying
    }
}

/// Runs blocking work on a thread of its own, so the cooperative pool is never held by file I/O.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
        }
    }
}
