import Foundation
import NIOSSL

/// Per-registry CAs the Docker and Podman way: `<dir>/<host[:port]>/ca.crt` and any other `*.crt` there
/// are trusted for that registry in addition to the system roots. (`client.cert`/`client.key` pairs for
/// mutual TLS are not read.)
struct CertificateDirectories: Sendable {
    var directories: [String]

    /// The CA files for `registry` ("host" or "host:port"), sorted per directory for a stable order.
    func caFiles(for registry: String) -> [String] {
        directories.flatMap { directory -> [String] in
            let hostDirectory = directory + "/" + registry
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: hostDirectory) else {
                // No directory for this host is the normal case, not an error.
                return []
            }
            return names.filter { $0.hasSuffix(".crt") }.sorted().map { hostDirectory + "/" + $0 }
        }
    }

    /// The TLS configuration for `registry`: system roots plus its certs.d files; no verification if insecure.
    func tlsConfiguration(for registry: String, insecure: Bool) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if insecure {
            configuration.certificateVerification = .none
        } else {
            configuration.additionalTrustRoots = caFiles(for: registry).map { .file($0) }
        }
        return configuration
    }
}
