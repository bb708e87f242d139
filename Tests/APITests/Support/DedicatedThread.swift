import Foundation

/// Runs blocking work (a child process, a blocking socket) on a thread of its own.
///
/// The server's handler calls run on Swift's cooperative pool, which has one thread per core; a test
/// blocking those threads while waiting for the server would starve the very task that has to answer it.
func onDedicatedThread<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
    }
}
