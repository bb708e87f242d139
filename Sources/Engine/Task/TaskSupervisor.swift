import CLinuxKit
import Cgroups
import ECSModel
import Foundation
import Images
import Isolation
import LinuxKit
import Logging
import VPCNetwork

/// Where the engine keeps things and which helper it starts; shared by every task supervisor.
public struct EngineEnvironment: Sendable {
    public var root: String
    public var shimPath: String
    /// Directory holding the pinned network namespaces of tasks.
    public var netnsDirectory: String
    public var images: ImageStore
    public var logger: Logger
    /// Fargate's limits for every task and container; nil only where a caller has no cgroups to manage
    /// (berthd refuses to start without them).
    public var cgroups: (any CgroupDriver)?
    /// awsvpc networking (veth, address, security groups, port mappings); nil leaves tasks on loopback.
    public var network: TaskNetwork?
    /// The task metadata endpoint's base URL (http://169.254.170.2); each container gets
    /// ECS_CONTAINER_METADATA_URI_V4 (and the v3 name) under it.
    public var metadataEndpoint: String?
    /// What Fargate sets in every container (AWS_EXECUTION_ENV, AWS_REGION, ...), "NAME=value".
    public var fargateEnvironment: [String] = []
    /// Pulls images the store lacks (or, per `pullBehavior`, every time); nil: tasks run only stored images.
    public var puller: ImagePuller?
    public var pullBehavior: PullBehavior = .berthdDefault

    public init(
        root: String, shimPath: String, netnsDirectory: String, images: ImageStore, logger: Logger,
        cgroups: (any CgroupDriver)? = nil
    ) {
        self.root = root
        self.shimPath = shimPath
        self.netnsDirectory = netnsDirectory
        self.images = images
        self.logger = logger
        self.cgroups = cgroups
    }

    public func taskDirectory(_ taskID: String) -> String { "\(root)/tasks/\(taskID)" }

    /// berth-shim as every spawn runs it: the process's one sealed copy of `shimPath`.
    func shim() throws -> SealedExecutable { try HelperBinaries.sealed(shimPath) }
}

/// One container of a task as the service decided it: the definition with RunTask's overrides applied.
public struct PlannedContainer: Sendable {
    public var definition: ContainerDefinition
    public var runtimeID: String

    public init(definition: ContainerDefinition, runtimeID: String = ContainerIdentifier.generate()) {
        self.definition = definition
        self.runtimeID = runtimeID
    }

    var name: String { definition.name ?? "" }
    var essential: Bool { definition.essential ?? true }
    /// ECS's default grace period between the stop signal and SIGKILL is 30 s (stopTimeout, 2-120).
    var stopTimeout: Int { definition.stopTimeout ?? 30 }
}

