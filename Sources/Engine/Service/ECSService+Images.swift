import ECSModel
import Foundation
import Images

/// berth's image verbs on berthd's socket, so that `berth images …` and berthd see one store: the CLI sends
/// these whenever berthd runs. A pull is started by `BerthPullImage` and watched with `BerthGetImagePull`
/// (the same pull a RunTask of that image may already be running).
extension ECSService {
    static let imageOperations: Set<String> = [
        "BerthPullImage", "BerthGetImagePull", "BerthListImages", "BerthImportImage", "BerthRemoveImages",
        "BerthPruneImages",
    ]

    func handleImages(_ operation: String, body: Data) async throws -> Data {
        let request = (try? JSONSerialization.jsonObject(with: body.isEmpty ? Data("{}".utf8) : body)) as? [String: Any]
        guard let request else { throw Self.invalidParameter("\(operation) takes a JSON object.") }
        do {
            switch operation {
            case "BerthPullImage", "BerthGetImagePull":
                return try await pullImage(request, start: operation == "BerthPullImage")
            case "BerthListImages":
                let images = engine.images
                return try await runBlocking { try Self.json(try images.list()) }
            case "BerthImportImage":
                guard let path = request["path"] as? String, path.hasPrefix("/") else {
                    throw Self.invalidParameter("BerthImportImage takes {\"path\": \"<absolute path>\", \"name\": …}.")
                }
                let (images, name) = (engine.images, request["name"] as? String)
                // Store operations take its flock and read files: off the cooperative pool.
                return try await runBlocking { try Self.json(try images.importImage(from: path, name: name)) }
            case "BerthRemoveImages":
                guard let references = request["images"] as? [String] else {
                    throw Self.invalidParameter("BerthRemoveImages takes {\"images\": [\"<name or id>\", …]}.")
                }
                let images = engine.images
                return try await runBlocking {
                    var results: [[String: Any]] = []
                    for reference in references {
                        do {
                            results.append(["image": reference, "lines": try images.remove(reference)])
                        } catch let error as ImageError {
                            results.append(["image": reference, "error": error.description])
                        }
                    }
                    return try JSONSerialization.data(withJSONObject: ["results": results])
                }
            case "BerthPruneImages":
                let (images, all) = (engine.images, request["all"] as? Bool ?? false)
                return try await runBlocking { try Self.json(try images.prune(all: all)) }
            default:
                throw ECSError(.init(rawValue: "UnknownOperationException"), "Unknown operation \(operation)")
            }
        } catch let error as ImageError {
            throw Self.clientError(error.description)
        }
    }

    private func pullImage(_ request: [String: Any], start: Bool) async throws -> Data {
        guard let text = request["image"] as? String else {
            throw Self.invalidParameter(
                "\(start ? "BerthPullImage" : "BerthGetImagePull") takes {\"image\": \"<name>\"}.")
        }
        guard let puller = engine.puller else {
            throw Self.clientError("this berthd pulls no images (it was started without a registry client)")
        }
        let reference: ImageReference
        do {
            reference = try ImageReference.parse(text)
        } catch let error as ImageError {
            throw Self.clientError(error.description)
        }
        if start {
            let (board, _) = await puller.start(reference)
            pulls.keep(reference.normalized, board: board)
            return try Self.json(board.snapshot)
        }
        let running = await puller.board(for: reference)?.snapshot
        guard let report = pulls.report(reference.normalized) ?? running else {
            throw Self.clientError("no pull of \(reference.familiar) is running or has just finished")
        }
        return try Self.json(report)
    }

    /// The ECS agent's periodic cleanup: up to five images no container has used for `unusedFor` seconds.
    /// Images a container runs are never candidates (their container layers lease them).
    public func removeUnusedImages(unusedFor: TimeInterval) async {
        do {
            let images = engine.images
            let cutoff = Date().addingTimeInterval(-unusedFor)
            let report = try await runBlocking { try images.removeUnused(unusedSince: cutoff, limit: 5) }
            if !report.deletedImages.isEmpty {
                logger.info(
                    "removed unused images",
                    metadata: ["images": "\(report.deletedImages)", "reclaimedBytes": "\(report.reclaimedBytes)"])
            }
        } catch {
            logger.error("image cleanup failed", metadata: ["error": "\(error)"])
        }
    }

    static func json<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}

/// The boards of pulls the socket started, kept an hour, so a watcher that polls after the pull ended
/// still reads how it ended (a board holds its final report).
final class FinishedPulls: @unchecked Sendable {
    private let lock = NSLock()
    private var boards: [String: (board: ImagePullBoard, at: Date)] = [:]

    func keep(_ key: String, board: ImagePullBoard) {
        lock.withLock {
            let now = Date()
            boards = boards.filter { now.timeIntervalSince($0.value.at) < 3600 }
            boards[key] = (board, now)
        }
    }

    func report(_ key: String) -> ImagePullReport? { lock.withLock { boards[key]?.board.snapshot } }
}
