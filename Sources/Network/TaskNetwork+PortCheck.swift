import Foundation

extension TaskNetwork {
    /// RunTask's check, before a task exists: every hostPort in `ports` must be free (not published by a
    /// task, not bound on the host, not asked for twice). `attach` checks again under its lock.
    public func checkHostPorts(_ ports: [PortBinding]) throws {
        lock.lock()
        defer { lock.unlock() }
        var seen = Set<String>()
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
            if HostPortProbe.isBound(ipProtocol: port.ipProtocol, port: port.hostPort) {
                throw NetworkError.hostPortInUse(
                    "host port \(port.hostPort)/\(port.ipProtocol) is already in use by a process on the host")
            }
        }
    }
}
