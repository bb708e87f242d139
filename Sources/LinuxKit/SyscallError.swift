#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A failed system call: which step of berth's work failed, and the kernel's errno.
/// Descriptions read like `pivot_root(/var/lib/berth/overlay/x/merged): Invalid argument (EINVAL)`.
public struct SyscallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var stage: String
    public var errno: Int32

    public init(_ stage: String, errno: Int32 = Glibc.errno) {
        self.stage = stage
        self.errno = errno
    }

    public var description: String {
        "\(stage): \(ErrnoName.message(errno)) (\(ErrnoName.symbol(errno)))"
    }
}

/// Runs a libc call that reports failure as -1 + errno, retrying EINTR in this one place.
@discardableResult
@inline(__always)
public func syscallChecked<T: FixedWidthInteger>(_ stage: @autoclosure () -> String, _ call: () -> T)
    throws(SyscallError) -> T
{
    while true {
        let result = call()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        throw SyscallError(stage(), errno: code)
    }
}

/// Symbolic errno names, so messages say EPERM and not just "Operation not permitted".
public enum ErrnoName {
    public static func symbol(_ code: Int32) -> String {
        switch code {
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        case ESRCH: "ESRCH"
        case EINTR: "EINTR"
        case EIO: "EIO"
        case ENXIO: "ENXIO"
        case E2BIG: "E2BIG"
        case ENOEXEC: "ENOEXEC"
        case EBADF: "EBADF"
        case ECHILD: "ECHILD"
        case EAGAIN: "EAGAIN"
        case ENOMEM: "ENOMEM"
        case EACCES: "EACCES"
        case EFAULT: "EFAULT"
        case EBUSY: "EBUSY"
        case EEXIST: "EEXIST"
        case EXDEV: "EXDEV"
        case ENODEV: "ENODEV"
        case ENOTDIR: "ENOTDIR"
        case EISDIR: "EISDIR"
        case EINVAL: "EINVAL"
        case ENFILE: "ENFILE"
        case EMFILE: "EMFILE"
        case ENOTTY: "ENOTTY"
        case ETXTBSY: "ETXTBSY"
        case EFBIG: "EFBIG"
        case ENOSPC: "ENOSPC"
        case ESPIPE: "ESPIPE"
        case EROFS: "EROFS"
        case EMLINK: "EMLINK"
        case EPIPE: "EPIPE"
        case ERANGE: "ERANGE"
        case ENAMETOOLONG: "ENAMETOOLONG"
        case ENOSYS: "ENOSYS"
        case ENOTEMPTY: "ENOTEMPTY"
        case ELOOP: "ELOOP"
        case EOPNOTSUPP: "EOPNOTSUPP"
        case EAFNOSUPPORT: "EAFNOSUPPORT"
        case EADDRINUSE: "EADDRINUSE"
        case ECONNREFUSED: "ECONNREFUSED"
        case ETIMEDOUT: "ETIMEDOUT"
        default: "errno \(code)"
        }
    }

    public static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "errno \(code)" }
        return String(cString: text)
    }
}