/// Runs one ECS task: its network namespace, its containers through berth-shim in `dependsOn` order,
/// health checks, the lifecycle from PROVISIONING to STOPPED, essential-container and StopTask
/// semantics with each image's STOPSIGNAL and the containers' stopTimeout, and cleanup. Each change is
/// reported through `onChange` (the daemon persists it before anyone can observe it).
///
/// The shims are not tied to berthd: a task keeps running when berthd dies, and a new berthd adopts it
/// (`adopt`) from `runtime.json`, which names every process with its start time.
public actor TaskSupervisor {
    /// The supervisor's own serial queue (see `QueueExecutor`); `onChange` runs on it too (nonsending).
    private nonisolated let executor: QueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    public nonisolated let taskID: String
    /// Container name -> runtime id (the metadata endpoint finds a container's task by it).
    public nonisolated let runtimeIDs: [String: String]
    private let containers: [PlannedContainer]
    private let pidMode: String?
    private let environment: EngineEnvironment
    private let onChange: nonisolated(nonsending) @Sendable (TaskSnapshot) async -> Void
    private var snapshot: TaskSnapshot
    private var runtime: TaskRuntimeRecord
    /// Running container shims by container name.
    private var shims: [String: pid_t] = [:]
    private var everStarted: Set<String> = []
    private var containerStartedAt: [String: Date] = [:]
    private var health: [String: HealthTracker] = [:]
    private var holderShim: pid_t?
    /// Containers whose shims a previous berthd started: no wait status, only the shim's exit file.
    private var adopted: Set<String> = []
    /// Containers whose shim berth had to SIGKILL: exit code 137 even without the shim's record.
    private var killedShims: Set<String> = []
    private var images: [String: ImageRecord] = [:]
    /// Bumped on every (re)start of a container, so a health-check loop of an earlier run ends.
    private var runGeneration: [String: Int] = [:]
    private var restartCounts: [String: Int] = [:]
    /// How long each container's last run lasted, as its shim measured it.
    private var ranSeconds: [String: Double] = [:]
    /// The task's address in its subnet, once networking gave it one.
    private var privateAddress: String?
    /// OOM kills already accounted for per container (a restarted container keeps its group).
    private var oomKillsSeen: [String: UInt64] = [:]
    private var stopRequested = false
    private var exitWaiters: [String: [CheckedContinuation<Void, Never>]] = [:]
    private var finished: [CheckedContinuation<TaskSnapshot, Never>] = []

    public init(
        taskID: String, containers: [PlannedContainer], pidMode: String? = nil, cpu: Int? = nil, memory: Int? = nil,
        awsvpc: AwsvpcPlacement? = nil, environment: EngineEnvironment, createdAt: Date = Date(),
        onChange: nonisolated(nonsending) @escaping @Sendable (TaskSnapshot) async -> Void
    ) {
        self.taskID = taskID
        executor = QueueExecutor(label: "berth.task.\(taskID)")
        self.containers = containers
        runtimeIDs = Dictionary(containers.map { ($0.name, $0.runtimeID) }, uniquingKeysWith: { a, _ in a })
        self.pidMode = pidMode
        self.environment = environment
        self.onChange = onChange
        snapshot = TaskSnapshot(
            taskID: taskID,
            containers: containers.map {
                ContainerSnapshot(
                    name: $0.name, image: $0.definition.image ?? "", runtimeID: $0.runtimeID, essential: $0.essential)
            },
            createdAt: createdAt)
        runtime = TaskRuntimeRecord(
            containers: containers.map(\.definition),
            runtimeIDs: Dictionary(containers.map { ($0.name, $0.runtimeID) }, uniquingKeysWith: { a, _ in a }),
            stopSignals: [:], pidMode: pidMode, cpu: cpu, memory: memory)
        runtime.awsvpc = awsvpc
    }

    /// A task a previous berthd started: its state as stored, its processes as `runtime.json` names them.
    public init(
        adopting snapshot: TaskSnapshot, runtime: TaskRuntimeRecord, environment: EngineEnvironment,
        onChange: nonisolated(nonsending) @escaping @Sendable (TaskSnapshot) async -> Void
    ) {
        taskID = snapshot.taskID
        executor = QueueExecutor(label: "berth.task.\(snapshot.taskID)")
        containers = runtime.containers.map {
            PlannedContainer(definition: $0, runtimeID: runtime.runtimeIDs[$0.name ?? ""] ?? "")
        }
        runtimeIDs = runtime.runtimeIDs
        pidMode = runtime.pidMode
        self.environment = environment
        self.onChange = onChange
        var snapshot = snapshot
        for index in snapshot.containers.indices {
            let definition = runtime.containers.first { $0.name == snapshot.containers[index].name }
            snapshot.containers[index].essential = definition?.essential ?? true
        }
        self.snapshot = snapshot
        self.runtime = runtime
    }

    public var current: TaskSnapshot { snapshot }

    /// CPU, memory and pids of the task's group and each container's, from the kernel's counters.
    public func stats() -> TaskCgroupStats? {
        guard let driver = environment.cgroups, let group = runtime.cgroup else { return nil }
        return try? driver.stats(group)
    }

    var taskDirectory: String { environment.taskDirectory(taskID) }
    var netnsPath: String { "\(environment.netnsDirectory)/\(taskID)" }
    private func logger(_ container: String? = nil) -> Logger {
        var logger = environment.logger
        logger[metadataKey: "task"] = "\(taskID)"
        if let container { logger[metadataKey: "container"] = "\(container)" }
        return logger
    }

    // MARK: start

    /// Provisions and starts every container; returns once the task is RUNNING or has stopped.
    public func start() async {
        await onChange(snapshot)  // PROVISIONING, version 1: the task exists before anything is created
        do {
            try FileManager.default.createDirectory(
                atPath: "\(taskDirectory)/logs", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: environment.netnsDirectory, withIntermediateDirectories: true)
            try writeRuntime()
            try createTaskCgroup()
            try await pinNetworkNamespace()
            try await attachNetwork()
            await change {
                $0.lastStatus = .pending
                $0.pullStartedAt = Date()
            }
            let images = try await resolveImages()
            // A StopTask while the images were pulled has already torn the task down.
            guard !stopRequested else { return }
            self.images = images
            await change {
                $0.pullStoppedAt = Date()
                $0.lastStatus = .activating
                for index in $0.containers.indices {
                    $0.containers[index].imageDigest = images[$0.containers[index].name]?.id
                }
            }
            if pidMode == PidMode.task.rawValue { try await startPIDHolder() }
            try await startContainersInDependencyOrder(images: images)
            await change {
                if $0.lastStatus < .running && !self.stopRequested {
                    $0.lastStatus = .running
                    $0.startedAt = Date()
                    $0.connectivityAt = $0.startedAt
                }
            }
        } catch {
            let reason = (error as? TaskStartFailure)?.reason ?? "ResourceInitializationError: \(error)"
            logger().error("task failed to start", metadata: ["reason": "\(reason)"])
            await stop(code: .taskFailedToStart, reason: reason)
        }
    }

    /// The task's group with its Fargate size (cpu.max, memory.max, pids.max); containers get theirs at
    /// launch. Created before anything runs, so nothing of the task ever runs unlimited.
    private func createTaskCgroup() throws {
        guard let driver = environment.cgroups else { return }
        do {
            runtime.cgroup = try driver.createTaskGroup(
                taskID: taskID, limits: .task(TaskResources(cpuUnits: runtime.cpu, memoryMiB: runtime.memory)))
            try writeRuntime()
        } catch {
            throw TaskStartFailure("ResourceInitializationError: \(error)")
        }
    }

    private func containerCgroup(_ container: PlannedContainer) throws -> ContainerCgroup? {
        guard let driver = environment.cgroups, let task = runtime.cgroup else { return nil }
        let definition = container.definition
        do {
            return try driver.createContainerGroup(
                container.name, in: task,
                limits: .container(
                    ContainerResources(
                        cpuUnits: definition.cpu, memoryMiB: definition.memory,
                        memoryReservationMiB: definition.memoryReservation),
                    in: TaskResources(cpuUnits: runtime.cpu, memoryMiB: runtime.memory)))
        } catch {
            throw TaskStartFailure("ResourceInitializationError: container '\(container.name)': \(error)")
        }
    }

    /// The task's ENI: a veth into its subnet's bridge, its address, security groups and published ports,
    /// all in the pinned namespace before any container starts.
    private func attachNetwork() async throws {
        guard let network = environment.network, let placement = runtime.awsvpc else { return }
        let bindings = containers.flatMap { ECSService.publishedPorts($0.definition) }
        let attachment: NetworkAttachment
        do {
            attachment = try network.attach(
                taskID: taskID, netnsPath: netnsPath, subnetID: placement.subnetID,
                securityGroupIDs: placement.securityGroupIDs, assignPublicIp: placement.assignPublicIp,
                portMappings: bindings.map {
                    PortBinding(ipProtocol: $0.ipProtocol, containerPort: $0.containerPort, hostPort: $0.hostPort)
                })
        } catch {
            throw TaskStartFailure("ResourceInitializationError: failed to configure the task's ENI: \(error)")
        }
        privateAddress = attachment.privateIPv4Address.description
        let details = Dictionary(attachment.ecsDetails.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        await change {
            $0.eni = ENISnapshot(
                attachmentID: attachment.attachmentID, networkInterfaceID: attachment.networkInterfaceID,
                subnetID: attachment.subnetID, subnetCIDR: attachment.subnetCIDR.description,
                gateway: attachment.gateway.description,
                privateIPv4Address: attachment.privateIPv4Address.description, macAddress: attachment.macAddress,
                privateDnsName: details["privateDnsName"] ?? "", bindings: bindings)
        }
    }

    private func resolveImages() async throws -> [String: ImageRecord] {
        var images: [String: ImageRecord] = [:]
        for container in containers {
            let reference = container.definition.image ?? ""
            var image = try await image(reference, for: container.name)
            let (store, id) = (environment.images, container.runtimeID)
            do {
                // The container's layer leases its image now, not at launch: until then (dependsOn waits
                // included) an rm, prune or cleanup must not take it. The lease takes the store's flock:
                // off the cooperative pool.
                let leased = image
                _ = try await runBlocking { try store.createContainerLayer(id: id, image: leased) }
            } catch ImageError.notFound {
                // Removed between the lookup and the lease: once more, pulling it if need be.
                image = try await self.image(reference, for: container.name)
                let leased = image
                _ = try await runBlocking { try store.createContainerLayer(id: id, image: leased) }
            }
            images[container.name] = image
            if let signal = StopSignal.number(image.config.stopSignal) {
                runtime.stopSignals[container.name] = signal
            } else {
                logger(container.name).warning(
                    "unknown STOPSIGNAL in the image; using SIGTERM",
                    metadata: ["stopSignal": "\(image.config.stopSignal ?? "")"])
                runtime.stopSignals[container.name] = SIGTERM
            }
        }
        return images
    }

    private func repositoryCredentialsNote(_ container: String) -> String? {
        guard let parameter = containers.first(where: { $0.name == container })?.definition.repositoryCredentials
        else { return nil }
        return "repositoryCredentials \(parameter.credentialsParameter) is not read: berth has no Secrets"
            + " Manager; pulls use berthd's own credentials for the registry (berth images login)"
    }

    /// The container's image: from the store, or pulled as the pull behaviour says. A failure reads as
    /// Fargate's (`ImagePullReason`).
    private func image(_ text: String, for container: String) async throws -> ImageRecord {
        // repositoryCredentials names a Secrets Manager secret, which berth cannot read yet: the pull uses
        // the credentials berthd itself has for the registry, and every message about the pull says so.
        let credentialsNote = repositoryCredentialsNote(container)
        func failure(_ error: Error) -> TaskStartFailure {
            TaskStartFailure(
                ImagePullReason.stoppedReason(image: text, container: container, error: error)
                    + (credentialsNote.map { " (\($0))" } ?? ""))
        }
        if let credentialsNote { logger(container).warning("\(credentialsNote)") }
        let lookup = Result { try environment.images.resolve(text) }
        let cached = try? lookup.get()
        guard let puller = environment.puller else {
            do { return try lookup.get() } catch { throw failure(error) }
        }
        let reference: ImageReference
        do {
            reference = try ImageReference.parse(text)
        } catch {
            // An id or id prefix names a stored image only; nothing to pull.
            if let cached { return cached }
            throw failure(error)
        }
        switch environment.pullBehavior.decide(
            cached: cached != nil, pulledBefore: !(cached?.repoDigests.isEmpty ?? true))
        {
        case .useCached:
            return cached!
        case .pull(let fallBackToCached):
            do {
                return try await puller.pull(reference).record
            } catch {
                if fallBackToCached, let cached {
                    logger(container).warning(
                        "pull failed; running the cached image",
                        metadata: ["image": "\(text)", "error": "\(error)"])
                    return cached
                }
                throw failure(error)
            }
        }
    }

    /// Each container starts once its `dependsOn` conditions hold; one that can never hold, or does not
    /// within the container's `startTimeout`, fails the task with the reason (it never hangs in PENDING).
    private func startContainersInDependencyOrder(images: [String: ImageRecord]) async throws {
        var pending = containers
        let began = Date()
        while !pending.isEmpty && !stopRequested {
            var launched = false
            for container in pending {
                guard !stopRequested else { break }
                switch ContainerDependencies.verdict(for: container.definition, observed: observedContainers()) {
                case .ready:
                    pending.removeAll { $0.name == container.name }
                    try await launchAndAwaitReadiness(container, image: images[container.name]!)
                    launched = true
                case .waiting:
                    if let timeout = container.definition.startTimeout,
                        Date().timeIntervalSince(began) > TimeInterval(timeout)
                    {
                        let conditions = (container.definition.dependsOn ?? [])
                            .map { "\($0.containerName) \($0.condition.rawValue)" }.joined(separator: ", ")
                        throw TaskStartFailure(
                            "Container '\(container.name)' timed out after its startTimeout of \(timeout) seconds "
                                + "waiting for its dependencies (\(conditions))")
                    }
                case .unsatisfiable(let reason):
                    throw TaskStartFailure(reason)
                }
            }
            if !launched && !pending.isEmpty { try? await Task.sleep(nanoseconds: 100_000_000) }
        }
    }

    private func observedContainers() -> [String: ContainerDependencies.Observed] {
        var observed: [String: ContainerDependencies.Observed] = [:]
        for container in snapshot.containers {
            observed[container.name] = ContainerDependencies.Observed(
                started: everStarted.contains(container.name), stopped: container.lastStatus == .stopped,
                exitCode: container.exitCode, health: health[container.name]?.status ?? .unknown)
        }
        return observed
    }

    // MARK: containers

    private func launchAndAwaitReadiness(_ container: PlannedContainer, image: ImageRecord) async throws {
        let ready = try launch(container, image: image)
        // RUNNING means running: the shim says so once the payload has exec'd, with its host pid.
        guard let pid = await ShimReadiness.wait(ready) else { return }
        everStarted.insert(container.name)
        containerStartedAt[container.name] = Date()
        if let shim = shims[container.name], let process = TaskRuntimeRecord.Process.current(shim) {
            runtime.running[container.name] = .init(shim: process, containerPID: pid)
            try? writeRuntime()
        }
        await change {
            if let index = $0.containers.firstIndex(where: { $0.name == container.name }),
                $0.containers[index].lastStatus == .pending
            {
                $0.containers[index].lastStatus = .running
            }
        }
        startHealthChecks(container)
    }

    /// Starts the container's shim; returns the read end of its readiness pipe.
    private func launch(_ container: PlannedContainer, image: ImageRecord) throws -> Int32 {
        // The layer and its lease on the image exist since the image was resolved (and survive restarts).
        let layer = try environment.images.createContainerLayer(id: container.runtimeID)
        let context = ContainerLaunchContext(
            containerID: container.runtimeID, hostname: String(taskID.prefix(12)), rootfsTarget: layer.mergedDir,
            overlayOptions: environment.images.overlayOptions(for: image, layer: layer), networkNamespacePath: netnsPath
        )
        var plan: ContainerLaunchPlan
        do {
            plan = try ContainerLaunchPlanner.plan(
                container: container.definition, image: image.config, context: context, ulimits: .forThisProcess())
        } catch {
            throw TaskStartFailure("CannotStartContainerError: \(error.message)")
        }
        for warning in plan.warnings { logger(container.name).warning("\(warning)") }
        // The daemon's tasks outlive berthd; a restarted berthd adopts them.
        plan.spec.dieWithParent = false
        if let holder = runtime.pidHolder { plan.spec.pidNamespacePath = "/proc/\(holder.pid)/ns/pid" }
        // Fargate's variables, unless the definition (or image) sets the same name.
        var injected = environment.fargateEnvironment
        if let endpoint = environment.metadataEndpoint {
            injected += [
                "ECS_CONTAINER_METADATA_URI_V4=\(endpoint)/v4/\(container.runtimeID)",
                "ECS_CONTAINER_METADATA_URI=\(endpoint)/v3/\(container.runtimeID)",
            ]
        }
        for variable in injected {
            let name = variable.prefix { $0 != "=" }
            if !plan.spec.env.contains(where: { $0.hasPrefix("\(name)=") }) { plan.spec.env.append(variable) }
        }
        if let group = try containerCgroup(container), let driver = environment.cgroups {
            plan.spec.cgroupProcsFiles = group.procsFiles
            plan.spec.cgroupFilesystem = ContainerLaunchPlanner.cgroupFilesystem(driver.namespaceView)
            runtime.containerCgroups[container.name] = group
        }
        // With host access opted in, the host has a name inside the task: its gateway.
        let hostGateway = environment.network?.configuration.hostAccess == true ? snapshot.eni?.gateway : nil
        plan.spec.fileMounts = try TaskNameFiles.write(
            to: taskDirectory, hostname: String(taskID.prefix(12)), address: privateAddress, hostGateway: hostGateway
        ).map { FileMount(source: $0.source, target: $0.target) }
        let logPath = TaskLogPaths.logPath(
            taskDirectory: taskDirectory, container: container.definition, taskID: taskID)
        try FileManager.default.createDirectory(
            atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        plan.spec.logPath = logPath
        plan.spec.exitCodePath = exitCodePath(container.name)
        try? FileManager.default.removeItem(atPath: exitCodePath(container.name))
        if plan.spec.seccomp {
            plan.spec.seccompProgramPath = try SeccompProgramCache(root: environment.root).programPath(
                for: plan.spec.capabilities)
        }
        try LaunchSpecCodec.write(plan.spec, to: specPath(container.name))
        var ready: [Int32] = [0, 0]
        try syscallChecked("pipe for \(container.name)") { bk_pipe2(&ready, O_CLOEXEC) }
        let pid: pid_t
        do {
            let shim = try environment.shim()
            pid = try ProcessSpawner.spawnShim(
                shim.path, argumentZero: shim.name, arguments: [specPath(container.name), String(getpid()), "3"],
                logPath: shimLogPath(container.name), readyFD: ready[1])
        } catch {
            close(ready[0])
            close(ready[1])
            throw error
        }
        close(ready[1])
        ChildReaper.shared.expect(pid)
        shims[container.name] = pid
        watchExit(of: container.name, shim: pid)
        return ready[0]
    }

    private func watchExit(of name: String, shim pid: pid_t) {
        Task { [weak self] in
            let status = await ChildReaper.shared.exitStatus(of: pid)
            await self?.containerExited(name, shim: pid, status: status)
        }
    }

    private func containerExited(_ name: String, shim: pid_t, status: ExitStatus?) async {
        guard shims[name] == shim || status == nil else { return }
        shims[name] = nil
        runtime.running[name] = nil
        try? writeRuntime()
        let container = containers.first { $0.name == name }
        let launchFailure = Self.launchFailure(in: shimLogPath(name), runtimeID: container?.runtimeID ?? "")
        // The shim's own record is the container's code; the wait status only says how the shim ended.
        let record = ExitCodeFile.read(exitCodePath(name))
        let recorded = record.map { Int($0.code) }
        ranSeconds[name] = record?.ranMilliseconds.map { Double($0) / 1000 }
        var code =
            recorded ?? (killedShims.contains(name) ? 137 : adopted.contains(name) ? nil : status.map { Int($0.code) })
        // Read before the group is removed: the kernel's count of OOM kills in the container's group.
        let oomKilled = oomKills(name) > (oomKillsSeen[name] ?? 0)
        if oomKilled {
            oomKillsSeen[name] = oomKills(name)
            code = 137
        }
        await change {
            guard let index = $0.containers.firstIndex(where: { $0.name == name }) else { return }
            $0.containers[index].lastStatus = .stopped
            $0.containers[index].exitCode = code
            if oomKilled {
                $0.containers[index].reason = Self.outOfMemoryReason
            } else if let launchFailure {
                $0.containers[index].reason = "CannotStartContainerError: \(launchFailure)"
            } else if code == nil {
                $0.containers[index].reason = "berth-shim ended without recording the container's exit code"
            }
        }
        logger(name).info("container exited", metadata: ["exitCode": "\(code.map(String.init) ?? "unknown")"])
        if let container, launchFailure == nil, await restartIfPolicyAllows(container, exitCode: code) { return }
        try? environment.images.removeContainerLayer(id: container?.runtimeID ?? "")
        let waiters = exitWaiters.removeValue(forKey: name) ?? []
        for waiter in waiters { waiter.resume() }
        if let launchFailure, !stopRequested {
            await stop(code: .taskFailedToStart, reason: "CannotStartContainerError: \(launchFailure)")
        } else if container?.essential == true, !stopRequested {
            await change { $0.executionStoppedAt = Date() }
            await stop(
                code: .essentialContainerExited,
                reason: oomKilled ? Self.outOfMemoryReason : "Essential container in task exited")
        }
    }

    static let outOfMemoryReason = "OutOfMemoryError: Container killed due to memory usage"

    private func oomKills(_ name: String) -> UInt64 {
        guard let driver = environment.cgroups, let group = runtime.containerCgroups[name] else { return 0 }
        return (try? driver.oomKillCount(group.group)) ?? 0
    }

    /// ECS's container restart policy: a container that exits (with a code not in `ignoredExitCodes`)
    /// after running at least `restartAttemptPeriod` seconds (default 300, 60-1800) is started again in
    /// place: same writable layer, same log stream; one that exits sooner is not restarted.
    private func restartIfPolicyAllows(_ container: PlannedContainer, exitCode: Int?) async -> Bool {
        guard let policy = container.definition.restartPolicy, policy.enabled == true else { return false }
        guard !stopRequested, let exitCode, !(policy.ignoredExitCodes ?? []).contains(exitCode) else {
            return false
        }
        // The shim's own measure: berthd may see the start late on a busy machine, or not at all (adopted).
        let ran =
            ranSeconds[container.name] ?? containerStartedAt[container.name].map { Date().timeIntervalSince($0) } ?? 0
        guard ran >= TimeInterval(policy.restartAttemptPeriod ?? 300) else {
            logger(container.name).info(
                "not restarting: the container ran less than its restartAttemptPeriod",
                metadata: ["ran": "\(ran)", "restartAttemptPeriod": "\(policy.restartAttemptPeriod ?? 300)"])
            return false
        }
        let image: ImageRecord
        if let known = images[container.name] {
            image = known
        } else if let resolved = try? environment.images.resolve(container.definition.image ?? "") {
            image = resolved
        } else {
            return false
        }
        restartCounts[container.name, default: 0] += 1
        logger(container.name).info(
            "restarting container (restartPolicy)",
            metadata: ["exitCode": "\(exitCode)", "restart": "\(restartCounts[container.name] ?? 0)"])
        await change {
            if let index = $0.containers.firstIndex(where: { $0.name == container.name }) {
                $0.containers[index].lastStatus = .pending
            }
        }
        do {
            try await launchAndAwaitReadiness(container, image: image)
            return true
        } catch {
            logger(container.name).error("restart failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// berth-shim reports a container that never ran as "berth: container <id>: <reason>" on stderr.
    static func launchFailure(in logPath: String, runtimeID: String) -> String? {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return nil }
        let prefix = "berth: container \(runtimeID): "
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else { return nil }
        return String(line.dropFirst(prefix.count))
    }

    // MARK: pidMode task

    /// Starts the holder of the task's shared PID namespace; containers join it through its pid.
    private func startPIDHolder() async throws {
        var ready: [Int32] = [0, 0]
        try syscallChecked("pipe for the PID namespace holder") { bk_pipe2(&ready, O_CLOEXEC) }
        let pid: pid_t
        do {
            let shim = try environment.shim()
            pid = try ProcessSpawner.spawnShim(
                shim.path, argumentZero: shim.name, arguments: ["--pid-holder", "3"],
                logPath: "\(taskDirectory)/pid-holder.log", readyFD: ready[1])
        } catch {
            close(ready[0])
            close(ready[1])
            throw error
        }
        close(ready[1])
        ChildReaper.shared.expect(pid)
        holderShim = pid
        watchHolderExit(pid)
        guard let holder = await ShimReadiness.wait(ready[0]), let process = TaskRuntimeRecord.Process.current(holder)
        else {
            throw TaskStartFailure("ResourceInitializationError: the task's PID namespace could not be created")
        }
        runtime.pidHolderShim = TaskRuntimeRecord.Process.current(pid)
        runtime.pidHolder = process
        try writeRuntime()
    }

    private func watchHolderExit(_ pid: pid_t) {
        Task { [weak self] in
            _ = await ChildReaper.shared.exitStatus(of: pid)
            await self?.holderExited(pid)
        }
    }

    private func holderExited(_ pid: pid_t) async {
        guard holderShim == pid else { return }
        holderShim = nil
        runtime.pidHolder = nil
        runtime.pidHolderShim = nil
        try? writeRuntime()
        let waiters = exitWaiters.removeValue(forKey: Self.holderKey) ?? []
        for waiter in waiters { waiter.resume() }
    }

    private static let holderKey = "\u{0}pid-holder"

    // MARK: health

    private func startHealthChecks(_ container: PlannedContainer) {
        runGeneration[container.name, default: 0] += 1
        guard let tracker = HealthTracker(container.definition.healthCheck) else { return }
        health[container.name] = tracker
        let generation = runGeneration[container.name] ?? 0
        Task { [weak self] in await self?.runHealthChecks(container.name, generation: generation) }
    }

    /// Docker's schedule, which ECS uses: the first check one interval after the start, then one per
    /// interval; each killed after `timeout` and counted as a failure.
    private func runHealthChecks(_ name: String, generation: Int) async {
        func current() -> Bool { runGeneration[name] == generation && shims[name] != nil && !stopRequested }
        while let tracker = health[name], current() {
            try? await Task.sleep(nanoseconds: UInt64(tracker.interval) * 1_000_000_000)
            guard current(), let pid = runtime.running[name]?.containerPID else { return }
            let success = await runHealthCheck(name, target: pid, tracker: tracker)
            guard var updated = health[name], current() else { return }
            let before = updated.status
            updated.record(success: success, elapsed: Date().timeIntervalSince(containerStartedAt[name] ?? Date()))
            health[name] = updated
            if updated.status != before {
                logger(name).info("health changed", metadata: ["healthStatus": "\(updated.status.rawValue)"])
            }
            await publishHealth()
        }
    }

    private func runHealthCheck(_ name: String, target: pid_t, tracker: HealthTracker) async -> Bool {
        let arguments = ["--exec", specPath(name), String(target), String(tracker.timeout), "--"] + tracker.command
        let logPath = "\(taskDirectory)/\(name).health.log"
        // A check that cannot be started (no sealed shim, no spawn) counts as failed, as Docker counts one.
        guard let shim = try? environment.shim(),
            let pid = try? ProcessSpawner.spawn(
                shim.path, argumentZero: shim.name, arguments: arguments, environment: [], stdoutPath: logPath,
                stderrPath: logPath)
        else { return false }
        ChildReaper.shared.expect(pid)
        return await ChildReaper.shared.exitStatus(of: pid) == .exited(0)
    }

    private func publishHealth() async {
        let statuses = health.mapValues(\.status)
        await change {
            for index in $0.containers.indices {
                if let status = statuses[$0.containers[index].name] { $0.containers[index].healthStatus = status }
            }
            $0.healthStatus = HealthTracker.taskHealth(
                $0.containers.map { ($0.essential, statuses[$0.name]) })
        }
    }

    // MARK: stop

    /// StopTask or an essential exit: containers stop in reverse dependency order, each with its image's
    /// STOPSIGNAL (default SIGTERM) and SIGKILL after its stopTimeout; then the task is cleaned up.
    public func stop(code: TaskStopCode, reason: String) async {
        guard !stopRequested else { return }
        stopRequested = true
        await change {
            $0.desiredStatus = "STOPPED"
            $0.stopCode = $0.stopCode ?? code
            $0.stoppedReason = $0.stoppedReason ?? reason
            if $0.lastStatus < .deactivating { $0.lastStatus = .deactivating }
            $0.stoppingAt = $0.stoppingAt ?? Date()
        }
        await change { if $0.lastStatus < .stopping { $0.lastStatus = .stopping } }
        Task { await self.shutDown() }
    }

    private func shutDown() async {
        for wave in ContainerDependencies.shutdownWaves(containers.map(\.definition)) {
            let running = wave.filter { shims[$0] != nil }
            for name in running { signalStop(name) }
            for name in running { await waitForExit(name) }
        }
        // A container still launching when the stop came (its dependencies did not hold it back).
        for name in Array(shims.keys) {
            signalStop(name)
            await waitForExit(name)
        }
        if let holder = holderShim {
            _ = kill(holder, SIGTERM)
            await waitForExit(Self.holderKey)
        }
        await finish()
    }

    private func signalStop(_ name: String) {
        guard let pid = shims[name], let container = containers.first(where: { $0.name == name }) else { return }
        let signal = runtime.stopSignals[name] ?? SIGTERM
        logger(name).info(
            "stopping container", metadata: ["signal": "\(signal)", "stopTimeout": "\(container.stopTimeout)"])
        _ = kill(pid, signal)  // the shim forwards it to the container's process
        let timeout = container.stopTimeout
        Task { [weak self] in
            try? await Task.sleep(nanoseconds: UInt64(timeout) * 1_000_000_000)
            await self?.forceKill(name, shim: pid)
        }
    }

    private func forceKill(_ name: String, shim: pid_t) {
        guard shims[name] == shim else { return }  // it ended in time (and the pid may be reused)
        logger(name).warning("container ignored its stop signal; SIGKILL after stopTimeout")
        // SIGKILL cannot be forwarded: it goes to the container's process (its PID namespace dies with it),
        // and the shim records 137 as for any signal death. The shim itself only if it does not follow.
        if let pid = runtime.running[name]?.containerPID {
            _ = kill(pid, SIGKILL)
            Task { [weak self] in
                try? await Task.sleep(nanoseconds: 2_000_000_000)
                await self?.killShim(name, shim: shim)
            }
        } else {
            killShim(name, shim: shim)
        }
    }

    private func killShim(_ name: String, shim: pid_t) {
        guard shims[name] == shim else { return }
        killedShims.insert(name)
        _ = kill(shim, SIGKILL)
    }

    private func waitForExit(_ key: String) async {
        let alive = key == Self.holderKey ? holderShim != nil : shims[key] != nil
        guard alive else { return }
        await withCheckedContinuation { exitWaiters[key, default: []].append($0) }
    }

    /// Waits until the task is STOPPED.
    public func waitUntilStopped() async -> TaskSnapshot {
        if snapshot.lastStatus == .stopped { return snapshot }
        return await withCheckedContinuation { finished.append($0) }
    }

    private func finish() async {
        guard snapshot.lastStatus != .stopped else { return }
        await change { $0.lastStatus = .deprovisioning }
        // Whatever the containers left (daemonized grandchildren included) is killed with the group.
        if let driver = environment.cgroups, let group = runtime.cgroup {
            do {
                try driver.destroy(group)
            } catch {
                logger().error("cgroup teardown failed", metadata: ["error": "\(error)"])
            }
        }
        for container in containers {
            try? environment.images.removeContainerLayer(id: container.runtimeID)
        }
        if let network = environment.network, runtime.awsvpc != nil {
            do {
                try network.detach(taskID: taskID)
            } catch {
                logger().error("network detach failed", metadata: ["error": "\(error)"])
            }
        }
        NetworkNamespacePin.remove(at: netnsPath)
        // Logs and the runtime record (naming the log streams) stay until the task is purged; specs go now.
        for container in containers {
            try? FileManager.default.removeItem(atPath: specPath(container.name))
        }
        await change {
            $0.lastStatus = .stopped
            $0.stoppedAt = Date()
            $0.executionStoppedAt = $0.executionStoppedAt ?? $0.stoppedAt
            for index in $0.containers.indices where $0.containers[index].lastStatus != .stopped {
                $0.containers[index].lastStatus = .stopped
            }
        }
        let waiters = finished
        finished.removeAll()
        for waiter in waiters { waiter.resume(returning: snapshot) }
    }

    // MARK: adoption

    /// Takes over a task after a berthd restart: every process `runtime.json` names that is still the
    /// same process is watched again; one that ended while berthd was down is reported with the exit code
    /// its shim recorded. A task that was still starting cannot finish starting and is stopped.
    public func resumeAdopted() async {
        adopted = Set(runtime.running.keys)
        privateAddress = snapshot.eni?.privateIPv4Address
        if let holder = runtime.pidHolderShim, holder.isAlive, ChildReaper.shared.adopt(holder.pid) {
            holderShim = holder.pid
            watchHolderExit(holder.pid)
        }
        for (name, record) in runtime.running.sorted(by: { $0.key < $1.key }) {
            everStarted.insert(name)
            containerStartedAt[name] = Date()
            if record.shim.isAlive, ChildReaper.shared.adopt(record.shim.pid) {
                shims[name] = record.shim.pid
                watchExit(of: name, shim: record.shim.pid)
                if let container = containers.first(where: { $0.name == name }) { startHealthChecks(container) }
            }
        }
        logger().info("re-adopted task", metadata: ["running": "\(shims.keys.sorted())"])
        for (name, _) in runtime.running where shims[name] == nil {
            await containerExited(name, shim: 0, status: nil)
        }
        // Containers that never started, in a task that was still starting: berthd cannot resume that.
        if !stopRequested && snapshot.lastStatus < .running {
            await stop(
                code: .taskFailedToStart,
                reason: "ResourceInitializationError: berthd restarted while the task was starting")
        } else if !stopRequested && snapshot.desiredStatus == "STOPPED" {
            await stop(
                code: snapshot.stopCode ?? .userInitiated, reason: snapshot.stoppedReason ?? "Task stopped by user")
        } else if stopRequested == false && shims.isEmpty {
            await stop(code: .essentialContainerExited, reason: "Essential container in task exited")
        }
    }

    // MARK: plumbing

    private func specPath(_ name: String) -> String { "\(taskDirectory)/\(name).spec" }
    private func shimLogPath(_ name: String) -> String { "\(taskDirectory)/\(name).shim.log" }
    private func exitCodePath(_ name: String) -> String { "\(taskDirectory)/\(name).exit" }

    private func writeRuntime() throws { try runtime.write(taskDirectory: taskDirectory) }

    private func pinNetworkNamespace() async throws {
        let shim = try environment.shim()
        let pid = try ProcessSpawner.spawn(
            shim.path, argumentZero: shim.name, arguments: ["--pin-netns", netnsPath], environment: [],
            stdoutPath: "\(taskDirectory)/netns.log", stderrPath: "\(taskDirectory)/netns.log")
        ChildReaper.shared.expect(pid)
        let status = await ChildReaper.shared.exitStatus(of: pid)
        guard status == .exited(0) else {
            let log = (try? String(contentsOfFile: "\(taskDirectory)/netns.log", encoding: .utf8)) ?? ""
            throw TaskStartFailure(
                "ResourceInitializationError: network namespace: \(log.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
    }

    private func change(_ update: (inout TaskSnapshot) -> Void) async {
        let before = snapshot
        update(&snapshot)
        guard snapshot != before else { return }
        snapshot.version += 1
        await onChange(snapshot)
    }
}

struct TaskStartFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Reads a shim's readiness pipe on a thread of its own: the host pid of the started process
/// ("started <pid>"), or nil if it never started. Not on Dispatch's global queue, whose few threads (one
/// per CPU) other blocking work can hold long enough that a container's exit was seen before its start.
enum ShimReadiness {
    static func wait(_ fd: Int32) async -> pid_t? {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                var buffer = [UInt8](repeating: 0, count: 64)
                var count = 0
                repeat {
                    count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                } while count < 0 && errno == EINTR
                close(fd)
                let text = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
                let words = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
                guard words.first == "started", words.count >= 2, let pid = pid_t(words[1]) else {
                    continuation.resume(returning: nil)
                    return
                }
                continuation.resume(returning: pid)
            }
            thread.name = "berth.readiness"
            thread.start()
        }
    }
}
