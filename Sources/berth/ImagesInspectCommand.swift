import ArgumentParser
import Foundation
import Images

extension ImagesCommand {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract:
                "Show images' records as JSON, like `docker image inspect`: id, names, repository digests, config, layers."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Image names, ids or id prefixes.")
        var images: [String]

        func validate() throws {
            if images.isEmpty { throw ValidationError("give at least one image to inspect") }
        }

        func run() throws {
            try reportingImageErrors {
                let records = try ImageBackend.list(global)
                var found: [ImageRecord] = []
                var failed = false
                for image in images {
                    do {
                        found.append(try ImageStore.find(image, in: records))
                    } catch let error as ImageError {
                        printError(error.description)
                        failed = true
                    }
                }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(found), as: UTF8.self))
                if failed { throw ExitCode.failure }
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove dangling images (no name left), or with --all every image no container uses."
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .shortAndLong, help: "Remove every image no container uses, not only dangling ones.")
        var all = false

        func run() throws {
            try reportingImageErrors {
                let report: PruneReport
                switch try ImageBackend.choose(global) {
                case .local(let store): report = try store.prune(all: all)
                case .daemon(let call):
                    report = try ImageJSON.decoder.decode(
                        PruneReport.self, from: try call.sendJSON("BerthPruneImages", ["all": all]))
                }
                if !report.lines.isEmpty {
                    print("Deleted Images:")
                    for line in report.lines { print(line) }
                    print("")
                }
                print("Total reclaimed space: \(ImageTable.humanSize(report.reclaimedBytes))")
            }
        }
    }
}
