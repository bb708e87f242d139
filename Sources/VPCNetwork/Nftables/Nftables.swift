import CNftables
import Foundation

/// Runs an nft script as one transaction: all of it applies, or nothing does.
public protocol NftablesRunner: Sendable {
    /// Returns nft's output (for `list` commands).
    @discardableResult
    func run(_ script: String) throws(NetworkError) -> String
}

/// libnftables in-process: `nft_run_cmd_from_buffer` parses the whole buffer and sends it to the kernel as a
/// single netlink batch, which the kernel commits atomically. One context, used under a lock.
public final class LibNftables: NftablesRunner, @unchecked Sendable {
    private let lock = NSLock()
    private let context: OpaquePointer

    public init() throws(NetworkError) {
        guard let context = nft_ctx_new(UInt32(NFT_CTX_DEFAULT)) else { throw .nftables("nft_ctx_new failed") }
        nft_ctx_buffer_output(context)
        nft_ctx_buffer_error(context)
        self.context = context
    }

    deinit { nft_ctx_free(context) }

    @discardableResult
    public func run(_ script: String) throws(NetworkError) -> String {
        lock.lock()
        defer { lock.unlock() }
        let status = nft_run_cmd_from_buffer(context, script)
        let output = nft_ctx_get_output_buffer(context).map { String(cString: $0) } ?? ""
        let errors = nft_ctx_get_error_buffer(context).map { String(cString: $0) } ?? ""
        guard status == 0 else {
            throw .nftables(errors.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return output
    }
}
