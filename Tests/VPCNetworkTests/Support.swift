import Foundation
import Logging
import Store
import Testing

@testable import VPCNetwork

/// Runs a program to completion; returns its exit status and combined output.
@discardableResult
func sh(_ arguments: [String]) -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    do { try process.run() } catch { return (-1, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

let isRoot = getuid() == 0

/// One private berth network instance for a test: its own store, nft table, bridge and veth prefixes and
/// VPC, plus the namespaces and servers the test makes. `close()` removes every one of them.
final class NetworkLab: @unchecked Sendable {
    let suffix = String(UInt32.random(in: 0..<0xffff), radix: 16)
    let directory: String
    let store: BerthStore
    let network: TaskNetwork
    let vpc: IPv4CIDR
    private var namespaces: [String] = []
    private var servers: [Process] = []
    private var extraLinks: [String] = []

    /// `octet`: the VPC is 10.<octet>.0.0/16 (tests pick distinct ones; none overlaps the host's 192.0.2.0/24).
    init(octet: Int, hostAccess: Bool = false, metadata: MetadataEndpoint = .ecsDefault) throws {
        directory = NSTemporaryDirectory() + "berth-network-tests-" + UUID().uuidString
        store = try BerthStore(path: directory + "/state.db")
        vpc = IPv4CIDR("10.\(octet).0.0/16")!
        // A network instance as a second berthd would have one: inet berth-t<suffix>, berth-t<suffix>0, vt<suffix>…
        var configuration = try NetworkConfiguration.instance("t\(suffix)", vpcCIDR: vpc)
        configuration.vpcID = "vpc-test\(suffix)"
        configuration.enableGlobalForwarding = false
        configuration.hostAccess = hostAccess
        configuration.metadata = metadata
        network = try TaskNetwork(store: store, configuration: configuration, logger: Logger(label: "test"))
        try network.reconcile(keep: [])
    }

    /// A pinned network namespace, as `berth-shim --pin-netns` makes one.
    func namespace(_ name: String) throws -> String {
        let full = "bt\(suffix)-\(name)"
        let result = sh(["ip", "netns", "add", full])
        guard result.status == 0 else { throw NetworkError.invalidParameter("ip netns add: \(result.output)") }
        namespaces.append(full)
        return "/run/netns/\(full)"
    }

    /// busybox httpd on port 80 inside the namespace, serving "hello".
    func httpServer(in netns: String, port: Int = 80) throws {
        let root = directory + "/www-\(servers.count)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "hello\n".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
        process.arguments = ["--net=\(netns)", "/bin/busybox", "httpd", "-f", "-p", "\(port)", "-h", root]
        try process.run()
        servers.append(process)
        usleep(150_000)
    }

    /// An HTTP server on the host itself, bound to every address (as a developer's dev server or database
    /// is), on a free port; returns the port.
    @discardableResult
    func hostServer(port requested: Int? = nil) throws -> Int {
        let root = directory + "/host-www-\(servers.count)"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try "host\n".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        let port = requested ?? Self.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/busybox")
        process.arguments = ["httpd", "-f", "-p", "0.0.0.0:\(port)", "-h", root]
        try process.run()
        servers.append(process)
        for _ in 0..<100 where !reachable("http://127.0.0.1:\(port)/") { usleep(50_000) }
        return port
    }

    /// A TCP port nothing on the host listens on now (the kernel's choice for an ephemeral bind).
    static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { Glibc.close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 ? getsockname(descriptor, $0, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// An "upstream" server outside the VPC: a namespace at 10.199.<octet>.2 behind a veth whose host end
    /// (10.199.<octet>.1) forwards, so only this test's packets can reach it.
    func upstream(octet: Int) throws -> IPv4Address {
        let path = try namespace("up")
        let name = "bt\(suffix)-up"
        let link = "u\(suffix)"
        for command in [
            ["ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", name],
            ["ip", "addr", "add", "10.199.\(octet).1/24", "dev", link], ["ip", "link", "set", link, "up"],
            ["sysctl", "-qw", "net.ipv4.conf.\(link).forwarding=1"],
            ["ip", "-n", name, "addr", "add", "10.199.\(octet).2/24", "dev", "eth0"],
            ["ip", "-n", name, "link", "set", "eth0", "up"], ["ip", "-n", name, "link", "set", "lo", "up"],
        ] {
            let result = sh(command)
            guard result.status == 0 else { throw NetworkError.invalidParameter("\(command): \(result.output)") }
        }
        extraLinks.append(link)
        try httpServer(in: path)
        return IPv4Address("10.199.\(octet).2")!
    }

    /// Whether an HTTP GET of url succeeds, from the host or from inside `netns` (from `local`, an address and
    /// port, if given: the address, so a TIME_WAIT of the host's on the port's other address does not block it).
    func reachable(_ url: String, from netns: String? = nil, local: (address: String, port: Int)? = nil) -> Bool {
        var command = ["curl", "-s", "-o", "/dev/null", "--max-time", "2", "-w", "%{http_code}", url]
        if let local { command += ["--interface", local.address, "--local-port", "\(local.port)"] }
        if let netns { command = ["nsenter", "--net=\(netns)"] + command }
        let result = sh(command)
        return result.status == 0 && result.output == "200"
    }

    /// What the lab's nft table holds.
    func ruleset() -> String { sh(["nft", "list", "table", "inet", network.configuration.table]).output }

    func links() -> [String] {
        sh(["ip", "-o", "link", "show"]).output.split(separator: "\n").compactMap {
            $0.split(separator: ":").dropFirst().first?.trimmingCharacters(in: .whitespaces)
                .split(separator: "@").first.map(String.init)
        }
    }

    func close() {
        for server in servers where server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        _ = try? network.reconcile(keep: [])
        _ = try? network.removeFirewall()
        for link in extraLinks { sh(["ip", "link", "del", link]) }
        for subnet in (try? network.describeSubnets()) ?? [] { sh(["ip", "link", "del", subnet.bridge]) }
        for name in namespaces { sh(["ip", "netns", "del", name]) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension NetworkLab {
    /// Every URL answers (from the host).
    func reachesAll(_ urls: [String]) -> Bool { urls.allSatisfy { reachable($0) } }
}

extension NetworkLab {
    /// A kernel counter (nstat's name) inside a namespace; they start at zero with the namespace.
    func counter(_ name: String, in netns: String) -> Int {
        let output = sh(["nsenter", "--net=\(netns)", "nstat", "-az", name]).output
        let line = output.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
            .flatMap { Int($0) } ?? -1
    }
}
