import Foundation
import Isolation
import Testing

/// Runs the probe image through `berth run` and checks, from inside the container, what it sees.
@Suite("Isolation, seen from inside a task")
struct IsolationFromInsideTests {
    let harness: BerthHarness

    init() throws { harness = try BerthHarness.get() }

    func report(_ container: String = #"{"name":"probe","image":"probe"}"#) throws -> ProbeReport {
        let result = harness.run(container: container)
        #expect(result.status == 0, "berth run failed: \(result.stderr)")
        return try ProbeReport.parse(result.stdout)
    }

    func probeSyscall(_ name: String, container extra: String = "") throws -> SyscallResult {
        let result = harness.run(container: #"{"name":"p","image":"probe","command":["syscall","\#(name)"]\#(extra)}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let line = result.stdout.split(separator: "\n").first { $0.hasPrefix("{") } ?? ""
        return try JSONDecoder().decode(SyscallResult.self, from: Data(line.utf8))
    }

    static func capabilityMask(_ names: [String]) -> String {
        let mask = names.compactMap(Capabilities.number).reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
        let hex = String(mask, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    @Test func pidOneInItsOwnPidNamespaceSeesNoHostProcess() throws {
        let report = try report()
        #expect(report.pid == 1)
        #expect(report.ppid == 0)
        #expect(report.pids == [1], "host processes visible: \(report.pids)")
    }

    @Test func ownHostnameAndOnlyLoopback() throws {
        let report = try report()
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        #expect(
            report.hostname != String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        #expect(report.hostname.count == 12 && report.hostname.allSatisfy(\.isHexDigit))
        #expect(report.interfaces == ["lo"])
    }

    @Test func capabilitySetsAreDockersFourteen() throws {
        let report = try report()
        let expected = Self.capabilityMask(Capabilities.dockerDefault)
        #expect(report.caps["eff"] == expected)
        #expect(report.caps["prm"] == expected)
        #expect(report.caps["bnd"] == expected)
        #expect(report.caps["inh"] == "0000000000000000")
        #expect(report.caps["amb"] == "0000000000000000")
    }

    @Test func capabilitiesDropThenAdd() throws {
        let report = try report(
            #"{"name":"p","image":"probe","linuxParameters":{"capabilities":{"add":["SYS_PTRACE"],"drop":["NET_RAW","CHOWN"]}}}"#
        )
        var expected = Capabilities.dockerDefault.filter { $0 != "CAP_NET_RAW" && $0 != "CAP_CHOWN" }
        expected.append("CAP_SYS_PTRACE")
        #expect(report.caps["eff"] == Self.capabilityMask(expected))
        #expect(report.caps["bnd"] == Self.capabilityMask(expected))
        let none = try self.report(
            #"{"name":"p","image":"probe","linuxParameters":{"capabilities":{"drop":["ALL"]}}}"#)
        #expect(none.caps["eff"] == "0000000000000000")
        #expect(none.caps["bnd"] == "0000000000000000")
    }

    @Test func noNewPrivsAndSeccompFilter() throws {
        let report = try report()
        #expect(report.no_new_privs == 1)
        #expect(report.seccomp == 2)
    }

    @Test(arguments: ["mount", "unshare", "keyctl", "setns", "bpf", "io_uring_setup", "ptrace", "add_key", "reboot"])
    func dangerousSyscallsAreRefusedWithEPERM(name: String) throws {
        let result = try probeSyscall(name)
        #expect(result.ret == -1)
        #expect(result.errname == "EPERM", "\(name) gave \(result.errname)")
    }

    @Test func syscallsNewerThanTheProfileGetENOSYSAndClone3FallsBack() throws {
        #expect(try probeSyscall("nr:1000").errname == "ENOSYS")
        #expect(try probeSyscall("clone3").errname == "ENOSYS")
        #expect(try probeSyscall("socket-inet").errname == "")
        #expect(try probeSyscall("socket-vsock").errname == "EPERM")
        #expect(try probeSyscall("clone-newns").errname == "EPERM")
    }

    @Test func sysPtraceAddedLiftsThePtraceRule() throws {
        let result = try probeSyscall(
            "ptrace", container: #","linuxParameters":{"capabilities":{"add":["SYS_PTRACE"]}}"#)
        #expect(result.errname != "EPERM", "ptrace still blocked: \(result)")
    }

    @Test func maskedAndReadonlyProcPaths() throws {
        // /proc/kcore does not exist on every kernel (not on this project's CI kernel); the others do.
        for path in ["/proc/keys", "/proc/timer_list", "/proc/interrupts"]
        where FileManager.default.fileExists(atPath: path) {
            let result = harness.run(container: #"{"name":"p","image":"probe","command":["read","\#(path)"]}"#)
            #expect(result.status == 0)
            #expect(result.stdout.isEmpty, "\(path) is not masked: \(result.stdout.prefix(80))")
        }
        let acpi = harness.run(container: #"{"name":"p","image":"probe","command":["ls","/proc/acpi"]}"#)
        #expect(acpi.status == 0 && acpi.stdout.isEmpty)
        let write = harness.run(
            container: #"{"name":"p","image":"probe","command":["write","/proc/sys/kernel/hostname","x"]}"#)
        #expect(write.status == 1)
        #expect(write.stdout.contains("EROFS"))
        let report = try report()
        #expect(report.mount(at: "/proc/sys")?.options.contains("ro") == true)
        #expect(report.mount(at: "/sys")?.options.hasPrefix("ro") == true)
    }

    @Test func standardMountsAreThere() throws {
        let report = try report()
        #expect(report.mount(at: "/")?.fstype == "overlay")
        #expect(report.mount(at: "/proc")?.fstype == "proc")
        #expect(report.mount(at: "/dev")?.fstype == "tmpfs")
        #expect(report.mount(at: "/dev/pts")?.fstype == "devpts")
        #expect(report.mount(at: "/dev/shm")?.fstype == "tmpfs")
        #expect(report.mount(at: "/dev/mqueue")?.fstype == "mqueue")
        #expect(report.mount(at: "/sys")?.fstype == "sysfs")
        let dev = harness.run(container: #"{"name":"p","image":"probe","command":["ls","/dev"]}"#)
        for node in [
            "null", "zero", "full", "tty", "random", "urandom", "fd", "stdin", "stdout", "stderr", "ptmx", "pts", "shm",
        ] {
            #expect(dev.stdout.split(separator: "\n").contains(Substring(node)), "/dev/\(node) missing")
        }
    }

    @Test func onlyStdioFileDescriptorsReachThePayload() throws {
        let result = harness.run(container: #"{"name":"p","image":"probe","command":["fds"]}"#)
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0 1 2")
    }

    @Test func nofileIsFargatesOrClampedToTheHost() throws {
        let result = harness.run(container: #"{"name":"p","image":"probe"}"#)
        let report = try ProbeReport.parse(result.stdout)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let expected = min(Int64(65535), Int64(limit.rlim_max))
        #expect(report.rlimits["nofile"] == [expected, expected])
        if expected < 65535 {
            #expect(result.stderr.contains("warning") && result.stderr.contains("\(expected)"))
        }
        let explicit = try self.report(
            #"{"name":"p","image":"probe","ulimits":[{"name":"nofile","softLimit":512,"hardLimit":1024},{"name":"core","softLimit":0,"hardLimit":0}]}"#
        )
        #expect(explicit.rlimits["nofile"] == [512, 1024])
        #expect(explicit.rlimits["core"] == [0, 0])
    }
}
