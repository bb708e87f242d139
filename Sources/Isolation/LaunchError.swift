import LinuxKit

/// Why a container could not be started. Each case names the step and the cause; the shim reports
/// it to its parent over the error pipe, and `exitCode` follows Docker's convention.
public enum LaunchError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidSpec(String)
    case syscall(SyscallError)
    case userNotFound(String)
    case groupNotFound(String)
    case unknownCapability(String)
    case unknownRlimit(String)
    case executableNotFound(String)
    case notExecutable(String)
    case seccomp(String)

    public var description: String {
        switch self {
        case .invalidSpec(let why): "invalid launch spec: \(why)"
        case .syscall(let error): error.description
        case .userNotFound(let user): "unable to find user \(user): no matching entries in passwd file"
        case .groupNotFound(let group): "unable to find group \(group): no matching entries in group file"
        case .unknownCapability(let name): "unknown capability \"\(name)\""
        case .unknownRlimit(let name): "unknown ulimit name \"\(name)\""
        case .executableNotFound(let name): "exec: \"\(name)\": executable file not found in $PATH"
        case .notExecutable(let name): "exec: \"\(name)\": permission denied"
        case .seccomp(let why): "seccomp: \(why)"
        }
    }

    /// Docker's exit codes for a container that never ran: 127 command not found, 126 not executable,
    /// 125 anything else in the runtime.
    public var exitCode: Int32 {
        switch self {
        case .executableNotFound: 127
        case .notExecutable: 126
        default: 125
        }
    }
}
