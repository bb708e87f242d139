import Cgroups
import ECSModel
import Foundation

/// The task metadata endpoint's documents (TMDE v4, and v3 on the same paths), built from the stored
/// task as DescribeTasks shows it and the kernel's cgroup counters; member names as the ECS agent writes
/// them (`ecs-agent/tmds/handlers/v4`, reference §2.8).
extension ECSService {
    /// `client` is the address the request came from: only the task the path names is answered.
    public func metadata(path: String, from client: String?) async -> (status: Int, body: Data) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[0] == "v4" || parts[0] == "v3" else {
            return Self.metadataError(404, "unknown path \(path); use ECS_CONTAINER_METADATA_URI_V4")
        }
        guard let (arn, supervisor, containerName) = tasks.find(runtimeID: parts[1]),
            let stored = try? store.task(arn: arn),
            let task = try? JSONDecoder().decode(ECSTask.self, from: stored.document)
        else { return Self.metadataError(404, "no running container \(parts[1])") }
        let taskAddress = task.attachments?.first?.details?.first { $0.name == "privateIPv4Address" }?.value
        if let refusal = Self.metadataRefusal(client: client, taskAddress: taskAddress, containerID: parts[1]) {
            logger.warning(
                "metadata request refused: not from the container's task",
                metadata: [
                    "client": "\(client ?? "unknown")", "container": "\(parts[1])", "task": "\(stored.id)",
                    "path": "\(path)",
                ])
            return Self.metadataError(403, refusal)
        }
        let definitions = TaskRuntimeRecord.read(taskDirectory: engine.taskDirectory(stored.id))?.containers ?? []
        let rest = Array(parts.dropFirst(2))
        let stats = await supervisor.stats()
        let document: Any
        switch rest {
        case []:
            guard let container = task.containers?.first(where: { $0.name == containerName }) else {
                return Self.metadataError(404, "no container \(containerName)")
            }
            document = containerMetadata(container, task: task, definitions: definitions)
        case ["task"]:
            document = taskMetadata(task, definitions: definitions)
        case ["stats"]:
            document = Self.dockerStats(
                stats?.containers[containerName], id: parts[1], name: containerName, onlineCPUs: Self.onlineCPUs)
        case ["task", "stats"]:
            var all: [String: Any] = [:]
            for container in task.containers ?? [] {
                guard let id = container.runtimeId, let name = container.name else { continue }
                all[id] = Self.dockerStats(stats?.containers[name], id: id, name: name, onlineCPUs: Self.onlineCPUs)
            }
            document = all
        default:
            return Self.metadataError(404, "unknown path \(path)")
        }
        let body =
            (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        return (200, body)
    }

    /// Why a request from `client` for a container of the task at `taskAddress` is refused, or nil to answer
    /// it. ECS serves each task's endpoint to that task alone; here one endpoint serves every task, so the
    /// connection's source address (a task's own, which its security group and the bridge's spoofing rule
    /// vouch for) must be the address of the task the path names. A task without an address, or a client
    /// that is not a task (the host), is refused as well.
    static func metadataRefusal(client: String?, taskAddress: String?, containerID: String) -> String? {
        guard let taskAddress else {
            return "container \(containerID) belongs to a task without a network address: its metadata is served "
                + "to that task only"
        }
        guard client == taskAddress else {
            return "container \(containerID)'s metadata is served only to its own task (\(taskAddress)), not to "
                + "\(client ?? "an unknown address")"
        }
        return nil
    }

    static func metadataError(_ status: Int, _ message: String) -> (status: Int, body: Data) {
        (status, (try? JSONSerialization.data(withJSONObject: ["error": message])) ?? Data())
    }

    static var onlineCPUs: Int { ProcessInfo.processInfo.activeProcessorCount }

    private func familyAndRevision(_ task: ECSTask) -> (family: String, revision: String) {
        let name = (task.taskDefinitionArn ?? "").split(separator: "/").last.map(String.init) ?? ""
        let parts = name.split(separator: ":")
        return (parts.first.map(String.init) ?? "", parts.count > 1 ? String(parts[1]) : "")
    }

    func taskMetadata(_ task: ECSTask, definitions: [ContainerDefinition]) -> [String: Any] {
        let (family, revision) = familyAndRevision(task)
        var document: [String: Any] = [
            "Cluster": task.clusterArn ?? "", "TaskARN": task.taskArn ?? "", "Family": family, "Revision": revision,
            "DesiredStatus": task.desiredStatus?.rawValue ?? "RUNNING", "KnownStatus": task.lastStatus ?? "",
            "Limits": [
                "CPU": Double(task.cpu ?? "0").map { $0 / 1024 } ?? 0, "Memory": Int(task.memory ?? "0") ?? 0,
            ],
            "AvailabilityZone": task.availabilityZone ?? "", "LaunchType": task.launchType?.rawValue ?? "FARGATE",
            "Containers": (task.containers ?? []).map { containerMetadata($0, task: task, definitions: definitions) },
            "ClockDrift": [
                "ClockErrorBound": 0.5, "ReferenceTimestamp": Self.iso(Date()),
                "ClockSynchronizationStatus": "SYNCHRONIZED",
            ],
            "EphemeralStorageMetrics": ["Utilized": 0, "Reserved": 20496],
        ]
        if let value = task.pullStartedAt { document["PullStartedAt"] = Self.iso(value.date) }
        if let value = task.pullStoppedAt { document["PullStoppedAt"] = Self.iso(value.date) }
        if let value = task.executionStoppedAt { document["ExecutionStoppedAt"] = Self.iso(value.date) }
        if let attachment = task.attachments?.first,
            let subnet = attachment.details?.first(where: { $0.name == "subnetId" })?.value
        {
            document["VPCID"] = "vpc-berth"
            document["SubnetId"] = subnet
        }
        return document
    }

