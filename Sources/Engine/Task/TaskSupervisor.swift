import CLinuxKit
import ECSModel
import Foundation
import Images
import Isolation
import LinuxKit
import Logging

/// Where the engine keeps things and which helper it starts; shared by every task supervisor.
public struct EngineEnvironment: Sendable {
    public var root: String
    public var shimPath: String
    /// Directory holding the pinned network namespaces of tasks.
    public var netnsDirectory: String
    public var images: ImageStore
    public var logger: Logger

    public init(root: String, shimPath: String, netnsDirectory: String, images: ImageStore, logger: Logger) {
        self.root = root
        self.shimPath = shimPath
        self.netnsDirectory = netnsDirectory
        self.images = images
        self.logger = logger
    }
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

/// Runs one ECS task: its network namespace, every container through berth-shim, the lifecycle from
/// PROVISIONING to STOPPED, essential-container and StopTask semantics, and cleanup. Each change is
/// reported through `onChange` (the daemon persists it before anyone can observe it).
public actor TaskSupervisor {
    public nonisolated let taskID: String
    private let containers: [PlannedContainer]
    private let environment: EngineEnvironment
    private let onChange: @Sendable (TaskSnapshot) async -> Void
    private var snapshot: TaskSnapshot
    private var shims: [String: pid_t] = [:]
    private var stopRequested = false
    private var finished: [CheckedContinuation<TaskSnapshot, Never>] = []

    public init(
        taskID: String, containers: [PlannedContainer], environment: EngineEnvironment,
        createdAt: Date = Date(), onChange: @escaping @Sendable (TaskSnapshot) async -> Void
    ) {
        self.taskID = taskID
        self.containers = containers
        self.environment = environment
        self.onChange = onChange
        snapshot = TaskSnapshot(
            taskID: taskID,
            containers: containers.map {
                ContainerSnapshot(
                    name: $0.name, image: $0.definition.image ?? "", runtimeID: $0.runtimeID, essential: $0.essential)
            },
            createdAt: createdAt)
    }

    public var current: TaskSnapshot { snapshot }

    var taskDirectory: String { "\(environment.root)/tasks/\(taskID)" }
    var netnsPath: String { "\(environment.netnsDirectory)/\(taskID)" }

    /// Provisions and starts every container; returns once the task is RUNNING or has stopped.
    public func start() async {
        await onChange(snapshot)  // PROVISIONING, version 1: the task exists before anything is created
        do {
            try FileManager.default.createDirectory(atPath: taskDirectory, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                atPath: environment.netnsDirectory, withIntermediateDirectories: true)
            try await pinNetworkNamespace()
            await change {
                $0.lastStatus = .pending
                $0.pullStartedAt = Date()
            }
            var images: [String: ImageRecord] = [:]
            for container in containers {
                let reference = container.definition.image ?? ""
                do {
                    images[container.name] = try environment.images.resolve(reference)
                } catch {
                    throw TaskStartFailure(
                        "CannotPullContainerError: pull image '\(reference)' for container '\(container.name)': \(error)"
                    )
                }
            }
            await change {
                $0.pullStoppedAt = Date()
                $0.lastStatus = .activating
                for index in $0.containers.indices {
                    $0.containers[index].imageDigest = images[$0.containers[index].name]?.id
                }
            }
            var started: [String] = []
            for container in containers {
                guard !stopRequested else { break }
                let ready = try launch(container, image: images[container.name]!)
                // RUNNING means running: each shim says so once its payload has exec'd.
                if await ShimReadiness.wait(ready) { started.append(container.name) }
            }
            let running = started
            await change {
                for index in $0.containers.indices where running.contains($0.containers[index].name) {
                    if $0.containers[index].lastStatus == .pending { $0.containers[index].lastStatus = .running }
                }
                if $0.lastStatus < .running && !self.stopRequested {
                    $0.lastStatus = .running
                    $0.startedAt = Date()
                    $0.connectivityAt = $0.startedAt
                }
            }
        } catch {
            let reason = (error as? TaskStartFailure)?.reason ?? "ResourceInitializationError: \(error)"
            environment.logger.error("task failed to start", metadata: ["task": "\(taskID)", "reason": "\(reason)"])
            await stop(code: .taskFailedToStart, reason: reason)
        }
    }

    /// StopTask: the stop signal to every container (the image's STOPSIGNAL is forwarded by the shim as
    /// SIGTERM today), SIGKILL after each container's stopTimeout, then cleanup.
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
        // Reverse definition order: dependencies (listed first) outlive what depends on them.
        for container in containers.reversed() {
            guard let pid = shims[container.name] else { continue }
            _ = kill(pid, SIGTERM)
            let timeout = container.stopTimeout
            Task.detached {
                try? await Task.sleep(nanoseconds: UInt64(timeout) * 1_000_000_000)
                _ = kill(pid, SIGKILL)
            }
        }
        await finishIfAllStopped()
    }

