import ArgumentParser

/// Options every berth command shares. Everything berth keeps on disk lives under `--root`.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Directory holding berth's state (images, containers).")
    var root: String = "/var/lib/berth"
}
