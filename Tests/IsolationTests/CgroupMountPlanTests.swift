import Glibc
import Testing

@testable import Isolation

@Suite("The container's /sys/fs/cgroup: which mounts, in what order, with which flags")
struct CgroupMountPlanTests {
    static let hardened = UInt(MS_NOSUID | MS_NOEXEC | MS_NODEV)
    static let readonly = hardened | UInt(MS_RDONLY)

    static func cgroup(_ name: String, _ controllers: String) -> CgroupMountStep {
        .mount(source: "cgroup", target: "/sys/fs/cgroup/\(name)", type: "cgroup", flags: readonly, data: controllers)
    }

    static let tmpfs = CgroupMountStep.mount(
        source: "tmpfs", target: "/sys/fs/cgroup", type: "tmpfs", flags: hardened, data: "mode=755")
    static let tmpfsReadonly = CgroupMountStep.remount(
        target: "/sys/fs/cgroup", flags: UInt(MS_BIND | MS_REMOUNT) | readonly)

    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var filesystem: CgroupFilesystem
        var steps: [CgroupMountStep]
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "no cgroup: nothing mounted", filesystem: .none, steps: []),
        Case(
            label: "v2: one read-only cgroup2 mount, made in the namespace",
            filesystem: .unified,
            steps: [.mount(source: "cgroup", target: "/sys/fs/cgroup", type: "cgroup2", flags: readonly, data: nil)]),
        Case(
            label: "this hybrid host: separate cpu and cpuacct, the unified hierarchy last, no links",
            filesystem: .hierarchies([
                .init(name: "cpu", controllers: "cpu"), .init(name: "cpuacct", controllers: "cpuacct"),
                .init(name: "cpuset", controllers: "cpuset"), .init(name: "memory", controllers: "memory"),
                .init(name: "pids", controllers: "pids"), .init(name: "freezer", controllers: "freezer"),
                .init(name: "unified", controllers: nil),
            ]),
            steps: [
                tmpfs, cgroup("cpu", "cpu"), cgroup("cpuacct", "cpuacct"), cgroup("cpuset", "cpuset"),
                cgroup("memory", "memory"), cgroup("pids", "pids"), cgroup("freezer", "freezer"),
                .mount(
                    source: "cgroup", target: "/sys/fs/cgroup/unified", type: "cgroup2", flags: readonly, data: nil),
                tmpfsReadonly,
            ]),
        Case(
            label: "co-mounted controllers: one mount, a link per controller after the mounts, then read-only",
            filesystem: .hierarchies([
                .init(name: "cpu,cpuacct", controllers: "cpu,cpuacct"), .init(name: "memory", controllers: "memory"),
                .init(name: "net_cls,net_prio", controllers: "net_cls,net_prio"),
            ]),
            steps: [
                tmpfs, cgroup("cpu,cpuacct", "cpu,cpuacct"), cgroup("memory", "memory"),
                cgroup("net_cls,net_prio", "net_cls,net_prio"),
                .symlink(target: "cpu,cpuacct", path: "/sys/fs/cgroup/cpu"),
                .symlink(target: "cpu,cpuacct", path: "/sys/fs/cgroup/cpuacct"),
                .symlink(target: "net_cls,net_prio", path: "/sys/fs/cgroup/net_cls"),
                .symlink(target: "net_cls,net_prio", path: "/sys/fs/cgroup/net_prio"),
                tmpfsReadonly,
            ]),
        Case(
            label: "a link never shadows a hierarchy of that name",
            filesystem: .hierarchies([
                .init(name: "cpu,cpuacct", controllers: "cpu,cpuacct"), .init(name: "cpu", controllers: "cpu"),
            ]),
            steps: [
                tmpfs, cgroup("cpu,cpuacct", "cpu,cpuacct"), cgroup("cpu", "cpu"),
                .symlink(target: "cpu,cpuacct", path: "/sys/fs/cgroup/cpuacct"), tmpfsReadonly,
            ]),
        Case(
            label: "a named hierarchy mounts by its name= option",
            filesystem: .hierarchies([.init(name: "systemd", controllers: "name=systemd")]),
            steps: [tmpfs, cgroup("systemd", "name=systemd"), tmpfsReadonly]),
        Case(
            label: "v1 with no hierarchy: an empty read-only tmpfs",
            filesystem: .hierarchies([]), steps: [tmpfs, tmpfsReadonly]),
    ]

    @Test(arguments: cases)
    func plan(_ entry: Case) throws {
        #expect(try CgroupMountPlan.steps(entry.filesystem) == entry.steps)
    }

    @Test func everyCgroupMountIsReadOnlyAndTheTmpfsEndsReadOnly() throws {
        for entry in Self.cases {
            let steps = try CgroupMountPlan.steps(entry.filesystem)
            for case .mount(_, let target, let type, let flags, _) in steps where type != "tmpfs" {
                #expect(flags & UInt(MS_RDONLY) != 0, "\(entry.label): \(target) is writable")
            }
            if case .hierarchies = entry.filesystem {
                #expect(steps.first == Self.tmpfs && steps.last == Self.tmpfsReadonly, "\(entry.label)")
            }
        }
    }

    @Test(arguments: ["", ".", "..", "a/b", "/memory"])
    func namesThatAreNotOneComponentAreRefused(name: String) {
        #expect(throws: LaunchError.self) {
            try CgroupMountPlan.steps(.hierarchies([.init(name: name, controllers: "memory")]))
        }
    }

    @Test func aHierarchyNamedTwiceIsRefused() {
        #expect(throws: LaunchError.invalidSpec("cgroup hierarchy memory appears twice")) {
            try CgroupMountPlan.steps(
                .hierarchies([.init(name: "memory", controllers: "memory"), .init(name: "memory", controllers: "pids")])
            )
        }
    }
}
