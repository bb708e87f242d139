import Foundation
import Testing

@testable import Store

@Suite struct TaskTests {
    private static func withDefaultCluster() throws -> TemporaryStore {
        let fixture = try TemporaryStore()
        try createCluster(fixture.store, "default")
        return fixture
    }

    @Test func insertedTasksReadBackEqual() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let a = makeTask("a", startedBy: "ci", containerNames: ["app", "sidecar"])
        var b = makeTask("b", launchType: nil, containerNames: [], stoppedAt: epoch.addingTimeInterval(1))
        b.group = nil
        try store.insertTasks([a, b], clientToken: nil)

        #expect(try store.task(arn: a.arn) == a)
        #expect(try fixture.reopen().task(arn: b.arn) == b)
        #expect(try store.task(arn: "\(account):task/default/none") == nil)
        // In the order asked, unknown ARNs skipped, repeats collapsed.
        #expect(try store.tasks(arns: [b.arn, "nope", a.arn, b.arn]) == [b, a])
        #expect(try store.tasks(arns: []) == [])
    }

    @Test func aTaskNeedsAStoredCluster() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let fine = makeTask("fine")
        let orphan = makeTask("orphan", cluster: "nowhere")
        #expect(throws: StoreError.notFound("cluster \(clusterArn("nowhere"))")) {
            try store.insertTasks([fine, orphan], clientToken: nil)
        }
        #expect(try store.task(arn: fine.arn) == nil)
    }

    @Test func aDuplicateArnRollsBackTheWholeBatch() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let first = makeTask("first")
        try store.insertTasks([first], clientToken: nil)
        let fresh = makeTask("fresh")
        #expect {
            try store.insertTasks([fresh, first], clientToken: "t")
        } throws: { error in
            guard case .conflict = error as? StoreError else { return false }
            return true
        }
        #expect(try store.task(arn: fresh.arn) == nil)
        #expect(try store.tasks(forClientToken: "t", clusterArn: clusterArn("default")) == nil)
    }

    @Test func clientTokensAnswerRetriesAndRefuseReuse() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        try createCluster(store, "other")
        let cluster = clusterArn("default")
        let started = [makeTask("t2"), makeTask("t1"), makeTask("t3")]
        try store.insertTasks(started, clientToken: "token-1")

        #expect(try store.tasks(forClientToken: "token-1", clusterArn: cluster) == started)
        #expect(try store.tasks(forClientToken: "token-2", clusterArn: cluster) == nil)
        #expect(try store.tasks(forClientToken: "token-1", clusterArn: clusterArn("other")) == nil)

        let retry = makeTask("t4")
        #expect(throws: StoreError.conflict("client token token-1 was already used in cluster \(cluster)")) {
            try store.insertTasks([retry], clientToken: "token-1")
        }
        #expect(try store.task(arn: retry.arn) == nil)

        // Tokens are per cluster.
        let elsewhere = makeTask("t5", cluster: "other")
        try store.insertTasks([elsewhere], clientToken: "token-1")
        #expect(try store.tasks(forClientToken: "token-1", clusterArn: clusterArn("other")) == [elsewhere])
    }

    @Test func updatesAreOptimisticallyConcurrent() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let original = makeTask("a", lastStatus: "PENDING")
        try store.insertTasks([original], clientToken: nil)

        var running = original
        running.lastStatus = "RUNNING"
        running.document = Data(#"{"lastStatus":"RUNNING"}"#.utf8)
        running.version = 2
        try store.updateTask(running, expectedVersion: 1)
        #expect(try store.task(arn: original.arn) == running)

        // A writer that read version 1 lost the race.
        var stale = original
        stale.desiredStatus = "STOPPED"
        stale.version = 2
        #expect(throws: StoreError.conflict("task \(original.arn) is at version 2, not 1")) {
            try store.updateTask(stale, expectedVersion: 1)
        }
        #expect(try store.task(arn: original.arn) == running)

        let ghost = makeTask("ghost")
        #expect(throws: StoreError.notFound("task \(ghost.arn)")) { try store.updateTask(ghost, expectedVersion: 1) }
    }

    @Test func concurrentUpdatesFromOneVersionLetExactlyOneWin() async throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let task = makeTask("contended")
        try store.insertTasks([task], clientToken: nil)
        let winners = await withTaskGroup(of: Bool.self) { group in
            for writer in 0..<10 {
                group.addTask {
                    var update = task
                    update.startedBy = "writer-\(writer)"
                    update.version = 2
                    return (try? store.updateTask(update, expectedVersion: 1)) != nil
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1)
        #expect(try store.task(arn: task.arn)?.version == 2)
    }

    @Test func countsRunningAndPendingPerCluster() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        try createCluster(store, "other")
        let statuses = ["RUNNING", "RUNNING", "PROVISIONING", "PENDING", "ACTIVATING", "DEACTIVATING", "STOPPED"]
        try store.insertTasks(
            statuses.enumerated().map { makeTask("t\($0.offset)", lastStatus: $0.element) } + [
                makeTask("elsewhere", cluster: "other")
            ], clientToken: nil)
        #expect(try store.countTasks(clusterArn: clusterArn("default")) == (running: 2, pending: 3))
        #expect(try store.countTasks(clusterArn: clusterArn("other")) == (running: 1, pending: 0))
        #expect(try store.countTasks(clusterArn: clusterArn("none")) == (running: 0, pending: 0))
    }

    @Test func purgeRemovesOnlyLongStoppedTasksWithTheirTagsAndTokens() throws {
        let fixture = try Self.withDefaultCluster()
        let store = fixture.store
        let cutoff = epoch.addingTimeInterval(3600)
        let old = makeTask("old", lastStatus: "STOPPED", desiredStatus: "STOPPED", stoppedAt: epoch)
        let recent = makeTask("recent", lastStatus: "STOPPED", desiredStatus: "STOPPED", stoppedAt: cutoff)
        let running = makeTask("running")
        try store.insertTasks([old], clientToken: "once")
        try store.insertTasks([recent, running], clientToken: nil)
        try store.setTags([(key: "k", value: "v")], for: old.arn)
        try store.setTags([(key: "k", value: "v")], for: recent.arn)

        #expect(try store.purgeStoppedTasks(olderThan: cutoff) == 1)
        #expect(try store.task(arn: old.arn) == nil)
        #expect(try store.tasks(arns: [old.arn, recent.arn, running.arn]) == [recent, running])
        #expect(try store.tags(for: old.arn).isEmpty)
        #expect(try store.tags(for: recent.arn).count == 1)
        // The purged task's client token is free again.
        #expect(try store.tasks(forClientToken: "once", clusterArn: clusterArn("default")) == nil)
        try store.insertTasks([makeTask("again")], clientToken: "once")
        #expect(try store.purgeStoppedTasks(olderThan: cutoff) == 0)
    }
}
