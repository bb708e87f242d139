import Foundation

extension TaskNetwork {
    /// RunTask's check, before a task exists: every hostPort in `ports` must be free (not published by a
    /// task of this or another berthd, not bound on the host, not asked for twice). `attach` checks again
    /// under its lock.
    public func checkHostPorts(_ ports: [PortBinding]) throws {
        lock.lock()
        defer { lock.unlock() }
        try ensureHostPortsFreeLocked(ports)
    }

    func ensureHostPortsFreeLocked(_ ports: [PortBinding]) throws {
        guard !ports.isEmpty else { return }
        var seen = Set<String>()
        let elsewhere = portsPublishedByOtherInstances()
        for port in ports {
            guard seen.insert("\(port.ipProtocol)/\(port.hostPort)").inserted else {
                throw NetworkError.hostPortInUse(
                    "host port \(port.hostPort)/\(port.ipProtocol) is asked for twice (only one task can publish it)")
            }
            if let holder = try Self.mapStore({
                try store.portHolder(ipProtocol: port.ipProtocol, hostPort: port.hostPort)
            }) {
                throw NetworkError.hostPortInUse(
                    "host port \(port.hostPort)/\(port.ipProtocol) is already published by task \(holder)")
            }
            if let table = elsewhere["\(port.ipProtocol)/\(port.hostPort)"] {
                throw NetworkError.hostPortInUse(
                    "host port \(port.hostPort)/\(port.ipProtocol) is already published by another berthd "
                        + "(nft table inet \(table))")
            }
            if HostPortProbe.isBound(
                ipProtocol: port.ipProtocol, port: port.hostPort, ignoring: configuration.metadata.taskFacingAddress)
            {
                throw NetworkError.hostPortInUse(
                    "host port \(port.hostPort)/\(port.ipProtocol) is already in use by a process on the host")
            }
        }
    }

    /// "tcp/80" -> the table of every other berth instance on the machine that publishes it.
    func portsPublishedByOtherInstances() -> [String: String] {
        guard let tables = try? nft.run("list tables inet") else { return [:] }
        var published: [String: String] = [:]
        for line in tables.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count == 3, words[0] == "table", words[1] == "inet" else { continue }
            let table = String(words[2])
            guard table == "berth" || table.hasPrefix("berth-"), table != configuration.table,
                let map = try? nft.run("list map inet \(table) publish")
            else { continue }
            for (ipProtocol, port) in Self.publishedPorts(inMapListing: map) {
                published["\(ipProtocol)/\(port)"] = table
            }
        }
        return published
    }

    /// The `proto . port` keys of a `list map ... publish` listing.
    static func publishedPorts(inMapListing listing: String) -> [(String, Int)] {
        guard let start = listing.range(of: "elements = {"), let end = listing[start.upperBound...].firstIndex(of: "}")
        else { return [] }
        return listing[start.upperBound..<end].split(separator: ",").compactMap { element in
            let words = element.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            guard words.count >= 3, words[1] == ".", let port = Int(words[2]) else { return nil }
            return (String(words[0]), port)
        }
    }
}
