import Engine
import Foundation

/// Every snapshot a task supervisor reported, in order (its `onChange`), for tests that check the
/// lifecycle as it happened rather than only where it ended.
final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var snapshots: [TaskSnapshot] = []
    func record(_ snapshot: TaskSnapshot) { lock.withLock { snapshots.append(snapshot) } }
    var all: [TaskSnapshot] { lock.withLock { snapshots } }
}
