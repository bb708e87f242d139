import API
import ArgumentParser
import Engine
import Foundation
import LinuxKit

/// `berth daemon start|stop|status|credentials`: berthd in the background, for people who do not run it
/// under a service manager (berthd itself runs in the foreground).
struct DaemonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon", abstract: "Start, stop and inspect berthd, and print its API credential.",
        subcommands: [Start.self, Stop.self, Status.self, Credentials.self])

    struct Locations: ParsableArguments {
        @Option(help: "berthd's state directory.")
        var root: String = "/var/lib/berth"

        @Option(help: "berthd's runtime directory (socket, pid file, network namespaces).")
        var runDirectory: String = "/run/berth"

        var pidFile: String { "\(runDirectory)/berthd.pid" }
        var socket: String { "\(runDirectory)/berth.sock" }

        /// The pid in the pid file, if that process is alive.
        func runningPID() -> pid_t? {
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
                let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), kill(pid, 0) == 0
            else { return nil }
            return pid
        }
    }

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start berthd in the background.")
        @OptionGroup var locations: Locations
        @Option(help: "Also serve loopback TCP at 127.0.0.1:PORT (SigV4-signed requests).")
        var listen: String?
        @Flag(help: "Tasks keep running when `berth daemon stop` stops berthd; the next berthd adopts them.")
        var keepTasks = false
        @Option(help: "berthd's network instance (a second berthd on the machine needs its own; see berthd --help).")
        var networkName: String?
        @Option(help: "berthd's VPC CIDR (must not overlap the host's routes or another berthd's VPC).")
        var vpcCidr: String?
        @Option(help: "Where berthd's task metadata endpoint listens (default: ECS's; see berthd --help).")
        var metadataListen: String?
        @Flag(help: "Let tasks reach every service on the host (see berthd --help); off by default, as on Fargate.")
        var hostAccess = false

        func run() throws {
            if let pid = locations.runningPID() {
                print("berthd is already running (pid \(pid))")
                return
            }
            try FileManager.default.createDirectory(atPath: locations.runDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: locations.root, withIntermediateDirectories: true)
            var arguments = ["--root", locations.root, "--run-directory", locations.runDirectory]
            if let listen { arguments += ["--listen", listen] }
            if let networkName { arguments += ["--network-name", networkName] }
            if let vpcCidr { arguments += ["--vpc-cidr", vpcCidr] }
            if let metadataListen { arguments += ["--metadata-listen", metadataListen] }
            if hostAccess { arguments.append("--host-access") }
            if !keepTasks { arguments.append("--stop-tasks-on-exit") }
            let log = "\(locations.root)/berthd.log"
            let pid = try ProcessSpawner.spawn(
                try HelperBinaries.path(of: "berthd"), arguments: arguments,
                environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],
                newProcessGroup: true, stdoutPath: log, stderrPath: log)
            try "\(pid)\n".write(toFile: locations.pidFile, atomically: true, encoding: .utf8)
            // Ready when the socket accepts connections; bounded, and a crash is reported at once.
            for _ in 0..<200 {
                if FileManager.default.fileExists(atPath: locations.socket), kill(pid, 0) == 0 {
                    print("berthd started (pid \(pid)), socket \(locations.socket), log \(log)")
                    return
                }
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    throw ValidationError("berthd exited at once (\(ExitStatus(waitStatus: status))); see \(log)")
                }
                usleep(50_000)
            }
            throw ValidationError("berthd did not open \(locations.socket) within 10 s; see \(log)")
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the background berthd (its tasks stop too, unless it was started with --keep-tasks).")
        @OptionGroup var locations: Locations

        func run() throws {
            guard let pid = locations.runningPID() else {
                print("berthd is not running")
                return
            }
            kill(pid, SIGTERM)
            for _ in 0..<1200 where kill(pid, 0) == 0 { usleep(50_000) }
            guard kill(pid, 0) != 0 else { throw ValidationError("berthd (pid \(pid)) did not stop within 60 s") }
            try? FileManager.default.removeItem(atPath: locations.pidFile)
            print("berthd stopped")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say whether berthd is running.")
        @OptionGroup var locations: Locations

        func run() throws {
            if let pid = locations.runningPID() {
                print("berthd is running (pid \(pid)), socket \(locations.socket)")
            } else {
                print("berthd is not running")
                throw ExitCode(3)
            }
        }
    }

    struct Credentials: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the credential for berthd's loopback TCP endpoint, in the aws config-file form.")
        @Option(help: "berthd's state directory.")
        var root: String = "/var/lib/berth"

        func run() throws {
            print(try DaemonCredential.loadOrCreate(root: root).configFileText, terminator: "")
        }
    }
}
