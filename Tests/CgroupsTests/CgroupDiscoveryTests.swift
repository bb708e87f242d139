import Cgroups
import Testing

@Suite("CgroupDiscovery and the drivers' file writes, on a fake /sys/fs/cgroup")
struct CgroupDiscoveryTests {
    @Test func hybridHostGetsTheV1DriverWithOneGroupPerHierarchy() throws {
        let host = FakeHost.hybrid()
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        #expect(driver.version == .v1)
        let size = TaskResources(cpuUnits: 256, memoryMiB: 512)
        let task = try driver.createTaskGroup(taskID: "t1", limits: .task(size))
        let app = try driver.createContainerGroup(
            "app", in: task,
            limits: .container(ContainerResources(cpuUnits: 512, memoryMiB: 256, memoryReservationMiB: 128), in: size))
        // The memory hierarchy places berth under the daemon's own group there, the others at their root;
        // cpuset and the unified hierarchy hold no limits, only the container's own group for it to see.
        #expect(
            app.procsFiles
                == [
                    "cpu/tasks/t1/app", "cpuacct/tasks/t1/app", "memory/process_api/3d72/tasks/t1/app",
                    "pids/tasks/t1/app", "freezer/tasks/t1/app", "cpuset/tasks/t1/app", "unified/tasks/t1/app",
                ].map { "\(host.root)/sys/fs/cgroup/\($0)/cgroup.procs" })
        #expect(host.read("/sys/fs/cgroup/cpu/tasks/t1/app/cpu.cfs_quota_us") == "25000")
        #expect(host.read("/sys/fs/cgroup/cpu/tasks/t1/cpu.cfs_quota_us") == "25000")
        #expect(host.read("/sys/fs/cgroup/cpu/tasks/t1/cpu.cfs_period_us") == "100000")
        #expect(host.read("/sys/fs/cgroup/memory/process_api/3d72/tasks/t1/memory.limit_in_bytes") == "536870912")
        #expect(host.read("/sys/fs/cgroup/pids/tasks/t1/pids.max") == "4096")
        #expect(host.read("/sys/fs/cgroup/cpu/tasks/t1/app/cpu.shares") == "512")
        #expect(
            host.read("/sys/fs/cgroup/memory/process_api/3d72/tasks/t1/app/memory.soft_limit_in_bytes") == "134217728")
        // memsw is optional: this fake kernel has no swap accounting, so it is skipped, not created.
        #expect(!host.exists("/sys/fs/cgroup/memory/process_api/3d72/tasks/t1/app/memory.memsw.limit_in_bytes"))
        #expect(try driver.existingTaskGroups().map(\.taskID) == ["t1"])
        #expect(try driver.containerGroups(of: task).map(\.name) == ["app"])
    }

    @Test func missingV1ControllersGiveOneErrorNamingThemAndTheFix() {
        let host = FakeHost.hybrid(without: ["pids", "freezer"])
        defer { host.remove() }
        do {
            _ = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
            Issue.record("expected controllerMissing")
        } catch {
            guard case .controllerMissing(let controllers, let fix) = error else {
                Issue.record("wrong error \(error)")
                return
            }
            #expect(controllers == ["pids", "freezer"])
            #expect(fix.contains("mount -t cgroup -o pids cgroup /sys/fs/cgroup/pids"))
            #expect(error.description.hasPrefix("cgroup controllers pids, freezer not available"))
        }
    }

    @Test func forcingV2OnAHybridHostExplainsTheEmptyUnifiedHierarchy() {
        let host = FakeHost.hybrid()
        defer { host.remove() }
        #expect {
            _ = try CgroupDiscovery.driver(
                CgroupConfiguration(mode: .v2), fileSystem: HostCgroupFileSystem(root: host.root))
        } throws: { error in
            guard case CgroupError.controllerMissing(let controllers, let fix) = error else { return false }
            return controllers == ["cpu", "memory", "pids"] && fix.contains("--cgroup-driver v1")
        }
    }

    @Test func pureV2HostEnablesControllersOnTheWayDownButNotInLeaves() throws {
        let host = FakeHost.version2(own: "/system.slice/berthd.service")
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        #expect(driver.version == .v2)
        let own = "/sys/fs/cgroup/system.slice/berthd.service"
        try driver.adoptDaemon()
        #expect(host.exists(own + "/berthd/cgroup.procs"))
        let size = TaskResources(cpuUnits: 1024, memoryMiB: 2048)
        let task = try driver.createTaskGroup(taskID: "abc", limits: .task(size))
        let web = try driver.createContainerGroup(
            "web", in: task,
            limits: .container(ContainerResources(cpuUnits: 1024, memoryMiB: 512, memoryReservationMiB: nil), in: size))
        #expect(web.procsFiles == ["\(host.root)\(own)/tasks/abc/web/cgroup.procs"])
        for directory in [own, own + "/tasks", own + "/tasks/abc"] {
            #expect(host.read(directory + "/cgroup.subtree_control") == "+cpu +memory +pids")
        }
        #expect(!host.exists(own + "/tasks/abc/web/cgroup.subtree_control"))
        #expect(host.read(own + "/tasks/abc/cpu.max") == "100000 100000")
        #expect(host.read(own + "/tasks/abc/memory.max") == "2147483648")
        #expect(host.read(own + "/tasks/abc/web/cpu.weight") == "100")
        #expect(host.read(own + "/tasks/abc/web/memory.max") == "536870912")
        #expect(host.read(own + "/tasks/abc/web/memory.oom.group") == "1")
        #expect(host.read(own + "/tasks/abc/web/cpu.max") == "100000 100000")
        #expect(driver.tasksDirectories == ["\(host.root)\(own)/tasks"])
        #expect(driver.namespaceView == .unified)
    }

    @Test func aHybridContainerSeesEachHierarchyByTheHostsNameForIt() throws {
        let host = FakeHost.hybrid()
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        #expect(
            driver.namespaceView
                == .hierarchies([
                    .init(name: "cpu", controllers: "cpu"), .init(name: "cpuacct", controllers: "cpuacct"),
                    .init(name: "memory", controllers: "memory"), .init(name: "pids", controllers: "pids"),
                    .init(name: "freezer", controllers: "freezer"), .init(name: "cpuset", controllers: "cpuset"),
                    .init(name: "unified", controllers: nil),
                ]))
    }

    @Test func coMountedControllersAreOneHierarchyMountedWithBoth() throws {
        let host = FakeHost.hybrid(comounted: ["cpu", "cpuacct"], without: ["cpuset"])
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t", limits: CgroupLimits())
        #expect(task.group.directories.first == "\(host.root)/sys/fs/cgroup/cpu,cpuacct/tasks/t")
        // No cpuset on this host: nothing to see there, and nothing missing either.
        #expect(
            driver.namespaceView
                == .hierarchies([
                    .init(name: "cpu,cpuacct", controllers: "cpu,cpuacct"),
                    .init(name: "memory", controllers: "memory"),
                    .init(name: "pids", controllers: "pids"), .init(name: "freezer", controllers: "freezer"),
                    .init(name: "unified", controllers: nil),
                ]))
    }

    @Test func removingTheTasksDirectoryTriesEveryHierarchyThoughOneIsBusy() throws {
        let host = FakeHost.hybrid()
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t1", limits: CgroupLimits())
        try driver.destroy(task)
        // Another berthd's task in the cpu hierarchy: that directory stays, the others go.
        host.write("/sys/fs/cgroup/cpu/tasks/other/cgroup.procs", "")
        #expect(throws: CgroupError.self) { try driver.removeTasksDirectory() }
        #expect(host.exists("/sys/fs/cgroup/cpu/tasks"))
        for hierarchy in ["cpuacct", "memory/process_api/3d72", "pids", "freezer", "cpuset", "unified"] {
            #expect(!host.exists("/sys/fs/cgroup/\(hierarchy)/tasks"), "\(hierarchy)")
        }
    }

    @Test func aNewCpusetGroupGetsItsParentsCPUsAndMemoryNodesAtEveryLevel() throws {
        let host = FakeHost.hybrid()
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t1", limits: CgroupLimits())
        _ = try driver.createContainerGroup("app", in: task, limits: CgroupLimits())
        for directory in ["tasks", "tasks/t1", "tasks/t1/app"] {
            #expect(host.read("/sys/fs/cgroup/cpuset/\(directory)/cpuset.cpus") == "0-1", "\(directory)")
            #expect(host.read("/sys/fs/cgroup/cpuset/\(directory)/cpuset.mems") == "0", "\(directory)")
        }
        // A value already there (a kernel with clone_children, a group made before) is kept.
        host.write("/sys/fs/cgroup/cpuset/tasks/t1/web/cpuset.cpus", "1\n")
        _ = try driver.createContainerGroup("web", in: task, limits: CgroupLimits())
        #expect(host.read("/sys/fs/cgroup/cpuset/tasks/t1/web/cpuset.cpus") == "1\n")
        #expect(host.read("/sys/fs/cgroup/cpuset/tasks/t1/web/cpuset.mems") == "0")
    }

    @Test func aDaemonAlreadyInItsLeafWorksFromTheParent() throws {
        let host = FakeHost.version2(own: "/berth.slice")
        defer { host.remove() }
        host.write("/proc/self/cgroup", "0::/berth.slice/berthd\n")
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t", limits: CgroupLimits())
        #expect(task.group.directories == ["\(host.root)/sys/fs/cgroup/berth.slice/tasks/t"])
    }

    @Test func undelegatedV2ControllersNameTheParentToFix() {
        let host = FakeHost.version2(own: "/user.slice/session-1.scope", controllers: "memory pids")
        defer { host.remove() }
        #expect {
            _ = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        } throws: { error in
            guard case CgroupError.controllerMissing(let controllers, let fix) = error else { return false }
            return controllers == ["cpu"]
                && fix.contains("> /sys/fs/cgroup/user.slice/cgroup.subtree_control") && fix.contains("Delegate=yes")
        }
    }

    @Test func namesThatAreNotPlainComponentsAreRefused() throws {
        let host = FakeHost.version2(own: "/")
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        for bad in ["", "..", "a/b", "cpu.max", String(repeating: "x", count: 256)] {
            #expect(throws: CgroupError.invalidName(bad)) {
                _ = try driver.createTaskGroup(taskID: bad, limits: CgroupLimits())
            }
        }
    }

    @Test func teardownOfAnEmptyFakeGroupRemovesItLeavesFirst() throws {
        let host = FakeHost.version2(own: "/")
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t", limits: CgroupLimits())
        let app = try driver.createContainerGroup("app", in: task, limits: CgroupLimits())
        host.write("/sys/fs/cgroup/tasks/t/cgroup.kill", "")
        host.write("/sys/fs/cgroup/tasks/t/cgroup.events", "populated 0\nfrozen 0\n")
        host.write("/sys/fs/cgroup/tasks/t/app/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
        let report = try driver.destroy(task)
        #expect(report.oomKills == [app.name: 1])
        #expect(!host.exists("/sys/fs/cgroup/tasks/t"))
        try driver.removeTasksDirectory()
        #expect(!host.exists("/sys/fs/cgroup/tasks"))
        // Destroying again is a no-op.
        #expect(try driver.destroy(task).oomKills.isEmpty)
    }

    @Test func statsParseV2Counters() throws {
        let host = FakeHost.version2(own: "/")
        defer { host.remove() }
        let driver = try CgroupDiscovery.driver(fileSystem: HostCgroupFileSystem(root: host.root))
        let task = try driver.createTaskGroup(taskID: "t", limits: CgroupLimits())
        let directory = "/sys/fs/cgroup/tasks/t"
        host.write(
            directory + "/cpu.stat",
            "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 10\nnr_throttled 4\nthrottled_usec 800\n")
        host.write(directory + "/memory.current", "4096\n")
        host.write(directory + "/memory.peak", "8192\n")
        host.write(directory + "/memory.max", "max\n")
        host.write(directory + "/pids.current", "3\n")
        host.write(directory + "/memory.events", "oom_kill 2\n")
        let stats = try driver.stats(task)
        #expect(
            stats.task
                == CgroupStats(
                    cpuUsageMicros: 1500, cpuPeriods: 10, cpuThrottledPeriods: 4, cpuThrottledMicros: 800,
                    memoryCurrentBytes: 4096, memoryPeakBytes: 8192, memoryLimitBytes: nil, pidsCurrent: 3, oomKills: 2)
        )
        #expect(stats.containers.isEmpty)
    }
}