    func containerMetadata(_ container: Container, task: ECSTask, definitions: [ContainerDefinition]) -> [String: Any] {
        let (family, revision) = familyAndRevision(task)
        let definition = definitions.first { $0.name == container.name }
        var document: [String: Any] = [
            "DockerId": container.runtimeId ?? "", "Name": container.name ?? "",
            "DockerName": "ecs-\(family)-\(revision)-\(container.name ?? "")-\(container.runtimeId?.prefix(12) ?? "")",
            "Image": container.image ?? "", "ImageID": container.imageDigest ?? "",
            "Labels": [
                "com.amazonaws.ecs.cluster": task.clusterArn ?? "",
                "com.amazonaws.ecs.container-name": container.name ?? "",
                "com.amazonaws.ecs.task-arn": task.taskArn ?? "",
                "com.amazonaws.ecs.task-definition-family": family,
                "com.amazonaws.ecs.task-definition-version": revision,
            ],
            "DesiredStatus": task.desiredStatus?.rawValue ?? "RUNNING", "KnownStatus": container.lastStatus ?? "",
            "Limits": ["CPU": Int(container.cpu ?? "0") ?? 0, "Memory": Int(container.memory ?? "0") ?? 0],
            "Type": "NORMAL", "ContainerARN": container.containerArn ?? "",
        ]
        if let created = task.createdAt { document["CreatedAt"] = Self.iso(created.date) }
        if let started = task.startedAt { document["StartedAt"] = Self.iso(started.date) }
        if let code = container.exitCode { document["ExitCode"] = code }
        if let log = definition?.logConfiguration {
            document["LogDriver"] = log.logDriver.rawValue
            document["LogOptions"] = log.options ?? [:]
        }
        if definition?.healthCheck != nil {
            document["Health"] = ["status": container.healthStatus?.rawValue ?? "UNKNOWN"]
        }
        if let interface = container.networkInterfaces?.first {
            var network: [String: Any] = [
                "NetworkMode": "awsvpc", "IPv4Addresses": [interface.privateIpv4Address ?? ""], "AttachmentIndex": 0,
            ]
            if let details = task.attachments?.first?.details {
                func detail(_ name: String) -> String? { details.first { $0.name == name }?.value }
                network["MACAddress"] = detail("macAddress")
                network["IPv4SubnetCIDRBlock"] = detail("subnetCidrBlock")
                network["SubnetGatewayIpv4Address"] = detail("subnetGatewayIpv4Address")
                network["PrivateDNSName"] = detail("privateDnsName")
            }
            document["Networks"] = [network]
        }
        return document
    }

    /// Docker's stats document (what the ECS agent serves at /stats), from a container's cgroup counters.
    static func dockerStats(_ stats: CgroupStats?, id: String, name: String, onlineCPUs: Int) -> [String: Any] {
        let now = iso(Date())
        let usageNanos = (stats?.cpuUsageMicros ?? 0) * 1000
        let cpu: [String: Any] = [
            "cpu_usage": ["total_usage": usageNanos, "usage_in_kernelmode": 0, "usage_in_usermode": usageNanos],
            "system_cpu_usage": systemCPUNanos(), "online_cpus": onlineCPUs,
            "throttling_data": [
                "periods": stats?.cpuPeriods ?? 0, "throttled_periods": stats?.cpuThrottledPeriods ?? 0,
                "throttled_time": (stats?.cpuThrottledMicros ?? 0) * 1000,
            ],
        ]
        var memory: [String: Any] = ["usage": stats?.memoryCurrentBytes ?? 0, "stats": [String: Any]()]
        if let peak = stats?.memoryPeakBytes { memory["max_usage"] = peak }
        memory["limit"] = stats?.memoryLimitBytes ?? UInt64(ProcessInfo.processInfo.physicalMemory)
        return [
            "read": now, "preread": "0001-01-01T00:00:00Z", "id": id, "name": "/\(name)",
            "pids_stats": ["current": stats?.pidsCurrent ?? 0], "cpu_stats": cpu, "precpu_stats": [String: Any](),
            "memory_stats": memory, "num_procs": 0,
        ]
    }

    /// The host's total CPU time in nanoseconds (the first line of /proc/stat), as Docker reports it.
    static func systemCPUNanos() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }.reduce(0, +)
        return ticks * (1_000_000_000 / UInt64(sysconf(Int32(_SC_CLK_TCK))))
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