    /// Waits until the task is STOPPED.
    public func waitUntilStopped() async -> TaskSnapshot {
        if snapshot.lastStatus == .stopped { return snapshot }
        return await withCheckedContinuation { finished.append($0) }
    }

    // MARK: containers

    /// Starts the container's shim; returns the read end of its readiness pipe.
    private func launch(_ container: PlannedContainer, image: ImageRecord) throws -> Int32 {
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
        for warning in plan.warnings {
            environment.logger.warning("\(warning)", metadata: ["task": "\(taskID)"])
        }
        // Until berthd re-adopts tasks after a restart, a task never outlives its daemon unnoticed.
        plan.spec.dieWithParent = true
        if plan.spec.seccomp {
            plan.spec.seccompProgramPath = try SeccompProgramCache(root: environment.root).programPath(
                for: plan.spec.capabilities)
        }
        let specPath = "\(taskDirectory)/\(container.name).spec"
        try Data(try LaunchSpecCodec.encode(plan.spec)).write(to: URL(fileURLWithPath: specPath))
        let logPath = "\(taskDirectory)/\(container.name).log"
        var ready: [Int32] = [0, 0]
        try syscallChecked("pipe for \(container.name)") { bk_pipe2(&ready, O_CLOEXEC) }
        let pid: pid_t
        do {
            pid = try ProcessSpawner.spawnShim(
                environment.shimPath, arguments: [specPath, String(getpid()), "3"], logPath: logPath, readyFD: ready[1])
        } catch {
            close(ready[0])
            close(ready[1])
            throw error
        }
        close(ready[1])
        ChildReaper.shared.expect(pid)
        shims[container.name] = pid
        let name = container.name
        Task { [weak self] in
            let status = await ChildReaper.shared.exitStatus(of: pid)
            await self?.containerExited(name, status: status)
        }
        return ready[0]
    }

    private func containerExited(_ name: String, status: ExitStatus) async {
        shims[name] = nil
        let container = containers.first { $0.name == name }
        let launchFailure = Self.launchFailure(
            in: "\(taskDirectory)/\(name).log", runtimeID: container?.runtimeID ?? "")
        await change {
            guard let index = $0.containers.firstIndex(where: { $0.name == name }) else { return }
            $0.containers[index].lastStatus = .stopped
            $0.containers[index].exitCode = Int(status.code)
            if let launchFailure { $0.containers[index].reason = "CannotStartContainerError: \(launchFailure)" }
        }
        try? environment.images.removeContainerLayer(id: container?.runtimeID ?? "")
        if let launchFailure, !stopRequested {
            await stop(code: .taskFailedToStart, reason: "CannotStartContainerError: \(launchFailure)")
        } else if container?.essential == true, !stopRequested {
            await change { $0.executionStoppedAt = Date() }
            await stop(code: .essentialContainerExited, reason: "Essential container in task exited")
        }
        await finishIfAllStopped()
    }

    /// berth-shim reports a container that never ran as "berth: container <id>: <reason>" on stderr.
    static func launchFailure(in logPath: String, runtimeID: String) -> String? {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return nil }
        let prefix = "berth: container \(runtimeID): "
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix(prefix) }) else { return nil }
        return String(line.dropFirst(prefix.count))
    }

    private func finishIfAllStopped() async {
        guard stopRequested, shims.isEmpty, snapshot.lastStatus != .stopped else { return }
        await change { $0.lastStatus = .deprovisioning }
        for container in containers {
            try? environment.images.removeContainerLayer(id: container.runtimeID)
        }
        NetworkNamespacePin.remove(at: netnsPath)
        // Logs stay until the task record is purged (berth logs, issue 4); the launch specs go now.
        for container in containers {
            try? FileManager.default.removeItem(atPath: "\(taskDirectory)/\(container.name).spec")
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

    // MARK: plumbing

    private func pinNetworkNamespace() async throws {
        let pid = try ProcessSpawner.spawn(
            environment.shimPath, arguments: ["--pin-netns", netnsPath], environment: [],
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

/// Reads a shim's readiness pipe off the cooperative thread pool: true if it said "started".
enum ShimReadiness {
    static func wait(_ fd: Int32) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = [UInt8](repeating: 0, count: 16)
                var count = 0
                repeat {
                    count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                } while count < 0 && errno == EINTR
                close(fd)
                continuation.resume(returning: count > 0)
            }
        }
    }
}
