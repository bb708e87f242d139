import ArgumentParser
import Engine
import Foundation
import Images

/// `berth images …`: berth's image store, and pulls from registries into it.
struct ImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Manage berth's image store: pull from registries, import, list, inspect, remove, prune.",
        subcommands: [
            Pull.self, Import.self, List.self, Inspect.self, Remove.self, Prune.self, Login.self, Logout.self,
        ]
    )
}

extension ImagesCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import an OCI image layout directory or a docker-archive tar (`docker save` output)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "An OCI image layout directory, or a tar of one or of `docker save`.")
        var path: String

        @Option(help: "The name to tag the image with (default: the name the layout or archive carries).")
        var name: String?

        func run() throws {
            try reportingImageErrors {
                let record: ImageRecord
                switch try ImageBackend.choose(global) {
                case .local(let store): record = try store.importImage(from: path, name: name)
                case .daemon(let call):
                    // berthd reads the path itself: make it absolute here, where it was meant.
                    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                    var request: [String: Any] = ["path": absolute]
                    if let name { request["name"] = name }
                    record = try ImageJSON.decoder.decode(
                        ImageRecord.self, from: try call.sendJSON("BerthImportImage", request))
                }
                // docker load's wording.
                if record.names.isEmpty {
                    print("Loaded image ID: \(record.id)")
                } else {
                    for name in record.names { print("Loaded image: \(ImageTable.familiar(name))") }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls",
            abstract: "List images, like `docker images`."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .shortAndLong, help: "Only show image IDs.")
        var quiet = false

        @Option(help: "Output format: `json` prints the full image records.")
        var format: String?

        func validate() throws {
            if let format, format != "json" {
                throw ValidationError("unsupported --format \"\(format)\": the only format is json")
            }
            if quiet, format != nil { throw ValidationError("--quiet and --format cannot be combined") }
        }

        func run() throws {
            try reportingImageErrors {
                // Newest first, as docker lists them; images without a creation time last.
                let records = try ImageBackend.list(global).enumerated().sorted { left, right in
                    let leftDate = left.element.created ?? .distantPast
                    let rightDate = right.element.created ?? .distantPast
                    return leftDate != rightDate ? leftDate > rightDate : left.offset > right.offset
                }.map(\.element)
                if format == "json" {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(records), as: UTF8.self))
                } else if quiet {
                    var seen = Set<String>()
                    for record in records where seen.insert(record.id).inserted { print(ImageTable.shortID(record.id)) }
                } else {
                    print(ImageTable.render(records, now: Date()), terminator: "")
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm",
            abstract: "Remove images: a name untags it, an id (or unique prefix) deletes the image and all its names."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Image names, ids or id prefixes.")
        var images: [String]

        func validate() throws {
            if images.isEmpty { throw ValidationError("give at least one image to remove") }
        }

        func run() throws {
            try reportingImageErrors {
                // Like docker rmi: keep going after a failure, and fail at the end.
                var failed = false
                switch try ImageBackend.choose(global) {
                case .local(let store):
                    for image in images {
                        do {
                            for line in try store.remove(image) { print(line) }
                        } catch let error as ImageError {
                            printError(error.description)
                            failed = true
                        }
                    }
                case .daemon(let call):
                    let answer =
                        try JSONSerialization.jsonObject(
                            with: try call.sendJSON("BerthRemoveImages", ["images": images])) as? [String: Any]
                    for result in answer?["results"] as? [[String: Any]] ?? [] {
                        for line in result["lines"] as? [String] ?? [] { print(line) }
                        if let error = result["error"] as? String {
                            printError(error)
                            failed = true
                        }
                    }
                }
                if failed { throw ExitCode.failure }
            }
        }
    }
}

/// Prints an ImageError as `berth: error: …` and exits 1. ExitCode is what ArgumentParser exits with
/// silently, so the message is not printed a second time.
func reportingImageErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as ImageError {
        printError(error.description)
        throw ExitCode.failure
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("berth: error: \(message)\n".utf8))
}

/// `docker images`' table: REPOSITORY TAG IMAGE ID CREATED SIZE, one row per name.
enum ImageTable {
    static func render(_ records: [ImageRecord], now: Date) -> String {
        var rows = [["REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"]]
        for record in records {
            let created = record.created.map { humanDuration(now.timeIntervalSince($0)) + " ago" } ?? "N/A"
            let size = humanSize(record.size)
            let names = record.names.isEmpty ? [nil] : record.names.map { Optional($0) }
            for name in names {
                let (repository, tag) = name.map(repositoryAndTag) ?? ("<none>", "<none>")
                rows.append([repository, tag, shortID(record.id), created, size])
            }
        }
        // docker's tabwriter: each column but the last is at least 10 wide, padded by 3.
        let widths = (0..<4).map { column in max(10, rows.map { $0[column].count }.max()! + 3) }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column < 4 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : cell
            }.joined() + "\n"
        }.joined()
    }

    static func shortID(_ id: String) -> String {
        String(id.split(separator: ":").last?.prefix(12) ?? "")
    }

    static func familiar(_ normalized: String) -> String {
        (try? ImageReference.parse(normalized))?.familiar ?? normalized
    }

    static func repositoryAndTag(_ normalized: String) -> (String, String) {
        guard let reference = try? ImageReference.parse(normalized) else { return (normalized, "<none>") }
        return (reference.familiarRepository, reference.tag ?? "<none>")
    }

    /// go-units HumanDuration, which docker uses for CREATED.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < 1 { return "Less than a second" }
        if seconds == 1 { return "1 second" }
        if seconds < 60 { return "\(seconds) seconds" }
        let minutes = seconds / 60
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int((interval / 3600).rounded())
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(Int(interval / 3600) / 24 / 365) years"
    }

    /// go-units HumanSizeWithPrecision(size, 3): decimal units, three significant digits ("187MB", "7.8MB").
    static func humanSize(_ bytes: Int64) -> String { PullProgressText.humanSize(bytes, precision: 3) }
}
