import Foundation
import Testing

@testable import Store

@Suite struct TaskListingTests {
    /// Eight tasks in "default" and one in "other". t3 and t4 share a creation time (insertion breaks the tie:
    /// t4, inserted later, lists first); t5 is inserted last but created before t0 and lists last.
    private static func populated() throws -> TemporaryStore {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try createCluster(store, "default")
        try createCluster(store, "other")
        let at = { (seconds: Double) in epoch.addingTimeInterval(seconds) }
        try store.insertTasks(
            [
                makeTask("t0", family: "web", startedBy: "ci", createdAt: at(0)),
                makeTask(
                    "t1", family: "web", desiredStatus: "STOPPED", containerNames: ["app", "log"], createdAt: at(1)),
                makeTask("t2", family: "batch", startedBy: "ci", launchType: "EC2", createdAt: at(2)),
            ], clientToken: nil)
        try store.insertTasks(
            [makeTask("t3", family: "batch", containerNames: ["worker"], createdAt: at(3))], clientToken: nil)
        try store.insertTasks(
            [
                makeTask("t4", family: "web", startedBy: "ops", containerNames: ["log"], createdAt: at(3)),
                makeTask("t6", family: "web", createdAt: at(6)),
                makeTask("x", cluster: "other", family: "web", createdAt: at(9)),
                makeTask("t7", family: "web", launchType: nil, createdAt: at(7)),
                makeTask("t5", family: "web", createdAt: at(-5)),
            ], clientToken: nil)
        return fixture
    }

    private func list(
        _ store: BerthStore, family: String? = nil, startedBy: String? = nil, desiredStatus: String? = nil,
        containerName: String? = nil, launchType: String? = nil, pageSize: Int = 100
    ) throws -> [String] {
        try allPages(pageSize: pageSize) { token in
            try store.listTasks(
                clusterArn: clusterArn("default"), family: family, startedBy: startedBy, desiredStatus: desiredStatus,
                containerName: containerName, launchType: launchType, maxResults: pageSize, nextToken: token)
        }.map(\.id)
    }

    private static let newestFirst = ["t7", "t6", "t4", "t3", "t2", "t1", "t0", "t5"]

    @Test func newestFirstWithInsertionBreakingTies() throws {
        let fixture = try Self.populated()
        #expect(try list(fixture.store) == Self.newestFirst)
    }

    @Test(arguments: 1...8) func everyPageSizeYieldsTheSameSequence(pageSize: Int) throws {
        let fixture = try Self.populated()
        #expect(try list(fixture.store, pageSize: pageSize) == Self.newestFirst)
    }

    @Test func eachFilterMatchesExactly() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        #expect(try list(store, family: "batch") == ["t3", "t2"])
        #expect(try list(store, family: "we").isEmpty)
        #expect(try list(store, startedBy: "ci") == ["t2", "t0"])
        #expect(try list(store, desiredStatus: "STOPPED") == ["t1"])
        #expect(try list(store, desiredStatus: "RUNNING") == ["t7", "t6", "t4", "t3", "t2", "t0", "t5"])
        #expect(try list(store, containerName: "log") == ["t4", "t1"])
        #expect(try list(store, containerName: "lo").isEmpty)
        #expect(try list(store, launchType: "EC2") == ["t2"])
        #expect(try list(store, family: "web", startedBy: "ci", launchType: "FARGATE") == ["t0"])
        #expect(try list(store, family: "web", containerName: "app", pageSize: 2) == ["t7", "t6", "t1", "t0", "t5"])
    }

    @Test func clustersAreSeparate() throws {
        let fixture = try Self.populated()
        let other = try fixture.store.listTasks(
            clusterArn: clusterArn("other"), family: nil, startedBy: nil, desiredStatus: nil, containerName: nil,
            launchType: nil, maxResults: 10, nextToken: nil)
        #expect(other.items.map(\.id) == ["x"])
        #expect(other.nextToken == nil)
    }

    @Test func refusesForeignTokens() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        let definitionsToken = try {
            try register(store, "a")
            try register(store, "a")
            return try #require(
                try store.listTaskDefinitions(
                    familyPrefix: nil, status: nil, descending: false, maxResults: 1, nextToken: nil
                ).nextToken)
        }()
        for token in foreignTokens + [definitionsToken] {
            #expect(throws: StoreError.invalidToken(token)) {
                try store.listTasks(
                    clusterArn: clusterArn("default"), family: nil, startedBy: nil, desiredStatus: nil,
                    containerName: nil, launchType: nil, maxResults: 1, nextToken: token)
            }
        }
    }
}
