import Foundation
import NIOSSL

/// Per-registry CAs the Docker and Podman way: `<dir>/<host[:port]>/ca.crt` and any other `*.crt` there
/// are trusted for that registry in addition to the system roots. (`client.cert`/`client.key` pairs for
/// mutual TLS are not read.)
struct CertificateDirectories: Sendable {
    var directories: [String]

    /// The CA files for `registry` ("host" or "host:port"), sorted per directory for a stable order. None for
    /// anything that is not a host[:port]: the name may come from a registry's Location header or token realm,
    /// and "..", "a/../.." or "/etc" joined into the path would pick CAs from outside certs.d.
    func caFiles(for registry: String) -> [String] {
        guard Self.isDirectoryName(registry) else { return [] }
        return directories.flatMap { directory -> [String] in
            let hostDirectory = directory + "/" + registry
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: hostDirectory) else {
                // No directory for this host is the normal case, not an error.
                return []
            }
            return names.filter { $0.hasSuffix(".crt") }.sorted().map { hostDirectory + "/" + $0 }
        }
    }

    /// A DNS name, an IPv4 address or a bracketed IPv6 address, with an optional port: nothing that can
    /// name another directory (no "/", no "." or ".." label, no NUL).
    static func isDirectoryName(_ authority: String) -> Bool {
        var host = Substring(authority)
        if let colon = host.lastIndex(of: ":"), !host[colon...].contains("]") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(\.isASCIIDigit), let number = Int(port),
                (1...65535).contains(number)
            else { return false }
            host = host[..<colon]
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return false }
            let address = String(host.dropFirst().dropLast())
            return !address.contains("%") && IPv6Literal.parse(address) != nil
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCIILetterOrDigit || $0 == "-" || $0 == "_" }
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

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isASCIILetterOrDigit: Bool { isASCII && (isLetter || isNumber) }
}
