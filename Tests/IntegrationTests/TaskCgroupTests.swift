import Cgroups
import ECSModel
import Engine
import Foundation
import Images
import Logging
import Testing

/// Fargate sizes that hold, through the engine: each task's group gets its cpu/memory/pids limits from
/// the definition, containers theirs, an OOM kill is reported as ECS reports it, and teardown leaves
/// nothing. Runs on whichever driver the machine has (v1 here, v2 in the VM lane); CPU is measured from
/// the group's own counters as a ratio of elapsed time, never asserted as a duration.
@Suite("Task cgroups: Fargate sizes, OOM, teardown", .serialized)
struct TaskCgroupTests {
    let harness: BerthHarness
    let root: String
    let environment: EngineEnvironment
    let driver: any CgroupDriver
    let tasksDirectory = "berth-it-\(UInt32.random(in: 0...UInt32.max))"

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-cgroups-")
        let store = try ImageStore(root: root)
        _ = try store.importImage(from: "\(harness.fixtures)/busybox", name: "busybox:latest")
        driver = try CgroupDiscovery.driver(CgroupConfiguration(tasksDirectory: tasksDirectory))
        if let expected = ProcessInfo.processInfo.environment["BERTH_EXPECT_CGROUP_VERSION"] {
            #expect("\(driver.version)" == expected, "the lane expected cgroup \(expected)")
        }
        environment = EngineEnvironment(
            root: root, shimPath: "\(harness.binDirectory)/berth-shim", netnsDirectory: "\(root)/netns",
            images: store, logger: Logger(label: "test"), cgroups: driver)
    }

    func cleanUp() {
        #expect((try? driver.existingTaskGroups())?.isEmpty ?? true, "task groups left behind")
        try? driver.removeTasksDirectory()
        try? FileManager.default.removeItem(atPath: root)
    }

    func supervisor(_ containers: [String], cpu: Int? = nil, memory: Int? = nil, pidMode: String? = nil) throws
        -> TaskSupervisor
    {
        TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: try containers.map {
                PlannedContainer(definition: try JSONDecoder().decode(ContainerDefinition.self, from: Data($0.utf8)))
            }, pidMode: pidMode, cpu: cpu, memory: memory, environment: environment, onChange: { _ in })
    }

    func until(_ task: TaskSupervisor, attempts: Int = 600, _ condition: (TaskSnapshot) -> Bool) async
        -> TaskSnapshot
    {
        for _ in 0..<attempts {
            let current = await task.current
            if condition(current) { return current }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return await task.current
    }

    /// The task's CPU use over ~5 s, in CPUs, from its group's usage counter.
    func cpuShare(_ task: TaskSupervisor) async throws -> (task: Double, containers: [String: Double]) {
        try? await Task.sleep(nanoseconds: 1_000_000_000)  // let the loops start
        let first = try #require(await task.stats())
        let start = DispatchTime.now().uptimeNanoseconds
        try? await Task.sleep(nanoseconds: 5_000_000_000)
        let second = try #require(await task.stats())
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1000
        func share(_ a: CgroupStats?, _ b: CgroupStats?) -> Double {
            Double((b?.cpuUsageMicros ?? 0) - (a?.cpuUsageMicros ?? 0)) / elapsed
        }
        var containers: [String: Double] = [:]
        for name in second.containers.keys { containers[name] = share(first.containers[name], second.containers[name]) }
        return (share(first.task, second.task), containers)
    }

    static let busyOnAllCores =
        #"["sh","-c","for i in $(seq $(nproc)); do (while :; do :; done) & done; wait"]"#

    @Test func cpuShareOfAQuarterVCPUTaskIsAQuarterOfACPU() async throws {
        defer { cleanUp() }
        let task = try supervisor(
            [#"{"name":"spin","image":"busybox","stopTimeout":2,"command":\#(Self.busyOnAllCores)}"#], cpu: 256,
            memory: 512)
        await task.start()
        let measured = try await cpuShare(task)
        #expect(abs(measured.task - 0.25) <= 0.025, "cpu 256 got \(measured.task) CPUs")
        _ = await task.stop(code: .userInitiated, reason: "done")
        _ = await task.waitUntilStopped()
    }

    @Test func cpuShareOfAOneVCPUTaskIsOneCPU() async throws {
        defer { cleanUp() }
        let task = try supervisor(
            [#"{"name":"spin","image":"busybox","stopTimeout":2,"command":\#(Self.busyOnAllCores)}"#], cpu: 1024,
            memory: 2048)
        await task.start()
        let measured = try await cpuShare(task)
        #expect(abs(measured.task - 1.0) <= 0.1, "cpu 1024 got \(measured.task) CPUs")
        _ = await task.stop(code: .userInitiated, reason: "done")
        _ = await task.waitUntilStopped()
    }

    /// What a container prints about its /sys/fs/cgroup, one `key=value` per line (busybox sh).
    static let cgroupReport = #"""
        c=/sys/fs/cgroup
        if [ -f $c/cgroup.controllers ]; then
          echo "memory=$(cat $c/memory.max)"; echo "cpu=$(cat $c/cpu.max)"; echo "pids=$(cat $c/pids.max)"
          limit=$c/memory.max
        else
          echo "memory=$(cat $c/memory/memory.limit_in_bytes)"
          echo "cpu=$(cat $c/cpu/cpu.cfs_quota_us) $(cat $c/cpu/cpu.cfs_period_us)"; echo "pids=$(cat $c/pids/pids.max)"
          limit=$c/memory/memory.limit_in_bytes
        fi
        echo "write=$( (echo 1 > $limit) 2>&1)"
        echo "mkdir=$(mkdir $c/escape 2>&1)"
        echo "groups=$(cut -d: -f3 /proc/self/cgroup | sort -u | tr '\n' ' ')"
        echo "directories=$(find $c -mindepth 1 -type d | sort | tr '\n' ' ')"
        echo "mounts=$(grep -c ' /sys/fs/cgroup' /proc/self/mountinfo)"
        """#

    /// The `key=value` lines a container of `task` logged.
    func report(_ task: TaskSupervisor, _ container: String) -> [String: String] {
        let path = "\(environment.taskDirectory(task.taskID))/logs/berth/\(container)/\(task.taskID)"
        let lines = ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n")
        var values: [String: String] = [:]
        for line in lines {
            // CRI format: time, stream, tag, text.
            let text =
                line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).dropFirst(3).first ?? ""
            guard let equals = text.firstIndex(of: "=") else { continue }
            values[String(text[..<equals])] = String(text[text.index(after: equals)...])
                .trimmingCharacters(in: .whitespaces)
        }
        return values
    }

    @Test func eachContainerReadsItsOwnLimitsAtSysFsCgroupAndCannotChangeThem() async throws {
        defer { cleanUp() }
        let script = String(decoding: try JSONEncoder().encode(Self.cgroupReport), as: UTF8.self)
        let task = try supervisor(
            [
                #"{"name":"sized","image":"busybox","essential":false,"memory":512,"command":["sh","-c",\#(script)]}"#,
                #"{"name":"unsized","image":"busybox","essential":false,"command":["sh","-c",\#(script)]}"#,
                #"{"name":"keep","image":"busybox","stopTimeout":2,"command":["sleep","600"]}"#,
            ], cpu: 1024, memory: 2048)
        await task.start()
        _ = await until(task) { $0.containers[0].lastStatus == .stopped && $0.containers[1].lastStatus == .stopped }
        let sized = report(task, "sized")
        let unsized = report(task, "unsized")
        // Its own memory limit, else the task's: the task group above is out of its sight.
        #expect(sized["memory"] == "536870912", "\(sized)")
        #expect(unsized["memory"] == "2147483648", "\(unsized)")
        for (name, seen) in [("sized", sized), ("unsized", unsized)] {
            #expect(seen["cpu"] == "100000 100000", "\(name): the task's 1 vCPU quota, \(seen)")
            #expect(seen["pids"] == "4096", "\(name)")
            #expect(seen["write"]?.contains("Read-only file system") == true, "\(name) could write: \(seen)")
            #expect(seen["mkdir"]?.contains("Read-only file system") == true, "\(name) could mkdir: \(seen)")
            // Its group is the root of every hierarchy it sees, and a leaf: no ancestor, sibling or other
            // task's group is reachable, only the hierarchies' own directories on v1.
            #expect(seen["groups"] == "/", "\(name): \(seen)")
            let expected: String
            if case .hierarchies(let hierarchies) = driver.namespaceView {
                expected = hierarchies.map { "/sys/fs/cgroup/\($0.name)" }.sorted().joined(separator: " ")
                #expect(seen["mounts"] == "\(hierarchies.count + 1)", "\(name): \(seen)")
            } else {
                expected = ""
                #expect(seen["mounts"] == "1", "\(name): \(seen)")
            }
            #expect(seen["directories"] == expected, "\(name)")
        }
        await task.stop(code: .userInitiated, reason: "done")
        _ = await task.waitUntilStopped()
    }

    @Test func anOOMKillIsReportedAndANonEssentialSiblingKeepsRunning() async throws {
        defer { cleanUp() }
        let task = try supervisor(
            [
                #"{"name":"app","image":"busybox","stopTimeout":2,"command":["sleep","600"]}"#,
                #"{"name":"hog","image":"busybox","essential":false,"memory":256,"command":["sh","-c","dd if=/dev/zero of=/dev/null bs=400M count=1; echo survived"]}"#,
            ], cpu: 256, memory: 512)
        await task.start()
        let afterOOM = await until(task) { $0.containers[1].lastStatus == .stopped }
        #expect(afterOOM.containers[1].exitCode == 137)
        #expect(afterOOM.containers[1].reason == "OutOfMemoryError: Container killed due to memory usage")
        #expect(afterOOM.lastStatus == .running)
        #expect(afterOOM.containers[0].lastStatus == .running)
        await task.stop(code: .userInitiated, reason: "done")
        _ = await task.waitUntilStopped()
    }

    @Test func anEssentialOOMKillStopsTheTaskWithTheReason() async throws {
        defer { cleanUp() }
        let task = try supervisor(
            [
                #"{"name":"hog","image":"busybox","memory":256,"command":["sh","-c","dd if=/dev/zero of=/dev/null bs=400M count=1"]}"#
            ], cpu: 256, memory: 512)
        await task.start()
        let stopped = await task.waitUntilStopped()
        #expect(stopped.stopCode == .essentialContainerExited)
        #expect(stopped.stoppedReason == "OutOfMemoryError: Container killed due to memory usage")
        #expect(stopped.containers[0].exitCode == 137)
    }

    @Test func stoppingATaskLeavesNoDaemonizedGrandchildAndNoGroup() async throws {
        defer { cleanUp() }
        let marker = "\(UInt32.random(in: 100_000...999_999))"
        // Under pidMode task the container's PID namespace outlives its first process, so the daemonized
        // children survive it: only the group's teardown can reach them.
        let task = try supervisor(
            [
                #"{"name":"forker","image":"busybox","stopTimeout":2,"command":["sh","-c","setsid sleep \#(marker)1 & setsid sh -c 'sleep \#(marker)2' & echo up; exec sleep 600"]}"#
            ], cpu: 256, memory: 512, pidMode: "task")
        await task.start()
        func survivors() -> [String] {
            let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
            return pids.compactMap { pid in
                guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
                let line = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\0", with: " ")
                return line.contains("sleep \(marker)") ? line : nil
            }
        }
        for _ in 0..<100 where survivors().count < 2 { try? await Task.sleep(nanoseconds: 100_000_000) }
        #expect(survivors().count == 2, "the grandchildren did not start")
        await task.stop(code: .userInitiated, reason: "done")
        _ = await task.waitUntilStopped()
        #expect(survivors().isEmpty, "left running: \(survivors())")
        #expect(try driver.existingTaskGroups().isEmpty)
    }
}
