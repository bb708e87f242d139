import Foundation

/// Whether a process on the host already holds a port: a TCP socket listening on it, or any UDP socket bound
/// to it, on any address, IPv4 or IPv6 (/proc/net/{tcp,tcp6,udp,udp6} of berthd's own namespace).
public enum HostPortProbe {
    public static func isBound(ipProtocol: String, port: Int, procNet: String = "/proc/net") -> Bool {
        let files = ipProtocol == "udp" ? ["udp", "udp6"] : ["tcp", "tcp6"]
        return files.contains { file in
            guard let table = try? String(contentsOfFile: "\(procNet)/\(file)", encoding: .utf8) else { return false }
            return boundPorts(table: table, listeningOnly: ipProtocol != "udp").contains(port)
        }
    }

    /// Local ports in one /proc/net table. TCP counts only LISTEN (0A) sockets: a connection's local port
    /// does not stop a listener elsewhere on it.
    static func boundPorts(table: String, listeningOnly: Bool) -> Set<Int> {
        var ports = Set<Int>()
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, let colon = fields[1].lastIndex(of: ":"),
                let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16)
            else { continue }
            if listeningOnly && fields[3] != "0A" { continue }
            // berthd's own task metadata endpoint (169.254.170.2, "02AAFEA9" in /proc/net/tcp's
            // little-endian hex) is never a port mapping's target: the DNAT rules skip that address.
            if fields[1].hasPrefix("02AAFEA9:") { continue }
            ports.insert(port)
        }
        return ports
    }
}

/// Writes to /proc/sys/net for the host's side of berth's links.
enum HostSysctl {
    static func set(_ key: String, _ value: String) throws(NetworkError) {
        let path = "/proc/sys/net/" + key.replacingOccurrences(of: ".", with: "/")
        do {
            try value.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw .invalidParameter("cannot set net.\(key)=\(value): \(error)")
        }
    }
}
