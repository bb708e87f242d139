import Cgroups
import ECSModel
import Foundation
import LinuxKit

/// What berthd needs to find a task's processes again after it was killed or restarted, kept in
/// `<root>/tasks/<id>/runtime.json` and rewritten (atomically) whenever a process starts or ends.
/// A pid alone is not an identity (pids are reused): each comes with its start time from
/// /proc/<pid>/stat, and a process only counts as ours if both match.
public struct TaskRuntimeRecord: Codable, Sendable, Equatable {
    public struct Process: Codable, Sendable, Equatable {
        public var pid: Int32
        public var startTime: UInt64

        /// The live process `pid` with its start time, or nil if it is gone.
        public static func current(_ pid: Int32) -> Process? {
            guard let start = ProcessStartTime.of(pid) else { return nil }
            return Process(pid: pid, startTime: start)
        }

        /// Still the same process (not a reused pid)?
        public var isAlive: Bool { ProcessStartTime.of(pid) == startTime }
    }

    public struct ContainerRecord: Codable, Sendable, Equatable {
        public var shim: Process
        /// The host pid of the container's first process (for health checks).
        public var containerPID: Int32?
    }

    /// The task's containers as planned (overrides applied), so a re-adopted task keeps its semantics.
    public var containers: [ContainerDefinition]
    public var runtimeIDs: [String: String]
    public var stopSignals: [String: Int32]
    public var pidMode: String?
    /// The shim of the `pidMode: task` namespace holder, and the holder itself (PID 1 of the namespace).
    public var pidHolderShim: Process?
    public var pidHolder: Process?
    public var running: [String: ContainerRecord] = [:]
    /// The task's size (cpu units, MiB) and its groups.
    public var cpu: Int?
    public var memory: Int?
    public var cgroup: TaskCgroup?
    public var containerCgroups: [String: ContainerCgroup] = [:]
    /// awsvpc: where the task's interface goes (nil: loopback only).
    public var awsvpc: AwsvpcPlacement?

    init(
        containers: [ContainerDefinition], runtimeIDs: [String: String], stopSignals: [String: Int32],
        pidMode: String?, cpu: Int?, memory: Int?
    ) {
        self.containers = containers
        self.runtimeIDs = runtimeIDs
        self.stopSignals = stopSignals
        self.pidMode = pidMode
        self.cpu = cpu
        self.memory = memory
    }

    public static func path(taskDirectory: String) -> String { "\(taskDirectory)/runtime.json" }

    func write(taskDirectory: String) throws {
        try FileReplacement.write(Array(JSONEncoder().encode(self)), to: Self.path(taskDirectory: taskDirectory))
    }

    public static func read(taskDirectory: String) -> TaskRuntimeRecord? {
        guard let data = FileManager.default.contents(atPath: path(taskDirectory: taskDirectory)) else { return nil }
        return try? JSONDecoder().decode(TaskRuntimeRecord.self, from: data)
    }
}

/// Field 22 of /proc/<pid>/stat: the process's start time in clock ticks since boot.
enum ProcessStartTime {
    static func of(_ pid: Int32) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return nil }
        // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
        let fields = text[text.index(after: end)...].split(separator: " ")
        // fields[0] is field 3 (state); field 22 is fields[19]. A zombie is as good as gone.
        guard fields.count > 19, fields[0] != "Z" else { return nil }
        return UInt64(fields[19])
    }
}

/// Where a container's output is kept: `<task dir>/logs/<stream>`, the stream named as awslogs names it
/// (`prefix/container-name/task-id`; prefix from `awslogs-stream-prefix`, else "berth").
public enum TaskLogPaths {
    public static func streamName(container: ContainerDefinition, taskID: String) -> String {
        let prefix = container.logConfiguration?.options?["awslogs-stream-prefix"] ?? "berth"
        return "\(prefix)/\(container.name ?? "")/\(taskID)"
    }

    public static func logPath(taskDirectory: String, container: ContainerDefinition, taskID: String) -> String {
        "\(taskDirectory)/logs/\(streamName(container: container, taskID: taskID))"
    }
}

/// RunTask's awsvpcConfiguration as the engine uses it: the first subnet, the groups, public IP or not.
public struct AwsvpcPlacement: Codable, Sendable, Equatable {
    public var subnetID: String
    public var securityGroupIDs: [String]
    public var assignPublicIp: Bool

    public init(subnetID: String, securityGroupIDs: [String], assignPublicIp: Bool) {
        self.subnetID = subnetID
        self.securityGroupIDs = securityGroupIDs
        self.assignPublicIp = assignPublicIp
    }
}
