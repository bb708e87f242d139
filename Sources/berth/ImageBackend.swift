import ArgumentParser
import ECSCLI
import Engine
import Foundation
import Glibc
import Images
import Logging
import Registry

/// Where `berth images …` works: through berthd whenever one answers on its socket (so the CLI and the
/// daemon never disagree about the store, and a pull the CLI starts is the one a task would share), else on
/// the store under `--root` directly. An explicit `--root` always means that store.
enum ImageBackend {
    case daemon(BerthdCall)
    case local(ImageStore)

    static func choose(_ global: GlobalOptions) throws -> ImageBackend {
        if global.root == nil, let socket = reachableSocket() { return .daemon(BerthdCall(socket: socket)) }
        return .local(try ImageStore(root: global.rootPath))
    }

    /// The socket berth's commands use (BERTH_SOCKET or the default), if berthd accepts a connection on it.
    static func reachableSocket() -> String? {
        let path = ProcessInfo.processInfo.environment["BERTH_SOCKET"] ?? ECSCommandLine.defaultSocketPath
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return connected == 0 ? path : nil
    }

    /// The registry client the CLI uses on its own (no berthd): the same settings berthd would read.
    static func localClient(registriesConf: String?, certsDirectories: [String]) throws -> RegistryClient {
        var settings = RegistrySettings.standard(environment: ProcessInfo.processInfo.environment)
        if let registriesConf { settings.registriesConfPath = registriesConf }
        if !certsDirectories.isEmpty { settings.certsDirectories = certsDirectories }
        return try RegistryClient(settings: settings, logger: Logger(label: "berth"))
    }
}

/// Runs async work from berth's synchronous commands and waits for it.
func waitFor<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    let box = ResultBox<T>()
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
