import LinuxKit

/// Why a network operation failed. The API maps these onto EC2/ECS errors; descriptions are for users.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A kernel call failed (netlink, setns, sysctl): which step, and errno.
    case kernel(SyscallError)
    /// The kernel answered a netlink request with an error.
    case netlink(step: String, errno: Int32)
    /// libnftables refused a transaction; the payload is nft's own message.
    case nftables(String)
    /// A hostPort is already published by another task or bound by a process on the host.
    case hostPortInUse(String)
    /// Malformed input (a CIDR, a port range, an ID).
    case invalidParameter(String)
    /// An ID that does not exist (for the describe/authorize verbs; attach creates unknown IDs).
    case notFound(String)
    /// No free address or no room for another subnet.
    case exhausted(String)
    /// The store failed.
    case store(String)

    public var description: String {
        switch self {
        case .kernel(let error): error.description
        case .netlink(let step, let errno): "\(step): \(ErrnoName.message(errno)) (\(ErrnoName.symbol(errno)))"
        case .nftables(let message): "nftables: \(message)"
        case .hostPortInUse(let message): message
        case .invalidParameter(let message): message
        case .notFound(let message): message
        case .exhausted(let message): message
        case .store(let message): message
        }
    }
}
