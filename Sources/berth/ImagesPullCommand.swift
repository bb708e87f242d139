import ArgumentParser
import Engine
import Foundation
import Glibc
import Images
import Logging
import Registry

extension ImagesCommand {
    struct Pull: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pull",
            abstract: "Pull an image from a registry, like `docker pull` (Docker Hub for names without a registry)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "NAME[:TAG] or NAME@sha256:DIGEST, e.g. nginx, ghcr.io/org/app:1.4.")
        var image: String

        @Flag(name: .shortAndLong, help: "Print only the image's full name once pulled.")
        var quiet = false

        @Option(
            help:
                "registries.conf to read without berthd (default $CONTAINERS_REGISTRIES_CONF or /etc/containers/registries.conf)."
        )
        var registriesConf: String?

        @Option(help: "A certs.d directory to read without berthd; repeatable.")
        var registryCertsDir: [String] = []

        func run() throws {
            try reportingImageErrors {
                let reference = try ImageReference.parse(image)
                let printer = PullPrinter(quiet: quiet, terminal: isatty(STDOUT_FILENO) == 1)
                let final: ImagePullReport
                switch try ImageBackend.choose(global) {
                case .daemon(let call):
                    guard registriesConf == nil, registryCertsDir.isEmpty else {
                        throw ValidationError(
                            "berthd is running and pulls with its own configuration: give --registries-conf and"
                                + " --registry-certs-dir to berthd, or pull into a store of your own with --root")
                    }
                    var report = try ImageJSON.decoder.decode(
                        ImagePullReport.self, from: try call.sendJSON("BerthPullImage", ["image": image]))
                    while report.outcome == .running {
                        printer.show(report)
                        usleep(100_000)
                        report = try ImageJSON.decoder.decode(
                            ImagePullReport.self, from: try call.sendJSON("BerthGetImagePull", ["image": image]))
                    }
                    final = report
                case .local(let store):
                    let client = try ImageBackend.localClient(
                        registriesConf: registriesConf, certsDirectories: registryCertsDir)
                    let puller = ImagePuller(store: store, client: client, logger: Logger(label: "berth.pull"))
                    final = try waitFor {
                        defer { Task { try? await client.shutdown() } }
                        let (board, task) = await puller.start(reference) { printer.show($0) }
                        _ = try? await task.value  // the board carries a failure
                        return board.snapshot
                    }
                }
                printer.finish(final, normalizedName: reference.normalized)
                if final.outcome == .failed {
                    printError("pull \(reference.familiar) failed: \(final.error ?? "unknown error")")
                    throw ExitCode.failure
                }
            }
        }
    }
}

/// Prints a pull as `docker pull` does: on a terminal the block of layer lines is redrawn in place at most
/// ten times a second; on a pipe each state change is one line.
final class PullPrinter: @unchecked Sendable {
    private let quiet: Bool
    private let terminal: Bool
    private let lock = NSLock()
    private var drawnLines = 0
    private var seen = Set<String>()
    private var lastDraw: UInt64 = 0

    init(quiet: Bool, terminal: Bool) {
        self.quiet = quiet
        self.terminal = terminal
    }

    func show(_ report: ImagePullReport, force: Bool = false) {
        guard !quiet else { return }
        lock.withLock {
            if terminal {
                let now = DispatchTime.now().uptimeNanoseconds
                guard force || now - lastDraw > 100_000_000 else { return }
                lastDraw = now
                let block = PullProgressText.terminalBlock(report)
                // Up to the block's first line, then each line cleared and rewritten.
                var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
                for line in block { text += "\u{1B}[2K" + line + "\n" }
                drawnLines = block.count
                write(text)
            } else {
                for line in PullProgressText.eventLines(report, seen: &seen) { write(line + "\n") }
            }
        }
    }

    func finish(_ report: ImagePullReport, normalizedName: String) {
        if quiet {
            if report.outcome != .failed { write(normalizedName + "\n") }
            return
        }
        show(report, force: true)
        for line in PullProgressText.closingLines(report, normalizedName: normalizedName) { write(line + "\n") }
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

/// The JSON berthd's image operations answer with.
enum ImageJSON {
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

extension ImageBackend {
    static func list(_ global: GlobalOptions) throws -> [ImageRecord] {
        switch try choose(global) {
        case .local(let store): return try store.list()
        case .daemon(let call):
            return try ImageJSON.decoder.decode([ImageRecord].self, from: try call.sendJSON("BerthListImages", [:]))
        }
    }
}
