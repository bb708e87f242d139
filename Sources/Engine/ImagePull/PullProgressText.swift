import Foundation

/// `docker pull`'s output for a report: the lines a terminal shows (bars, redrawn in place) and the
/// event lines a pipe gets (one per state change, no bars).
public enum PullProgressText {
    /// go-units HumanSizeWithPrecision: decimal units, `precision` significant digits; `docker pull`'s bars
    /// use four ("1.235MB", "512B"), `docker images` three.
    public static func humanSize(_ bytes: Int64, precision: Int = 4) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return String(format: "%.\(precision)g", value) + units[unit]
    }

    /// "[=====>      ]  1.235MB/4.5MB": fifty columns, as Docker's progress bar.
    public static func bar(current: Int64, total: Int64) -> String {
        let width = 50
        guard total > 0 else { return humanSize(current) }
        let filled = Int(Double(width) * Double(min(current, total)) / Double(total))
        let arrow = filled < width ? ">" : ""
        let pad = String(repeating: " ", count: max(0, width - filled - arrow.count))
        return "[" + String(repeating: "=", count: filled) + arrow + pad + "]  " + humanSize(current) + "/"
            + humanSize(total)
    }

    /// One layer's line on a terminal.
    public static func terminalLine(_ layer: ImagePullReport.Layer) -> String {
        switch layer.state {
        case .downloading:
            return "\(layer.id): Downloading \(bar(current: layer.currentBytes, total: layer.totalBytes))"
        default:
            return "\(layer.id): \(layer.state.rawValue)"
        }
    }

    /// The block a terminal shows for `report`: header, one line per layer.
    public static func terminalBlock(_ report: ImagePullReport) -> [String] {
        (report.header.map { [$0] } ?? []) + report.layers.map(terminalLine)
    }

    /// Lines for a pipe: the header once and each layer state the first time it is reached. `seen`
    /// carries what was printed already between calls.
    public static func eventLines(_ report: ImagePullReport, seen: inout Set<String>) -> [String] {
        var lines: [String] = []
        if let header = report.header, seen.insert("header").inserted { lines.append(header) }
        for layer in report.layers {
            // Downloading is printed once, without sizes; completion states carry the news.
            let line = "\(layer.id): \(layer.state == .waiting ? "Pulling fs layer" : layer.state.rawValue)"
            if seen.insert(line).inserted { lines.append(line) }
        }
        return lines
    }

    /// What follows the layers once the pull ended: "Digest: …", "Status: …", and the full name.
    public static func closingLines(_ report: ImagePullReport, normalizedName: String) -> [String] {
        guard report.outcome == .downloaded || report.outcome == .upToDate else { return [] }
        return (report.digest.map { ["Digest: \($0)"] } ?? []) + (report.status.map { [$0] } ?? []) + [normalizedName]
    }
}
