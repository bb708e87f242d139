import ArgumentParser

/// Options every berth command shares. Everything berth keeps on disk lives under `--root`.
struct GlobalOptions: ParsableArguments {
    @Option(
        help: """
            Directory holding berth's state (images, containers); default /var/lib/berth. Without it, \
            `berth images` works through berthd when one is running.
            """)
    var root: String?

    /// The state directory: `--root`, or berth's default.
    var rootPath: String { root ?? Self.defaultRoot }

    static let defaultRoot = "/var/lib/berth"
}
