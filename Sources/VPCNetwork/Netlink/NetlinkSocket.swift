import CLinuxKit
import Foundation
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// The seam between rtnetlink logic and the kernel: send one datagram, receive one. `RouteNetlink` speaks
/// through it; tests give it a `ReplayNetlinkSocket` with canned replies.
public protocol NetlinkSocket: AnyObject {
    func send(_ datagram: [UInt8]) throws(NetworkError)
    func receive() throws(NetworkError) -> [UInt8]
}

/// A NETLINK_ROUTE socket. The socket talks to the network namespace it was created in for its whole life,
/// whatever namespace the thread using it is in later; `open(inNamespace:)` relies on that.
public final class KernelNetlinkSocket: NetlinkSocket {
    private let fd: Int32

    /// A socket in the calling thread's network namespace. Unbound: the kernel autobinds it to a unique port
    /// on first send, and an unaddressed send goes to the kernel (port 0).
    public init() throws(NetworkError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .kernel(SyscallError("socket(AF_NETLINK, NETLINK_ROUTE)")) }
        self.fd = fd
    }

    /// A socket bound to the network namespace pinned at `path`, opened without touching any thread the
    /// daemon runs: a dedicated thread setns()es into the namespace, creates the socket and setns()es back,
    /// then ends (so a failure to return strands nothing). berthd is multithreaded and never forks.
    public static func open(inNamespace path: String) throws(NetworkError) -> KernelNetlinkSocket {
        try NamespaceThread.run(inNetworkNamespace: path) { () throws(NetworkError) in try KernelNetlinkSocket() }
    }

    deinit { close(fd) }

    public func send(_ datagram: [UInt8]) throws(NetworkError) {
        let sent: Int
        do {
            sent = try syscallChecked("netlink send") {
                datagram.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            }
        } catch { throw .kernel(error) }
        guard sent == datagram.count else { throw .netlink(step: "netlink send (short write)", errno: EIO) }
    }

    public func receive() throws(NetworkError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count: Int
        do {
            count = try syscallChecked("netlink recv") {
                buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            }
        } catch { throw .kernel(error) }
        return Array(buffer[0..<count])
    }
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, NetworkError>?
}

/// Runs work on a fresh thread inside a network namespace.
enum NamespaceThread {
    static func run<T>(inNetworkNamespace path: String, _ body: @escaping @Sendable () throws(NetworkError) -> T)
        throws(NetworkError) -> T
    {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            box.result = Result { () throws(NetworkError) -> T in try enterAndRun(path, body) }
        }
        thread.start()
        done.wait()
        return try box.result!.get()
    }

    private static func enterAndRun<T>(_ path: String, _ body: () throws(NetworkError) -> T) throws(NetworkError)
        -> T
    {
        let original = Glibc.open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw .kernel(SyscallError("open /proc/thread-self/ns/net")) }
        defer { close(original) }
        let target = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw .kernel(SyscallError("open network namespace \(path)")) }
        defer { close(target) }
        guard bk_setns(target, CLONE_NEWNET) == 0 else { throw .kernel(SyscallError("setns(\(path))")) }
        let result = Result { () throws(NetworkError) -> T in try body() }
        // The thread ends right after this, so even a failed return leaves no thread in the task's namespace.
        _ = bk_setns(original, CLONE_NEWNET)
        return try result.get()
    }
}
