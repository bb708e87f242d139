// berth-shim SPEC_FILE [PARENT_PID [READY_FD]]
// berth-shim --pin-netns PATH
//
// Starts one container from a launch spec written by berth (see Isolation.LaunchSpecCodec) and stays
// with it until it exits, forwarding signals; exits with the container's exit code. Single-threaded,
// no Foundation: it must start fast and may fork.
import Isolation

#if canImport(Glibc)
    import Glibc
#endif

func fail(_ message: String, code: Int32) -> Never {
    let line = Array("berth-shim: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
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
guard (2...4).contains(arguments.count) else { fail("usage: berth-shim SPEC_FILE [PARENT_PID [READY_FD]]", code: 125) }
let readyFD: Int32? = arguments.count == 4 ? Int32(arguments[3]) : nil
let parent = arguments.count == 3 ? pid_t(arguments[2]) ?? getppid() : getppid()

let fd = open(arguments[1], O_RDONLY | O_CLOEXEC)
guard fd >= 0 else { fail("cannot open spec \(arguments[1])", code: 125) }
var bytes: [UInt8] = []
var buffer = [UInt8](repeating: 0, count: 65536)
while true {
    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if count <= 0 { break }
    bytes.append(contentsOf: buffer[0..<count])
}
close(fd)

let spec: LaunchSpec
do {
    spec = try LaunchSpecCodec.decode(bytes)
} catch {
    fail("\(arguments[1]): \(error)", code: 125)
}
let code = ContainerLauncher.run(spec, parent: parent, readyFD: readyFD) { message in
    let line = Array("berth: container \(spec.containerID): \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
exit(code)
