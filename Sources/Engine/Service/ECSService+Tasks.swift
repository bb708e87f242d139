import ECSModel
import Foundation
import Isolation
import Store
import VPCNetwork

extension ECSService {
    func runTask(_ request: RunTaskRequest) async throws -> RunTaskResponse {
        let clusterName = ServiceConfiguration.resourceName(request.cluster ?? Self.defaultClusterName)
        let cluster = try activeCluster(request.cluster)
        guard let storedDefinition = try resolveTaskDefinition(request.taskDefinition),
            storedDefinition.status == "ACTIVE" || Self.hasRevision(request.taskDefinition)
        else { throw Self.invalidParameter("TaskDefinition not found.") }
        let definition = try document(storedDefinition)
        let count = request.count ?? 1
        guard (1...10).contains(count) else { throw Self.invalidParameter("count must be between 1 and 10.") }
        if let launchType = request.launchType, launchType != .fargate {
            throw Self.invalidParameter(
                "berth runs tasks on FARGATE only; launchType \(launchType.rawValue) is not supported.")
        }
        if request.launchType == .fargate, definition.requiresCompatibilities?.contains(.fargate) != true,
            definition.compatibilities?.contains(.fargate) != true
        {
            throw Self.invalidParameter("Task definition does not support launch_type FARGATE.")
        }
        if definition.networkMode == .awsvpc {
            guard let vpc = request.networkConfiguration?.awsvpcConfiguration else {
                throw Self.invalidParameter(
                    "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
            }
            guard !vpc.subnets.isEmpty else { throw Self.invalidParameter("subnets can not be empty.") }
        }
        if let token = request.clientToken,
            let existing = try store.tasks(forClientToken: token, clusterArn: cluster.arn)
        {
            var response = RunTaskResponse()
            response.tasks = try existing.map { try JSONDecoder().decode(ECSTask.self, from: $0.document) }
            response.failures = []
            return response
        }
        let containers = try Self.applyOverrides(request.overrides, to: definition.containerDefinitions ?? [])
        // A hostPort another task publishes, or a process on the host holds, is refused here, not later.
        if let network = engine.network, definition.networkMode == .awsvpc {
            let published = containers.flatMap(Self.publishedPorts)
            let all = (0..<count).flatMap { _ in published }
            do {
                try network.checkHostPorts(
                    all.map {
                        PortBinding(ipProtocol: $0.ipProtocol, containerPort: $0.containerPort, hostPort: $0.hostPort)
                    })
            } catch let error as NetworkError {
                throw Self.invalidParameter("\(error)")
            }
        }

        var documents: [ECSTask] = []
        var records: [StoredTask] = []
        var plans: [(arn: String, id: String, containers: [PlannedContainer])] = []
        let pidMode = definition.pidMode?.rawValue
        let placement = request.networkConfiguration?.awsvpcConfiguration.flatMap { vpc in
            vpc.subnets.first.map {
                AwsvpcPlacement(
                    subnetID: $0, securityGroupIDs: vpc.securityGroups ?? [],
                    assignPublicIp: vpc.assignPublicIp == .enabled)
            }
        }
        let now = Date()
        for _ in 0..<count {
            let id = ContainerIdentifier.generate()
            let arn = configuration.taskARN(cluster: clusterName, id: id)
            let planned = containers.map { PlannedContainer(definition: $0) }
            let snapshot = TaskSnapshot(
                taskID: id,
                containers: planned.map {
                    ContainerSnapshot(
                        name: $0.definition.name ?? "", image: $0.definition.image ?? "", runtimeID: $0.runtimeID,
                        essential: $0.definition.essential ?? true)
                }, createdAt: now)
            var task = ECSTask()
            task.taskArn = arn
            task.clusterArn = cluster.arn
            task.taskDefinitionArn = storedDefinition.arn
            task.launchType = request.launchType ?? .fargate
            task.platformVersion = "1.4.0"
            task.platformFamily = "Linux"
            task.cpu = request.overrides?.cpu ?? definition.cpu
            task.memory = request.overrides?.memory ?? definition.memory
            task.group = request.group ?? "family:\(definition.family ?? "")"
            task.startedBy = request.startedBy
            task.overrides =
                request.overrides ?? TaskOverride(containerOverrides: [], inferenceAcceleratorOverrides: [])
            task.tags = request.tags ?? []
            task.availabilityZone = "\(configuration.region)a"
            task.attributes = []
            task.attachments = []
            task.enableExecuteCommand = false
            task = Self.apply(snapshot, to: task, configuration: configuration)
            // What each container was given (ECS reports the definition's values as strings).
            for index in (task.containers ?? []).indices {
                let definition = planned[index].definition
                task.containers?[index].cpu = String(definition.cpu ?? 0)
                task.containers?[index].memory = definition.memory.map(String.init)
                task.containers?[index].memoryReservation = definition.memoryReservation.map(String.init)
                // Published on the host: the mappings that name a hostPort (the task IP serves every port).
                task.containers?[index].networkBindings = Self.publishedPorts(definition).map {
                    NetworkBinding(
                        bindIP: "0.0.0.0", containerPort: $0.containerPort, hostPort: $0.hostPort,
                        protocol: TransportProtocol(rawValue: $0.ipProtocol))
                }
            }
            documents.append(task)
            records.append(
                StoredTask(
                    arn: arn, id: id, clusterArn: cluster.arn, taskDefinitionArn: storedDefinition.arn,
                    family: definition.family ?? "", lastStatus: snapshot.lastStatus.rawValue,
                    desiredStatus: snapshot.desiredStatus, startedBy: request.startedBy, group: task.group,
                    launchType: task.launchType?.rawValue, containerNames: planned.map { $0.definition.name ?? "" },
                    document: try StrictJSON.encode(task), version: snapshot.version, createdAt: now, stoppedAt: nil))
            plans.append((arn, id, planned))
        }
        try store.insertTasks(records, clientToken: request.clientToken)
        for (index, record) in records.enumerated() {
            if let tags = request.tags, !tags.isEmpty {
                try store.setTags(tags.map { ($0.key ?? "", $0.value ?? "") }, for: record.arn)
            }
            startSupervisor(
                arn: plans[index].arn, id: plans[index].id, containers: plans[index].containers, pidMode: pidMode,
                cpu: Int(documents[index].cpu ?? ""), memory: Int(documents[index].memory ?? ""),
                awsvpc: definition.networkMode == .awsvpc ? placement : nil)
        }
        var response = RunTaskResponse()
        response.tasks = documents
        response.failures = []
        return response
    }

    func stopTask(_ request: StopTaskRequest) async throws -> StopTaskResponse {
        let cluster = try activeCluster(request.cluster)
        guard let stored = try findTask(request.task, cluster: cluster) else {
            throw Self.invalidParameter("The referenced task was not found.")
        }
        if let supervisor = tasks.supervisor(stored.arn) {
            await supervisor.stop(code: .userInitiated, reason: request.reason ?? "Task stopped by user")
        }
        var response = StopTaskResponse()
        response.task = try JSONDecoder().decode(
            ECSTask.self, from: (try store.task(arn: stored.arn) ?? stored).document)
        return response
    }

    func describeTasks(_ request: DescribeTasksRequest) throws -> DescribeTasksResponse {
        let cluster = try activeCluster(request.cluster)
        var found: [ECSTask] = []
        var failures: [Failure] = []
        let includeTags = request.include?.contains { $0.rawValue == "TAGS" } == true
        for reference in request.tasks {
            guard let stored = try findTask(reference, cluster: cluster) else {
                let arn =
                    reference.hasPrefix("arn:")
                    ? reference : configuration.taskARN(cluster: cluster.name, id: reference)
                failures.append(Failure(arn: arn, reason: "MISSING"))
                continue
            }
            var task = try JSONDecoder().decode(ECSTask.self, from: stored.document)
            if includeTags { task.tags = try store.tags(for: stored.arn).map { Tag(key: $0.key, value: $0.value) } }
            found.append(task)
        }
        var response = DescribeTasksResponse()
        response.tasks = found
        response.failures = failures
        return response
    }

    func listTasks(_ request: ListTasksRequest) throws -> ListTasksResponse {
        let cluster = try activeCluster(request.cluster)
        let page = try store.listTasks(
            clusterArn: cluster.arn, family: request.family, startedBy: request.startedBy,
            desiredStatus: request.desiredStatus?.rawValue ?? "RUNNING", containerName: nil,
            launchType: request.launchType?.rawValue, maxResults: try Self.maxResults(request.maxResults),
            nextToken: request.nextToken)
        var response = ListTasksResponse()
        response.taskArns = page.items.map(\.arn)
        response.nextToken = page.nextToken
        return response
    }

    /// Tasks a previous berthd left unfinished: adopted when their `runtime.json` is there (their
    /// processes outlived it), otherwise reported STOPPED with the reason, never left RUNNING.
    public func reconcileAfterRestart() async throws {
        var clusterToken: String? = nil
        repeat {
            let clusters = try store.listClusters(maxResults: 100, nextToken: clusterToken)
            clusterToken = clusters.nextToken
            for cluster in clusters.items {
                var taskToken: String? = nil
                repeat {
                    let page = try store.listTasks(
                        clusterArn: cluster.arn, family: nil, startedBy: nil, desiredStatus: nil, containerName: nil,
                        launchType: nil, maxResults: 100, nextToken: taskToken)
                    taskToken = page.nextToken
                    for stored in page.items where stored.lastStatus != "STOPPED" {
                        let task = try JSONDecoder().decode(ECSTask.self, from: stored.document)
                        if let runtime = TaskRuntimeRecord.read(taskDirectory: engine.taskDirectory(stored.id)) {
                            let snapshot = TaskSnapshot(task: task, taskID: stored.id)
                            let supervisor = TaskSupervisor(
                                adopting: snapshot, runtime: runtime, environment: engine,
                                onChange: persistence(arn: stored.arn))
                            register(supervisor, arn: stored.arn)
                            await supervisor.resumeAdopted()
                        } else {
                            try markStopped(stored, task: task)
                        }
                    }
                } while taskToken != nil
            }
        } while clusterToken != nil
        removeOrphanedCgroups()
        // Leases, veths and rules of tasks no berthd runs any more; the table rebuilt from the store.
        if let network = engine.network {
            do {
                try network.reconcile(keep: Set(tasks.all.map(\.taskID)))
            } catch {
                logger.error("network reconcile failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Task groups no adopted task owns: this berthd's (a task that stopped while no berthd ran, or one
    /// berthd was killed while tearing down), and empty ones that some gone berthd left long ago
    /// (`OrphanedTaskGroup`).
    private func removeOrphanedCgroups() {
        guard let driver = engine.cgroups else { return }
        let live = Set(tasks.all.map(\.taskID))
        let now = Int(Date().timeIntervalSince1970)
        for group in (try? driver.existingTaskGroups()) ?? [] {
            // A store error counts as "known" only when the answer is yes: never kill on a guess.
            let known = (try? store.taskExists(id: group.taskID)) == true
            guard
                OrphanedTaskGroup.shouldRemove(
                    ownedByLiveTask: live.contains(group.taskID), knownToThisStore: known,
                    occupancy: try? driver.occupancy(group), now: now)
            else { continue }
            do {
                try driver.destroy(group)
                logger.info(
                    "removed an orphaned task cgroup",
                    metadata: ["task": "\(group.taskID)", "ours": "\(known)"])
            } catch {
                logger.error(
                    "cannot remove an orphaned task cgroup", metadata: ["task": "\(group.taskID)", "error": "\(error)"])
            }
        }
    }

    /// A task with no record of its processes (a berthd older than re-adoption, or one killed before it
    /// wrote any): STOPPED with the reason, and whatever it left on disk removed.
    private func markStopped(_ stored: StoredTask, task original: ECSTask) throws {
        var stored = stored
        var task = original
        let previous = stored.version
        let now = Date()
        task.lastStatus = "STOPPED"
        task.desiredStatus = .stopped
        task.stopCode = task.stopCode ?? .taskFailedToStart
        task.stoppedReason =
            task.stoppedReason ?? "berthd restarted: the task's processes ended with the previous berthd"
        task.stoppedAt = Timestamp(now)
        task.stoppingAt = task.stoppingAt ?? Timestamp(now)
        task.executionStoppedAt = task.executionStoppedAt ?? Timestamp(now)
        task.version = Int64(previous + 1)
        for index in (task.containers ?? []).indices where task.containers?[index].lastStatus != "STOPPED" {
            task.containers?[index].lastStatus = "STOPPED"
        }
        stored.document = try StrictJSON.encode(task)
        stored.lastStatus = "STOPPED"
        stored.desiredStatus = "STOPPED"
        stored.stoppedAt = now
        stored.version = previous + 1
        try store.updateTask(stored, expectedVersion: previous)
        NetworkNamespacePin.remove(at: "\(engine.netnsDirectory)/\(stored.id)")
        for container in task.containers ?? [] {
            if let id = container.runtimeId { try? engine.images.removeContainerLayer(id: id) }
        }
        try? FileManager.default.removeItem(atPath: engine.taskDirectory(stored.id))
    }

    // MARK: helpers

    /// A container's port mappings with an explicit hostPort: berth publishes those on the host.
    static func publishedPorts(_ definition: ContainerDefinition) -> [ENISnapshot.Binding] {
        (definition.portMappings ?? []).compactMap { mapping in
            guard let hostPort = mapping.hostPort, let containerPort = mapping.containerPort ?? mapping.hostPort
            else { return nil }
            return ENISnapshot.Binding(
                ipProtocol: mapping.protocol?.rawValue ?? "tcp", containerPort: containerPort, hostPort: hostPort)
        }
    }

    func activeCluster(_ reference: String?) throws -> StoredCluster {
        let name = reference ?? Self.defaultClusterName
        if let stored = try store.cluster(nameOrArn: name), stored.status == "ACTIVE" { return stored }
        if name == Self.defaultClusterName {
            try ensureCluster(name: name)
            if let stored = try store.cluster(nameOrArn: name) { return stored }
        }
        throw ECSError(.clusterNotFoundException, "Cluster not found.")
    }

    func findTask(_ reference: String, cluster: StoredCluster) throws -> StoredTask? {
        let arn =
            reference.hasPrefix("arn:") ? reference : configuration.taskARN(cluster: cluster.name, id: reference)
        guard let task = try store.task(arn: arn), task.clusterArn == cluster.arn else { return nil }
        return task
    }

    /// containerOverrides by name: command replaces, environment adds or replaces by name, cpu and
    /// memory replace (ContainerOverride doc).
    static func applyOverrides(
        _ overrides: TaskOverride?, to containers: [ContainerDefinition]
    ) throws -> [ContainerDefinition] {
        var result = containers
        for override in overrides?.containerOverrides ?? [] {
            guard let index = result.firstIndex(where: { $0.name == override.name }) else {
                throw invalidParameter(
                    "Override for container named \(override.name ?? "") is not a container in the TaskDefinition.")
            }
            if let command = override.command { result[index].command = command }
            if let environment = override.environment {
                var merged = result[index].environment ?? []
                for pair in environment {
                    if let existing = merged.firstIndex(where: { $0.name == pair.name }) {
                        merged[existing] = pair
                    } else {
                        merged.append(pair)
                    }
                }
                result[index].environment = merged
            }
            if let cpu = override.cpu { result[index].cpu = cpu }
            if let memory = override.memory { result[index].memory = memory }
            if let reservation = override.memoryReservation { result[index].memoryReservation = reservation }
        }
        return result
    }

    func startSupervisor(
        arn: String, id: String, containers: [PlannedContainer], pidMode: String?, cpu: Int?, memory: Int?,
        awsvpc: AwsvpcPlacement?
    ) {
        let supervisor = TaskSupervisor(
            taskID: id, containers: containers, pidMode: pidMode, cpu: cpu, memory: memory, awsvpc: awsvpc,
            environment: engine,
            onChange: persistence(arn: arn))
        register(supervisor, arn: arn)
        Task { await supervisor.start() }
    }

    /// Tracks a supervisor until its task is STOPPED.
    private func register(_ supervisor: TaskSupervisor, arn: String) {
        tasks.add(supervisor, arn: arn)
        let registry = tasks
        Task {
            _ = await supervisor.waitUntilStopped()
            registry.remove(arn)
        }
    }

    /// Every change of a task's snapshot, written into its stored ECS document before anyone sees it.
    private func persistence(arn: String) -> nonisolated(nonsending) @Sendable (TaskSnapshot) async -> Void {
        let store = store
        let configuration = configuration
        return { snapshot in
            do {
                guard var stored = try store.task(arn: arn) else { return }
                let previous = stored.version
                var task = try JSONDecoder().decode(ECSTask.self, from: stored.document)
                task = Self.apply(snapshot, to: task, configuration: configuration)
                stored.document = try StrictJSON.encode(task)
                stored.lastStatus = snapshot.lastStatus.rawValue
                stored.desiredStatus = snapshot.desiredStatus
                stored.stoppedAt = snapshot.stoppedAt
                stored.version = max(snapshot.version, previous + 1)
                try store.updateTask(stored, expectedVersion: previous)
            } catch {
                // Logged by the caller's logger is not reachable here; the next change retries.
            }
        }
    }

    /// The engine's view of a task written into its ECS document.
    static func apply(_ snapshot: TaskSnapshot, to base: ECSTask, configuration: ServiceConfiguration) -> ECSTask {
        var task = base
        task.lastStatus = snapshot.lastStatus.rawValue
        task.desiredStatus = DesiredStatus(rawValue: snapshot.desiredStatus)
        task.createdAt = Timestamp(snapshot.createdAt)
        task.pullStartedAt = snapshot.pullStartedAt.map(Timestamp.init)
        task.pullStoppedAt = snapshot.pullStoppedAt.map(Timestamp.init)
        task.startedAt = snapshot.startedAt.map(Timestamp.init)
        task.connectivityAt = snapshot.connectivityAt.map(Timestamp.init)
        task.connectivity = snapshot.connectivityAt == nil ? nil : .connected
        task.stoppingAt = snapshot.stoppingAt.map(Timestamp.init)
        task.executionStoppedAt = snapshot.executionStoppedAt.map(Timestamp.init)
        task.stoppedAt = snapshot.stoppedAt.map(Timestamp.init)
        task.stopCode = snapshot.stopCode
        task.stoppedReason = snapshot.stoppedReason
        task.version = Int64(snapshot.version)
        task.healthStatus = snapshot.healthStatus
        if let eni = snapshot.eni {
            task.attachments = [
                Attachment(
                    id: eni.attachmentID, type: "ElasticNetworkInterface",
                    status: snapshot.lastStatus >= .deprovisioning ? "DETACHED" : "ATTACHED",
                    details: [
                        KeyValuePair(name: "subnetId", value: eni.subnetID),
                        KeyValuePair(name: "networkInterfaceId", value: eni.networkInterfaceID),
                        KeyValuePair(name: "macAddress", value: eni.macAddress),
                        KeyValuePair(name: "privateDnsName", value: eni.privateDnsName),
                        KeyValuePair(name: "privateIPv4Address", value: eni.privateIPv4Address),
                        KeyValuePair(name: "subnetCidrBlock", value: eni.subnetCIDR),
                        KeyValuePair(name: "subnetGatewayIpv4Address", value: eni.gateway),
                    ])
            ]
        }
        task.containers = snapshot.containers.map { container in
            var document = Container()
            document.containerArn = configuration.containerARN(id: container.runtimeID)
            document.taskArn = base.taskArn
            document.name = container.name
            document.image = container.image
            document.imageDigest = container.imageDigest
            document.runtimeId = container.runtimeID
            document.lastStatus = container.lastStatus.rawValue
            document.exitCode = container.exitCode
            document.reason = container.reason
            document.healthStatus = container.healthStatus ?? .unknown
            document.networkInterfaces =
                snapshot.eni.map {
                    [NetworkInterface(attachmentId: $0.attachmentID, privateIpv4Address: $0.privateIPv4Address)]
                } ?? []
            let definitionPorts = base.containers?.first { $0.name == container.name }?.networkBindings ?? []
            document.networkBindings = definitionPorts
            let previous = base.containers?.first { $0.name == container.name }
            document.cpu = previous?.cpu ?? "0"
            document.memory = previous?.memory
            document.memoryReservation = previous?.memoryReservation
            return document
        }
        return task
    }
}
