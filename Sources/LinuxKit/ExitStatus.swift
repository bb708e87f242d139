import CLinuxKit

/// How a process ended, decoded from a wait(2) status.
public enum ExitStatus: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    public init(waitStatus: Int32) {
        if bk_wifsignaled(waitStatus) != 0 {
            self = .signaled(bk_wtermsig(waitStatus))
        } else {
            self = .exited(bk_wexitstatus(waitStatus))
        }
    }

    /// The shell's convention (and Docker's and ECS's `exitCode`): a signal death is 128 + signal.
    public var code: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "killed by \(Signals.name(signal))"
        }
    }
}
