import Foundation
import Isolation
import LinuxKit
import Testing

@testable import Engine

#if canImport(Glibc)
    import Glibc
#endif

/// berth starts berth-shim from one sealed memfd copy per process; here with /bin/sleep standing in.
@Suite("The sealed copy berth-shim is spawned from")
struct SealedShimTests {
    let sleep = "/bin/sleep"

    @Test func aProcessStartedFromTheCopyShowsAMemfdAsItsExecutable() throws {
        let copy = try HelperBinaries.sealed(sleep)
        let pid = try ProcessSpawner.spawn(copy.path, argumentZero: copy.name, arguments: ["30"], environment: [])
        defer {
            kill(pid, SIGKILL)
            _ = try? ProcessSpawner.wait(pid)
        }
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        #expect(exe == "/memfd:sleep (deleted)")
        // posix_spawn returns once the kernel has switched the child to the new program, which may be a moment
        // before the new argument list is in place.
        var cmdline = Data()
        for _ in 0..<100 where cmdline.isEmpty {
            cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") ?? Data()
            if cmdline.isEmpty { usleep(10_000) }
        }
        #expect(Array(cmdline) == Array("sleep\u{0}30\u{0}".utf8), "\(Array(cmdline))")
    }

    // A copy of its own: while a descriptor is open for writing, the kernel refuses to exec the file
    // (ETXTBSY), and the other tests here exec the shared copy of /bin/sleep.
    @Test func theCopyIsSealedAgainstEveryChange() throws {
        let copy = try SealedExecutable.copy(of: "/bin/true", name: "true")
        defer { close(copy.descriptor) }
        #expect(copy.seals & SealedExecutable.requiredSeals == SealedExecutable.requiredSeals)
        var info = stat()
        var original = stat()
        #expect(fstat(copy.descriptor, &info) == 0 && stat("/bin/true", &original) == 0)
        #expect(info.st_size == original.st_size)
        // Opened anew for writing, as a container would through /proc/<pid>/exe: the open may succeed, but
        // no write, truncation or growth gets through the seals (these act on berth's own copy only).
        let writable = open(copy.path, O_WRONLY | O_CLOEXEC)
        try #require(writable >= 0, "open for writing: \(errno)")
        defer { close(writable) }
        #expect(write(writable, "x", 1) == -1 && errno == EPERM)
        #expect(ftruncate(writable, 0) == -1 && errno == EPERM)
        #expect(ftruncate(writable, info.st_size + 4096) == -1 && errno == EPERM)
        #expect(fcntl(copy.descriptor, F_ADD_SEALS_VALUE, 0) == -1 && errno == EPERM)
    }

    @Test func oneCopyServesEverySpawn() throws {
        let first = try HelperBinaries.sealed(sleep)
        let second = try HelperBinaries.sealed(sleep)
        #expect(first.descriptor == second.descriptor)
        #expect(first.path == "/proc/\(getpid())/fd/\(first.descriptor)")
    }

    @Test(arguments: [
        (initProcess: false, sharedPIDNamespace: false, sealed: false),
        (initProcess: true, sharedPIDNamespace: false, sealed: true),
        (initProcess: false, sharedPIDNamespace: true, sealed: true),
        (initProcess: true, sharedPIDNamespace: true, sealed: true),
    ])
    func berthRunUsesTheCopyWhenAContainerProcessCouldSeeTheShimsCode(
        initProcess: Bool, sharedPIDNamespace: Bool, sealed: Bool
    ) {
        var spec = LaunchSpec()
        spec.initProcess = initProcess
        spec.pidNamespacePath = sharedPIDNamespace ? "/proc/1/ns/pid" : nil
        #expect(ForegroundRun.needsSealedShim(spec) == sealed)
    }

    @Test func somethingThatIsNotARegularFileIsRefused() {
        #expect(throws: SyscallError.self) { try SealedExecutable.copy(of: "/tmp", name: "tmp") }
        #expect(throws: SyscallError.self) { try SealedExecutable.copy(of: "/nonexistent/berth-shim", name: "x") }
    }
}

/// F_ADD_SEALS (1033), which Swift's Glibc module does not export.
private let F_ADD_SEALS_VALUE: Int32 = 1033
