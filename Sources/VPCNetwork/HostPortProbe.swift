import Foundation

/// Whether a process on the host already holds a port: a TCP socket listening on it, or any UDP socket bound
/// to it, on any address, IPv4 or IPv6 (/proc/net/{tcp,tcp6,udp,udp6} of berthd's own namespace).
public enum HostPortProbe {
    /// `ignoring`: sockets bound to this address do not count (berthd's own task metadata endpoint, whose
    /// address the DNAT rules never capture).
    public static func isBound(
        ipProtocol: String, port: Int, ignoring: IPv4Address? = nil, procNet: String = "/proc/net"
    ) -> Bool {
        let files = ipProtocol == "udp" ? ["udp", "udp6"] : ["tcp", "tcp6"]
        return files.contains { file in
            guard let table = try? String(contentsOfFile: "\(procNet)/\(file)", encoding: .utf8) else { return false }
            return boundPorts(table: table, listeningOnly: ipProtocol != "udp", ignoring: ignoring).contains(port)
        }
    }

    /// Whether any TCP socket listens on `address` (another berthd's metadata endpoint, say).
    public static func hasListener(on address: IPv4Address, procNet: String = "/proc/net") -> Bool {
        guard let table = try? String(contentsOfFile: "\(procNet)/tcp", encoding: .utf8) else { return false }
        let prefix = procHex(address) + ":"
        return sockets(table: table, listeningOnly: true).contains { $0.local.hasPrefix(prefix) }
    }

    /// Local ports in one /proc/net table. TCP counts only LISTEN (0A) sockets: a connection's local port
    /// does not stop a listener elsewhere on it.
    static func boundPorts(table: String, listeningOnly: Bool, ignoring: IPv4Address? = nil) -> Set<Int> {
        let ignored = ignoring.map { procHex($0) + ":" }
        return Set(
            sockets(table: table, listeningOnly: listeningOnly).compactMap { socket in
                if let ignored, socket.local.hasPrefix(ignored) { return nil }
                return socket.port
            })
    }

    /// The rows of a /proc/net table: local "ADDRESS:PORT" (hex) and the port, LISTEN rows only if asked.
    private static func sockets(table: String, listeningOnly: Bool) -> [(local: Substring, port: Int)] {
        table.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count > 3, let colon = fields[1].lastIndex(of: ":"),
                let port = Int(fields[1][fields[1].index(after: colon)...], radix: 16),
                !listeningOnly || fields[3] == "0A"
            else { return nil }
            return (fields[1], port)
        }
    }

    /// An IPv4 address as /proc/net/tcp prints it: the network-order bytes read as a little-endian word
    /// (169.254.170.2 is "02AAFEA9").
    static func procHex(_ address: IPv4Address) -> String {
        let text = String(address.value.byteSwapped, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - text.count) + text
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

/// The host's IPv4 routes (the main table, /proc/net/route), to find a VPC that would shadow or be shadowed by
/// a network the host already reaches: Podman's 10.88.0.0/16, a VPN, another berthd's bridges.
public enum HostRoutes {
    public struct Route: Sendable, Equatable {
        public var interface: String
        public var destination: IPv4CIDR
    }

    public static func read(path: String = "/proc/net/route") -> [Route] {
        (try? String(contentsOfFile: path, encoding: .utf8)).map(parse) ?? []
    }

    /// Lines of "Iface Destination Gateway Flags RefCnt Use Metric Mask ..." with addresses in the kernel's
    /// little-endian hex.
    static func parse(_ table: String) -> [Route] {
        table.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count > 7, let destination = UInt32(fields[1], radix: 16),
                let mask = UInt32(fields[7], radix: 16)
            else { return nil }
            let hostMask = mask.byteSwapped
            guard hostMask == 0 || (~hostMask) & (~hostMask &+ 1) == 0 else { return nil }  // contiguous masks only
            return Route(
                interface: String(fields[0]),
                destination: IPv4CIDR(
                    address: IPv4Address(destination.byteSwapped), prefixLength: hostMask.nonzeroBitCount))
        }
    }

    /// The first route (not a default route, not on one of `ownInterfaces`) that overlaps `cidr`.
    public static func conflict(
        with cidr: IPv4CIDR, ignoring ownInterfaces: Set<String>, routes: [Route] = read()
    ) -> Route? {
        routes.first {
            $0.destination.prefixLength > 0 && !ownInterfaces.contains($0.interface) && $0.destination.overlaps(cidr)
        }
    }
}
