// berthd: the local ECS daemon. Serves the ECS JSON protocol on a Unix socket (and, when asked, on
// loopback TCP with SigV4), keeps state in SQLite under --root, and runs tasks through berth-shim.
import API
import ArgumentParser
import CLinuxKit
import Cgroups
import ECSModel
import Engine
import Foundation
import Images
import Logging
import Registry
import Store
import VPCNetwork

@main
struct Berthd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berthd", abstract: "The berth daemon: a local ECS endpoint that runs Fargate tasks.")

    @Option(help: "Directory holding berth's state (images, the SQLite store, task files).")
    var root: String = "/var/lib/berth"

    @Option(help: "Directory for runtime files: the socket and pinned network namespaces.")
    var runDirectory: String = "/run/berth"

    @Option(help: "The Unix socket to serve (default <run-directory>/berth.sock; BERTH_SOCKET also sets it).")
    var socket: String?

    @Option(help: "Also serve loopback TCP at 127.0.0.1:PORT; requests must be SigV4-signed with berthd's credential.")
    var listen: String?

    @Option(help: "The region in ARNs.")
    var region: String = "us-east-1"

    @Option(help: "The account id in ARNs.")
    var accountId: String = "000000000000"

    @Flag(
        help: """
            Stop every task when berthd exits on SIGTERM/SIGINT. By default tasks keep running, as they do \
            when the ECS agent restarts, and the next berthd adopts them.
            """)
    var stopTasksOnExit = false

    @Option(help: "The cgroup driver: auto (detected), v2 (unified) or v1 (hybrid hosts).")
    var cgroupDriver: String = "auto"

    @Option(
        help: ArgumentHelp(
            """
            Where the task metadata endpoint listens, and so where tasks reach it. A second berthd on the machine \
            needs another port, e.g. \(MetadataEndpoint.ecsDefault.address):51679.
            """, valueName: "address:port"))
    var metadataListen: String = MetadataEndpoint.ecsDefault.description

    @Flag(
        help: """
            Let tasks reach every service on the host, through their gateway (host.berth.internal and \
            host.docker.internal inside them). Off by default, as on Fargate: tasks reach only the metadata \
            endpoint and their DNS resolvers on the host's own addresses.
            """)
    var hostAccess = false

    @Option(
        help: """
            The network instance: `berth` owns nft table inet berth, bridges berth0.. and veths bv*; another \
            name N (1-5 letters/digits) owns inet berth-N, berth-N0.., vN*. Two berthds need different names.
            """)
    var networkName: String = "berth"

    @Option(help: "The VPC's CIDR (/16 to /24): subnets are carved from it. Must not overlap the host's routes.")
    var vpcCidr: String = VPCNetwork.NetworkConfiguration.defaultVPCCIDR.description

    @Option(
        help: ArgumentHelp(
            """
            When RunTask pulls a container's image, as the ECS agent's ECS_IMAGE_PULL_BEHAVIOR: default (always \
            pull, run the cached image if the pull fails), always (pull; a failed pull fails the task), once (pull \
            unless an earlier pull stored it), prefer-cached (pull only what the store lacks, imported or pulled).
            """, valueName: "behavior"))
    var imagePullBehavior: String = PullBehavior.berthdDefault.rawValue

    @Option(
        help:
            "registries.conf (v2) for mirrors, insecure and blocked registries (default $CONTAINERS_REGISTRIES_CONF or /etc/containers/registries.conf)."
    )
    var registriesConf: String?

    @Option(
        help:
            "A certs.d directory (<dir>/<host:port>/ca.crt adds a CA for that registry); repeatable. Default /etc/containers/certs.d and /etc/docker/certs.d."
    )
    var registryCertsDir: [String] = []

    @Option(help: "Seconds between cleanups of unused images, as the ECS agent does (0: never).")
    var imageCleanupInterval: Int = 1800

    @Option(
        help: "An image no container has used for this many seconds is removed by the cleanup (at most 5 each time).")
    var imageCleanupAge: Int = 3600

    func run() async throws {
        // glibc gives each thread that allocates an arena of its own (up to 8 per CPU) and keeps what they
        // free: task supervisors run on Dispatch worker threads, and berthd's idle RSS grew from 34 to 51 MiB
        // over 50 tasks started and stopped; with two arenas it stays at 39 (2-vCPU VM).
        _ = bk_malloc_arena_max(2)
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["BERTH_DEBUG"] == "1" ? .debug : .info
            return handler
        }
        let logger = Logger(label: "berthd")
        let socketPath =
            socket ?? ProcessInfo.processInfo.environment["BERTH_SOCKET"] ?? "\(runDirectory)/berth.sock"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        guard let vpc = IPv4CIDR(vpcCidr) else { throw ValidationError("--vpc-cidr takes a CIDR such as 10.88.0.0/16") }
        var networkConfiguration: VPCNetwork.NetworkConfiguration
        let metadataListener: MetadataEndpoint
        do {
            networkConfiguration = try VPCNetwork.NetworkConfiguration.instance(networkName, vpcCIDR: vpc)
            metadataListener = try MetadataEndpoint(parsing: metadataListen)
        } catch {
            throw ValidationError("\(error)")
        }
        networkConfiguration.metadata = metadataListener
        networkConfiguration.hostAccess = hostAccess
        // The same resolvers the tasks' resolv.conf names: an unreadable file gives tasks Docker's fallback
        // public resolvers, which need no exception on the host.
        networkConfiguration.nameservers = HostNameservers.parse(
            resolvConf: (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? "")
        // One berthd per state directory and per network instance; the locks go with the process.
        try DaemonLock.acquire(
            "\(root)/berthd.lock", what: "the state directory \(root)", hint: "give each berthd its own --root")
        try DaemonLock.acquire(
            "/run/lock/berth-network-\(networkConfiguration.table).lock",
            what: "the network instance '\(networkName)' (nft table inet \(networkConfiguration.table))",
            hint: "give each berthd its own --network-name and --vpc-cidr")
        let images = try ImageStore(root: root)
        let store = try BerthStore(path: "\(root)/state.db")
        // Every task gets Fargate's limits or berthd does not start: never a silently unlimited task.
        guard let mode = CgroupMode(rawValue: cgroupDriver) else {
            throw ValidationError("--cgroup-driver takes auto, v1 or v2, not \(cgroupDriver)")
        }
        let cgroups: any CgroupDriver
        do {
            // Not "tasks": on cgroup v1 that is the interface file listing a group's threads.
            cgroups = try CgroupDiscovery.driver(CgroupConfiguration(mode: mode, tasksDirectory: "berth-tasks"))
            try cgroups.adoptDaemon()
        } catch {
            throw ValidationError("berthd cannot manage cgroups: \(error)")
        }
        logger.info("cgroups", metadata: ["driver": "\(cgroups.version)", "tasks": "\(cgroups.tasksDirectories)"])
        let shimPath = try HelperBinaries.path(of: "berth-shim")
        do {
            // The one sealed copy every shim of this berthd runs from, made now: its cost is paid once,
            // and a berthd that cannot make it refuses to start rather than run shims from the host file.
            _ = try HelperBinaries.sealed(shimPath)
        } catch {
            throw ValidationError("berthd cannot make a sealed copy of \(shimPath): \(error)")
        }
        var engine = EngineEnvironment(
            root: root, shimPath: shimPath, netnsDirectory: "\(runDirectory)/netns", images: images, logger: logger,
            cgroups: cgroups)
        guard let pullBehavior = PullBehavior(rawValue: imagePullBehavior) else {
            throw ValidationError(
                "--image-pull-behavior takes \(PullBehavior.allCases.map(\.rawValue).joined(separator: ", ")), not \(imagePullBehavior)"
            )
        }
        guard imageCleanupInterval >= 0, imageCleanupAge >= 0 else {
            throw ValidationError("--image-cleanup-interval and --image-cleanup-age take seconds (0 or more)")
        }
        do {
            // berthd holds the instance's lock: what of it the kernel has and the store does not know was left by a
            // berthd that is gone, and is reclaimed.
            engine.network = try TaskNetwork(
                store: store, configuration: networkConfiguration, logger: logger, reclaimingStaleObjects: true)
        } catch {
            throw ValidationError("berthd cannot set up awsvpc networking: \(error)")
        }
        engine.fargateEnvironment = [
            "AWS_EXECUTION_ENV=AWS_ECS_FARGATE", "AWS_REGION=\(region)", "AWS_DEFAULT_REGION=\(region)",
        ]
        if !metadataListener.isLoopback {
            do {
                try engine.network?.ensureMetadataAddress()
            } catch {
                logger.warning("cannot add the metadata endpoint's address", metadata: ["error": "\(error)"])
            }
        }
        var registrySettings = RegistrySettings.standard(environment: ProcessInfo.processInfo.environment)
        if let registriesConf { registrySettings.registriesConfPath = registriesConf }
        if !registryCertsDir.isEmpty { registrySettings.certsDirectories = registryCertsDir }
        // Made once nothing before it can refuse the start: an AsyncHTTPClient must be shut down, not dropped.
        let registry: RegistryClient
        do {
            registry = try RegistryClient(settings: registrySettings, logger: logger)
        } catch {
            throw ValidationError("berthd cannot set up its registry client: \(error)")
        }
        engine.puller = ImagePuller(store: images, client: registry, logger: logger)
        engine.pullBehavior = pullBehavior
        let metadataHandler = MetadataHandler()
        let metadata = await startMetadataEndpoint(metadataListener, handler: metadataHandler, logger: logger)
        if metadata != nil { engine.metadataEndpoint = metadataListener.baseURL }
        let service = ECSService(
            configuration: ServiceConfiguration(region: region, accountID: accountId), store: store, engine: engine)
        metadataHandler.service = service
        try await service.reconcileAfterRestart()

        var tcp: ECSServerConfiguration.TCPListener? = nil
        if let listen {
            let parts = listen.split(separator: ":")
            guard parts.count == 2, let port = Int(parts[1]) else {
                throw ValidationError("--listen takes 127.0.0.1:PORT, got \(listen)")
            }
            let credential = try DaemonCredential.loadOrCreate(root: root)
            tcp = try ECSServerConfiguration.TCPListener(host: String(parts[0]), port: port, credential: credential)
        }
        let server = ECSServer(
            configuration: ECSServerConfiguration(unixSocketPath: socketPath, tcp: tcp),
            handler: ServiceHandler(service: service), logger: logger)
        try await server.start()
        logger.info(
            "berthd serving",
            metadata: [
                "socket": "\(socketPath)", "tcp": "\(server.tcpPort.map { "127.0.0.1:\($0)" } ?? "off")",
                "root": "\(root)",
            ])
        // ECS keeps stopped tasks describable for at least an hour; berth keeps them one, then purges.
        let purger = Task {
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: 600 * 1_000_000_000)
                try? service.purgeStoppedTasks(olderThan: Date().addingTimeInterval(-3600))
            }
        }
        let imageCleaner = Task {
            guard imageCleanupInterval > 0 else { return }
            while !Task.isCancelled {
                try? await Task.sleep(nanoseconds: UInt64(imageCleanupInterval) * 1_000_000_000)
                await service.removeUnusedImages(unusedFor: TimeInterval(imageCleanupAge))
            }
        }
        await Self.waitForTermination()
        purger.cancel()
        imageCleaner.cancel()
        logger.info("berthd stopping")
        try await server.stop()
        await metadata?.stop()
        if stopTasksOnExit { await service.stopAllTasks(reason: "berthd stopped") }
        // Last: a task still pulling fails its pull now rather than be stopped by it; a failure here loses nothing.
        try? await registry.shutdown()
        if await service.hasUnfinishedTasks() {
            logger.info("tasks keep running; the next berthd adopts them")
        } else {
            // Nothing left to adopt, whatever the flags: a berthd leaves no group, bridge, rule or address
            // behind, so a berthd with another state directory can start on this network instance.
            do {
                try cgroups.removeTasksDirectory()
            } catch {
                logger.error("cannot remove berth's task cgroups", metadata: ["error": "\(error)"])
            }
            do {
                try engine.network?.removeKernelStateIfIdle()
            } catch {
                logger.error("cannot remove berth's bridges and nft table", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The task metadata endpoint; without it berthd still serves the API (tasks then find nothing at
    /// ECS_CONTAINER_METADATA_URI_V4), and says so.
    func startMetadataEndpoint(
        _ endpoint: MetadataEndpoint, handler: MetadataHandler, logger: Logger
    ) async -> TaskMetadataServer? {
        do {
            let server = try await TaskMetadataServer(
                host: endpoint.address.description, port: endpoint.port, handler: handler, logger: logger)
            logger.info("task metadata endpoint", metadata: ["listen": "\(endpoint.address):\(server.port)"])
            return server
        } catch {
            logger.warning(
                "no task metadata endpoint (another berthd on the machine? give it --metadata-listen with another port)",
                metadata: ["listen": "\(endpoint)", "error": "\(error)"])
            return nil
        }
    }

    /// Until SIGTERM or SIGINT.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "berthd.signals")
            let once = ResumeOnce(continuation)
            for signal in [SIGTERM, SIGINT] {
                Glibc.signal(signal, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
                source.setEventHandler { once.resume() }
                source.resume()
                SignalSources.keep(source)
            }
        }
    }
}

/// The metadata endpoint starts before the service exists (tasks need its address); answers once it does.
final class MetadataHandler: TaskMetadataHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var _service: ECSService?
    var service: ECSService? {
        get { lock.withLock { _service } }
        set { lock.withLock { _service = newValue } }
    }

    func metadata(path: String, from client: String?) async -> (status: Int, body: Data) {
        guard let service else { return (503, Data(#"{"error":"berthd is starting"}"#.utf8)) }
        return await service.metadata(path: path, from: client)
    }
}

/// Adapts the engine's ECS service to the API server's handler protocol.
struct ServiceHandler: ECSOperationHandler {
    let service: ECSService

    func handle(operation: String, body: Data, context: RequestContext) async throws -> Data {
        try await service.handle(operation: operation, body: body)
    }
}

final class ResumeOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
    func resume() {
        lock.withLock {
            continuation?.resume()
            continuation = nil
        }
    }
}

enum SignalSources {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}

/// An exclusive lock on a file for the life of the process (flock, released by the kernel when berthd exits,
/// however it exits); the file names the holder's pid for the error a second berthd gets.
enum DaemonLock {
    nonisolated(unsafe) private static var held: [Int32] = []

    static func acquire(_ path: String, what: String, hint: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            close(descriptor)
            let holder = String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            throw ValidationError(
                "another berthd\(holder.isEmpty ? "" : " (pid \(holder))") is using \(what); \(hint)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pid.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        held.append(descriptor)
    }
}
