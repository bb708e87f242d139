import NIOCore
import Synchronization

/// The connections being served, so that `stop()` can reach them: first to ask each to finish
/// (NIO's `ChannelShouldQuiesceEvent`: an idle keep-alive connection closes at once, a busy one after
/// its current response), then, past the grace period, to close whatever remains.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var tasks: [ObjectIdentifier: Task<Void, Never>] = [:]
        var unclaimed: [ObjectIdentifier: HTTPServerConnection] = [:]
        var isQuiescing = false
    }

    private let state = Mutex(State())

    /// Tracks `channel` until `remove` is called; a connection accepted after quiescing began is told
    /// to quiesce at once.
    func add(_ channel: any Channel) {
        let quiesceNow = state.withLock { state in
            state.channels[ObjectIdentifier(channel)] = channel
            return state.isQuiescing
        }
        if quiesceNow { channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
    }

    func remove(_ channel: any Channel) {
        _ = state.withLock { $0.channels.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// A connection NIO accepted, held from its creation until the accept loop takes it: NIO drops
    /// accepted connections still buffered when the listener closes (apple/swift-nio#2813), and one
    /// dropped without `executeThenClose` traps ("Deinited NIOAsyncWriter without calling finish()").
    func accepted(_ connection: HTTPServerConnection) {
        state.withLock { $0.unclaimed[ObjectIdentifier(connection.channel)] = connection }
    }

    func claimed(_ connection: HTTPServerConnection) {
        _ = state.withLock { $0.unclaimed.removeValue(forKey: ObjectIdentifier(connection.channel)) }
    }

    /// After the accept loops ended: closes, properly, what NIO accepted but never handed over.
    func closeUnclaimed() async {
        let orphans = state.withLock { state in
            defer { state.unclaimed.removeAll() }
            return Array(state.unclaimed.values)
        }
        for orphan in orphans { try? await orphan.executeThenClose { _, _ in } }
    }

    /// The task serving `channel`, so `stop()` can cancel handler calls past the grace period.
    func track(_ task: Task<Void, Never>, for channel: any Channel) {
        state.withLock { $0.tasks[ObjectIdentifier(channel)] = task }
    }

    func finished(_ channel: any Channel) {
        _ = state.withLock { $0.tasks.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Waits until every connection task has ended.
    func waitForAll() async {
        while let (key, task) = state.withLock({ $0.tasks.first.map { ($0.key, $0.value) } }) {
            await task.value
            // A task that ended before it was tracked is removed here.
            state.withLock { state in
                if state.tasks[key] == task { state.tasks.removeValue(forKey: key) }
            }
        }
    }

    func cancelAll() {
        for task in state.withLock({ Array($0.tasks.values) }) { task.cancel() }
    }

    func quiesceAll() {
        let channels = state.withLock { state in
            state.isQuiescing = true
            return Array(state.channels.values)
        }
        for channel in channels {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
    }

    func closeAll() {
        for channel in state.withLock({ Array($0.channels.values) }) {
            channel.close(promise: nil)
        }
    }
}
