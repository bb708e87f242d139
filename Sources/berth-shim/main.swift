// berth-shim SPEC_FILE [PARENT_PID [READY_FD]]
// berth-shim --pin-netns PATH
// berth-shim --pid-holder [READY_FD]
// berth-shim --exec SPEC_FILE TARGET_PID TIMEOUT_SECONDS -- COMMAND...
//
// Starts one container from a launch spec written by berth (see Isolation.LaunchSpecCodec) and stays
// with it until it exits, forwarding signals; exits with the container's exit code. Single-threaded,
// no Foundation: it must start fast and may fork.
import Isolation

#if canImport(Glibc)
    import Glibc
#endif

func warn(_ message: String) {
    let line = Array("berth-shim: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ message: String, code: Int32) -> Never {
    warn(message)
    exit(code)
}

let arguments = CommandLine.arguments
// berth-shim --pin-netns PATH: create a task's network namespace and pin it at PATH, then exit.
if arguments.count == 3 && arguments[1] == "--pin-netns" {
    do {
        try NetworkNamespacePin.create(at: arguments[2])
        exit(0)
    } catch {
        fail("\(error)", code: 125)
    }
}
// berth-shim --pid-holder [READY_FD]: PID 1 of a task's shared PID namespace (pidMode task).
if arguments.count <= 3 && arguments.count >= 2 && arguments[1] == "--pid-holder" {
    exit(PIDNamespaceHolder.run(readyFD: arguments.count == 3 ? Int32(arguments[2]) : nil))
}

func readSpec(_ path: String) -> LaunchSpec {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { fail("cannot open spec \(path)", code: 125) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[0..<count])
    }
    close(fd)
    do {
        return try LaunchSpecCodec.decode(bytes)
    } catch {
        fail("\(path): \(error)", code: 125)
    }
}

// berth-shim --exec SPEC TARGET_PID TIMEOUT -- COMMAND...: a health check inside a running container.
if arguments.count >= 7 && arguments[1] == "--exec" && arguments[5] == "--" {
    guard let target = pid_t(arguments[3]), let timeout = Int(arguments[4]), timeout > 0 else {
        fail("usage: berth-shim --exec SPEC_FILE TARGET_PID TIMEOUT_SECONDS -- COMMAND...", code: 125)
    }
    var spec = readSpec(arguments[2])
    spec.args = Array(arguments[6...])
    exit(ContainerExec.run(spec, target: target, timeoutSeconds: timeout) { warn($0) })
}

guard (2...4).contains(arguments.count) else { fail("usage: berth-shim SPEC_FILE [PARENT_PID [READY_FD]]", code: 125) }
let readyFD: Int32? = arguments.count == 4 ? Int32(arguments[3]) : nil
let parent = arguments.count == 3 ? pid_t(arguments[2]) ?? getppid() : getppid()

let spec = readSpec(arguments[1])
let code = ContainerLauncher.run(spec, parent: parent, readyFD: readyFD) { message in
    let line = Array("berth: container \(spec.containerID): \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
exit(code)
