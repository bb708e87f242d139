import Cgroups
import Dispatch
import ECSModel
import Foundation
import Images
import Isolation
import LinuxKit
import Logging

/// `berth run`: one container of a task definition, in the foreground, through the same launch path
/// (planner -> launch spec -> berth-shim) that the daemon's task supervisor uses. stdout and stderr
/// are the terminal's; SIGINT, SIGTERM and friends are forwarded; the container's exit code is returned.
public struct ForegroundRun {
    public var root: String
    public var shimPath: String
    public var logger: Logger
    /// The task's Fargate size and the container's limits, as berthd applies them; nil runs unlimited
    /// (only for callers that manage no cgroups; `berth run` always passes a driver).
    public var cgroups: (any CgroupDriver)?

    public init(root: String, shimPath: String, logger: Logger, cgroups: (any CgroupDriver)? = nil) {
        self.root = root
        self.shimPath = shimPath
        self.logger = logger
        self.cgroups = cgroups
    }

    /// Signals a foreground container gets from the user through berth.
    static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH]

    public func run(taskDefinition: RegisterTaskDefinitionRequest, containerName: String?) throws -> Int32 {
        let container = try Self.selectContainer(taskDefinition, name: containerName)
        let store = try ImageStore(root: root)
        let imageReference = container.image ?? ""
        let image: ImageRecord
        do {
            image = try store.resolve(imageReference)
        } catch ImageError.notFound {
            throw EngineError.client(
                "CannotPullContainerError: image '\(imageReference)' is not in berth's image store (\(root)); pull it with `berth images pull` or import it with `berth images import`."
            )
        }

        let containerID = ContainerIdentifier.generate()
        let containerDirectory = "\(root)/containers/\(containerID)"
        let layer = try store.createContainerLayer(id: containerID, image: image)
        defer {
            try? store.removeContainerLayer(id: containerID)
            try? FileManager.default.removeItem(atPath: containerDirectory)
        }
        let context = ContainerLaunchContext(
            containerID: containerID, hostname: String(containerID.prefix(12)), rootfsTarget: layer.mergedDir,
            overlayOptions: store.overlayOptions(for: image, layer: layer))
        var plan = try ContainerLaunchPlanner.plan(
            container: container, image: image.config, context: context, ulimits: .forThisProcess())
        plan.spec.dieWithParent = true
        if plan.spec.seccomp {
            plan.spec.seccompProgramPath = try SeccompProgramCache(root: root).programPath(for: plan.spec.capabilities)
        }
        for warning in plan.warnings { logger.warning("\(warning)") }

        var groups: (task: TaskCgroup, container: ContainerCgroup)? = nil
        if let cgroups {
            Self.removeGroupsOfDeadRuns(cgroups)
            let size = TaskResources(
                cpuUnits: try taskDefinition.cpu.map { text throws(ECSError) in try TaskSizeParser.cpuUnits(text) },
                memoryMiB: try taskDefinition.memory.map { text throws(ECSError) in try TaskSizeParser.memoryMiB(text) }
            )
            let task = try cgroups.createTaskGroup(taskID: "\(getpid())-\(containerID)", limits: .task(size))
            do {
                let group = try cgroups.createContainerGroup(
                    "container", in: task,
                    limits: .container(
                        ContainerResources(
                            cpuUnits: container.cpu, memoryMiB: container.memory,
                            memoryReservationMiB: container.memoryReservation),
                        in: size))
                groups = (task, group)
                plan.spec.cgroupProcsFiles = group.procsFiles
                plan.spec.cgroupFilesystem = ContainerLaunchPlanner.cgroupFilesystem(cgroups.namespaceView)
            } catch {
                _ = try? cgroups.destroy(task)
                throw error
            }
        }
        defer {
            if let groups, let cgroups {
                _ = try? cgroups.destroy(groups.task)
                try? cgroups.removeTasksDirectory()  // refused while another `berth run` uses it
            }
        }

        try FileManager.default.createDirectory(atPath: containerDirectory, withIntermediateDirectories: true)
        let specPath = "\(containerDirectory)/launch.spec"
        try LaunchSpecCodec.write(plan.spec, to: specPath)
        logger.debug(
            "starting container",
            metadata: ["container": "\(container.name ?? "")", "id": "\(containerID)", "image": "\(image.id)"])
        let code = try superviseShim(specPath: specPath, fromSealedCopy: Self.needsSealedShim(plan.spec))
        if let groups, let cgroups, (try? cgroups.oomKillCount(groups.container.group)) ?? 0 > 0 {
            logger.error("OutOfMemoryError: Container killed due to memory usage")
            return 137
        }
        return code
    }

    /// Groups are named "<berth's pid>-<container id>": one whose berth is gone (killed before it could
    /// clean up) is removed by the next `berth run`, with anything still in it.
    static func removeGroupsOfDeadRuns(_ cgroups: any CgroupDriver) {
        for group in (try? cgroups.existingTaskGroups()) ?? [] {
            guard let pid = Int32(group.taskID.prefix { $0 != "-" }), kill(pid, 0) != 0, errno == ESRCH else {
                continue
            }
            _ = try? cgroups.destroy(group)
        }
    }

    /// Whether `berth run` must start the shim from its sealed copy (berthd always does). Only if some
    /// process of the container could see berth-shim's code running: the container's PID 1 is alone in a
    /// new PID namespace from its fork to its execve, so nobody can open its /proc/<pid>/exe meanwhile; but
    /// `initProcessEnabled` keeps berth's code as PID 1 for good, and a shared PID namespace has neighbours.
    /// Otherwise such a `berth run` is spared copying the whole binary (bench/ measures what that costs).
    static func needsSealedShim(_ spec: LaunchSpec) -> Bool {
        spec.initProcess || spec.pidNamespacePath != nil
    }

    private func superviseShim(specPath: String, fromSealedCopy: Bool) throws -> Int32 {
        // The signal sources exist before the shim does, so a Ctrl-C between the two is held and
        // delivered once the shim's pid is known, not lost. SIG_IGN keeps the signals from killing berth.
        let forwarder = SignalForwarder()
        let queue = DispatchQueue(label: "berth.signals")
        let sources = Self.forwardedSignals.map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler { forwarder.deliver(signal) }
            source.resume()
            return source
        }
        for signal in Self.forwardedSignals { Glibc.signal(signal, SIG_IGN) }
        defer {
            sources.forEach { $0.cancel() }
            for signal in Self.forwardedSignals { Glibc.signal(signal, SIG_DFL) }
        }
        // The shim gets its own process group: a terminal's Ctrl-C reaches berth alone, and berth
        // forwards it exactly once.
        let shim = fromSealedCopy ? try HelperBinaries.sealed(shimPath) : nil
        let pid = try ProcessSpawner.spawn(
            shim?.path ?? shimPath, argumentZero: shim?.name, arguments: [specPath, String(getpid())],
            environment: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], newProcessGroup: true)
        queue.sync { forwarder.target(pid) }
        return try ProcessSpawner.wait(pid).code
    }

    static func selectContainer(
        _ definition: RegisterTaskDefinitionRequest, name: String?
    ) throws(EngineError) -> ContainerDefinition {
        let containers = definition.containerDefinitions
        if let name {
            guard let match = containers.first(where: { $0.name == name }) else {
                let names = containers.compactMap(\.name).joined(separator: ", ")
                throw .client("The task definition has no container named '\(name)' (it has: \(names)).")
            }
            return match
        }
        guard containers.count == 1, let only = containers.first else {
            let names = containers.compactMap(\.name).joined(separator: ", ")
            throw .client(
                "The task definition has \(containers.count) containers (\(names)); choose one with --container.")
        }
        return only
    }
}

/// Forwards signals to a pid once it is known; earlier ones wait. Used only on its serial queue.
private final class SignalForwarder: @unchecked Sendable {
    private var pid: pid_t?
    private var pending: [Int32] = []

    func deliver(_ signal: Int32) {
        if let pid { _ = kill(pid, signal) } else { pending.append(signal) }
    }

    func target(_ pid: pid_t) {
        self.pid = pid
        for signal in pending { _ = kill(pid, signal) }
        pending.removeAll()
    }
}

/// Container ids as ECS shows them in `runtimeId`: 32 random hex digits.
public enum ContainerIdentifier {
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined().prefix(32).description
    }
}
