import Foundation
import Testing

@testable import VPCNetwork

/// Measurements, not checks: run with BERTH_NETWORK_BENCH=1 (root; needs wrk, iperf3, nginx). Prints
/// port-mapped against direct numbers for new-connection-per-request HTTP and for bulk TCP throughput.
@Suite(.serialized, .enabled(if: isRoot && ProcessInfo.processInfo.environment["BERTH_NETWORK_BENCH"] == "1"))
struct NetworkBenchmarkTests {
    static func nginxConfig(_ directory: String, port: Int) throws -> String {
        let path = directory + "/nginx-\(port).conf"
        try """
        daemon off; master_process off; pid \(directory)/nginx-\(port).pid; error_log \(directory)/nginx-\(port).log error;
        events { worker_connections 4096; }
        http { access_log off; server { listen \(port) backlog=4096; location / { return 200 "ok\\n"; } } }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func wrk(_ url: String) -> String {
        let output = sh(["wrk", "-t", "1", "-c", "32", "-d", "5", "-H", "Connection: close", url]).output
        let summary = output.split(separator: "\n").filter {
            $0.contains("Requests/sec") || $0.contains("Latency") || $0.contains("Socket errors")
        }
        return summary.joined(separator: " | ")
    }

    @Test func newConnectionPerRequestAndThroughput() throws {
        let lab = try NetworkLab(octet: 222)
        defer { lab.close() }
        let netns = try lab.namespace("bench")
        let hostPort = Int.random(in: 20000..<30000)
        let eni = try lab.network.attach(
            taskID: "bench", netnsPath: netns, subnetID: "subnet-bench", securityGroupIDs: ["sg-bench"],
            assignPublicIp: false,
            portMappings: [
                PortBinding(containerPort: 80, hostPort: hostPort),
                PortBinding(containerPort: 5201, hostPort: hostPort + 1),
            ])
        let inside = try Self.nginxConfig(lab.directory, port: 80)
        let directPort = hostPort + 2
        let outside = try Self.nginxConfig(lab.directory, port: directPort)
        let servers = [
            try Self.start(["nsenter", "--net=\(netns)", "nginx", "-c", inside]),
            try Self.start(["nginx", "-c", outside]),
            try Self.start(["nsenter", "--net=\(netns)", "iperf3", "-s", "-1"]),
        ]
        defer {
            // Not waitUntilExit: Foundation may already have reaped nginx's exit and then waits forever.
            for server in servers where server.isRunning { kill(server.processIdentifier, SIGKILL) }
            report("servers stopped")
        }
        usleep(300_000)
        report("host loopback nginx:   " + Self.wrk("http://127.0.0.1:\(directPort)/"))
        report("127.0.0.1:hostPort:    " + Self.wrk("http://127.0.0.1:\(hostPort)/"))
        report("private IP direct:     " + Self.wrk("http://\(eni.privateIPv4Address)/"))
        report("gateway:hostPort:      " + Self.wrk("http://\(eni.gateway):\(hostPort)/"))
        report("private IP direct #2:  " + Self.wrk("http://\(eni.privateIPv4Address)/"))
        report("127.0.0.1:hostPort #2: " + Self.wrk("http://127.0.0.1:\(hostPort)/"))
        let dnat = sh([
            "iperf3", "-c", "127.0.0.1", "-p", "\(hostPort + 1)", "-t", "5", "-f", "g", "--connect-timeout", "2000",
        ]).output
        report(
            "iperf3 via DNAT: "
                + (dnat.split(separator: "\n").last { $0.contains("receiver") }.map(String.init) ?? dnat))
        let again = try Self.start(["nsenter", "--net=\(netns)", "iperf3", "-s", "-1"])
        usleep(200_000)
        let direct = sh([
            "iperf3", "-c", "\(eni.privateIPv4Address)", "-t", "5", "-f", "g", "--connect-timeout", "2000",
        ]).output
        report(
            "iperf3 direct veth: "
                + (direct.split(separator: "\n").last { $0.contains("receiver") }.map(String.init) ?? direct))
        if again.isRunning { kill(again.processIdentifier, SIGKILL) }
        report(
            "server netns nstat: "
                + sh([
                    "nsenter", "--net=\(netns)", "nstat", "-az", "TcpExtTW*", "TcpExtPAWS*", "TcpExtTCPChallengeACK",
                    "TcpExtTCPTimeWaitOverflow", "TcpAttemptFails",
                ]).output)
    }

    func report(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }
}
