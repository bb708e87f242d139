import Foundation

/// The parts of an image's config that decide how its containers run.
public struct ImageConfig: Sendable, Codable, Equatable {
    /// "KEY=VALUE" entries, in the image's order.
    public var env: [String]
    public var entrypoint: [String]?
    public var cmd: [String]?
    public var workingDir: String?
    public var user: String?
    /// A signal name such as "SIGQUIT", or a number, as the image wrote it.
    public var stopSignal: String?
    /// "PORT/PROTOCOL" entries such as "80/tcp", sorted.
    public var exposedPorts: [String]
    public var labels: [String: String]

    public init(
        env: [String] = [],
        entrypoint: [String]? = nil,
        cmd: [String]? = nil,
        workingDir: String? = nil,
        user: String? = nil,
        stopSignal: String? = nil,
        exposedPorts: [String] = [],
        labels: [String: String] = [:]
    ) {
        self.env = env
        self.entrypoint = entrypoint
        self.cmd = cmd
        self.workingDir = workingDir
        self.user = user
        self.stopSignal = stopSignal
        self.exposedPorts = exposedPorts
        self.labels = labels
    }
}
