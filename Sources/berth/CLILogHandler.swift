import Foundation
import Logging

/// Log lines for a person at a terminal: `berth: warning: …` on stderr, debug only with BERTH_DEBUG=1.
struct CLILogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = ProcessInfo.processInfo.environment["BERTH_DEBUG"] == "1" ? .debug : .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var line = "berth: \(event.level == .info ? "" : "\(event.level): ")\(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            line += " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
