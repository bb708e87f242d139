import API
import Foundation

/// A started `ECSServer` in a private directory: its socket at `<directory>/run/berthd.sock` (the
/// `run` directory does not exist beforehand, so every start also tests its creation) and, with TCP, a
/// credential from `DaemonCredential.loadOrCreate(root: directory)` on 127.0.0.1 with a free port.
struct TestServer: Sendable {
    let server: ECSServer
    let directory: String
    let credential: DaemonCredential

    var socketPath: String { server.configuration.unixSocketPath }
    var tcpPort: Int { server.tcpPort ?? -1 }
    var unix: RawHTTP.Endpoint { .unix(socketPath) }
    var tcp: RawHTTP.Endpoint { .tcp(port: tcpPort) }

    /// Starts a server, runs `body`, and stops the server and removes its directory however `body` ends.
    static func with<Result>(
        handler: TestHandler = .standard, tcp: Bool = false,
        configure: (inout ECSServerConfiguration) -> Void = { _ in },
        _ body: (TestServer) async throws -> Result
    ) async throws -> Result {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let credential = try DaemonCredential.loadOrCreate(root: directory)
        var configuration = ECSServerConfiguration(
            unixSocketPath: "\(directory)/run/berthd.sock",
            tcp: tcp ? try ECSServerConfiguration.TCPListener(host: "127.0.0.1", port: 0, credential: credential) : nil)
        configuration.eventLoopThreads = 2
        configure(&configuration)
        let server = ECSServer(configuration: configuration, handler: handler)
        try await server.start()
        let running = TestServer(server: server, directory: directory, credential: credential)
        do {
            let result = try await body(running)
            try await server.stop()
            return result
        } catch {
            try? await server.stop()
            throw error
        }
    }

    /// Short, because a Unix socket path must fit in 108 bytes.
    static func makeTemporaryDirectory() -> String {
        let path = "/tmp/berth-api-\(UUID().uuidString.prefix(8).lowercased())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
