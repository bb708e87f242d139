import Isolation
import Testing

@Suite("LaunchSpec wire format")
struct LaunchSpecCodecTests {
    @Test func roundTripsEveryField() throws {
        var spec = LaunchSpec()
        spec.containerID = "abc123"
        spec.rootfs = RootfsMount(target: "/r/merged", type: "overlay", source: "lowerdir=/a:/b,upperdir=/u,workdir=/w")
        spec.readonlyRootfs = true
        spec.hostname = "host-1"
        spec.args = ["/bin/sh", "-c", "echo 'a b' \"c\"", ""]
        spec.env = ["A=1", "B=with=equals", "EMPTY="]
        spec.workingDirectory = "/srv"
        spec.user = "app:staff"
        spec.capabilities = ["CAP_CHOWN", "CAP_SYS_PTRACE"]
        spec.rlimits = [Rlimit(name: "nofile", soft: 1024, hard: 4096)]
        spec.noNewPrivileges = false
        spec.seccomp = false
        spec.initProcess = true
        spec.networkNamespacePath = "/run/berth/netns/t1"
        spec.pidNamespacePath = "/proc/42/ns/pid_for_children"
        spec.cgroupProcsFiles = [
            "/sys/fs/cgroup/cpu/berth/t1/app/cgroup.procs", "/sys/fs/cgroup/memory/x/cgroup.procs",
        ]
        spec.cgroupFilesystem = .hierarchies([
            CgroupHierarchyMount(name: "cpu,cpuacct", controllers: "cpu,cpuacct"),
            CgroupHierarchyMount(name: "unified", controllers: nil),
        ])
        spec.logPath = "/var/lib/berth/tasks/t1/logs/app"
        spec.exitCodePath = "/var/lib/berth/tasks/t1/app.exit"
        spec.dieWithParent = true
        spec.fileMounts = [FileMount(source: "/var/lib/berth/tasks/t1/hosts", target: "/etc/hosts", readonly: true)]
        spec.seccompProgramPath = "/var/lib/berth/seccomp/r2-abc.bpf"
        spec.maskedPaths = ["/proc/kcore"]
        spec.readonlyPaths = []
        let decoded = try LaunchSpecCodec.decode(LaunchSpecCodec.encode(spec))
        #expect(decoded == spec)
    }

    @Test func everyCgroupFilesystemRoundTrips() throws {
        for filesystem in [
            CgroupFilesystem.none, .unified, .hierarchies([]),
            .hierarchies([CgroupHierarchyMount(name: "memory", controllers: "memory")]),
        ] {
            var spec = LaunchSpec()
            spec.cgroupFilesystem = filesystem
            #expect(try LaunchSpecCodec.decode(LaunchSpecCodec.encode(spec)).cgroupFilesystem == filesystem)
        }
        var spaced = LaunchSpec()
        spaced.cgroupFilesystem = .hierarchies([CgroupHierarchyMount(name: "a b", controllers: "memory")])
        #expect(throws: LaunchError.self) { try LaunchSpecCodec.encode(spaced) }
        // A hierarchy record under a v2 (or no) cgroup filesystem is refused, not dropped.
        let mixed = Array("version\u{0}1\u{0}cgroupfs\u{0}unified\u{0}cgroupHierarchy\u{0}memory memory\u{0}".utf8)
        #expect(throws: LaunchError.self) { try LaunchSpecCodec.decode(mixed) }
    }

    @Test func defaultsSurviveTheRoundTrip() throws {
        let spec = LaunchSpec()
        #expect(try LaunchSpecCodec.decode(LaunchSpecCodec.encode(spec)) == spec)
    }

    @Test func valuesWithNULCannotSmuggleRecords() {
        var spec = LaunchSpec()
        spec.env = ["EVIL=1\u{0}rootfs.type\u{0}bind\u{0}rootfs.source\u{0}/"]
        #expect(throws: LaunchError.invalidSpec("env contains a NUL character")) { try LaunchSpecCodec.encode(spec) }
        spec.env = []
        spec.user = "app\u{0}cap\u{0}CAP_SYS_ADMIN"
        #expect(throws: LaunchError.self) { try LaunchSpecCodec.encode(spec) }
        // Hand-made input with a repeated single-valued key is refused, not last-one-wins.
        let repeated = Array("version\u{0}1\u{0}rootfs.source\u{0}a\u{0}rootfs.source\u{0}/\u{0}".utf8)
        #expect(throws: LaunchError.invalidSpec("repeated key rootfs.source")) { try LaunchSpecCodec.decode(repeated) }
    }

    @Test func rejectsTruncatedAndUnknownInput() throws {
        var bytes = try LaunchSpecCodec.encode(LaunchSpec())
        bytes.removeLast()
        #expect(throws: LaunchError.self) { try LaunchSpecCodec.decode(bytes) }
        let unknown = Array("version\u{0}1\u{0}bogus\u{0}x\u{0}".utf8)
        #expect(throws: LaunchError.invalidSpec("unknown key bogus")) { try LaunchSpecCodec.decode(unknown) }
        let wrongVersion = Array("version\u{0}2\u{0}".utf8)
        #expect(throws: LaunchError.invalidSpec("unknown version")) { try LaunchSpecCodec.decode(wrongVersion) }
    }
}
