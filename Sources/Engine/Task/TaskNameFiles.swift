import Foundation
import LinuxKit

/// The files every container of a task gets bound at /etc/hosts, /etc/hostname and /etc/resolv.conf,
/// written once per task (as Docker does per container): the task's hostname and address, and the host's
/// resolvers minus loopback ones, which mean nothing inside the task's network namespace.
enum TaskNameFiles {
    /// The names under which a task reaches the host when berthd lets it (Docker's and Podman's, so code
    /// written for them works unchanged).
    static let hostNames = "host.berth.internal host.docker.internal host.containers.internal"

    static func hosts(hostname: String, address: String?, hostGateway: String? = nil) -> String {
        let host = hostGateway.map { "\($0)\t\(hostNames)\n" } ?? ""
        return """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            \(address ?? "127.0.1.1")\t\(hostname)
            \(host)
            """
    }

    /// The host's resolv.conf without loopback nameservers (systemd-resolved's 127.0.0.53, dnsmasq's
    /// 127.0.0.1); if none is left, Docker's fallback resolvers, as Docker does.
    static func resolvConf(host: String) -> String {
        var lines: [String] = []
        var nameservers = 0
        for line in host.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.first == "nameserver", words.count >= 2 {
                let address = String(words[1])
                if address.hasPrefix("127.") || address == "::1" { continue }
                nameservers += 1
            }
            lines.append(String(line))
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        if nameservers == 0 {
            lines.append("# berth: the host has only loopback resolvers; Docker's fallback:")
            lines += ["nameserver 8.8.8.8", "nameserver 8.8.4.4"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the three files into `directory`; returns the mounts for the launch spec.
    static func write(
        to directory: String, hostname: String, address: String?, hostGateway: String? = nil,
        hostResolvConf: String = "/etc/resolv.conf"
    ) throws -> [(source: String, target: String)] {
        let host = (try? String(contentsOfFile: hostResolvConf, encoding: .utf8)) ?? ""
        let files = [
            ("hosts", "/etc/hosts", hosts(hostname: hostname, address: address, hostGateway: hostGateway)),
            ("hostname", "/etc/hostname", hostname + "\n"),
            ("resolv.conf", "/etc/resolv.conf", resolvConf(host: host)),
        ]
        return try files.map { name, target, text in
            let path = "\(directory)/\(name)"
            try FileReplacement.write(Array(text.utf8), to: path)
            return (path, target)
        }
    }
}
