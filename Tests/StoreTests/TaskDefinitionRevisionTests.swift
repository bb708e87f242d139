import Foundation
import Testing

@testable import Store

@Suite struct TaskDefinitionRevisionTests {
    @Test func revisionsStartAtOneAndCountPerFamily() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        #expect(try (1...3).map { _ in try register(store, "web").revision } == [1, 2, 3])
        #expect(try register(store, "worker").revision == 1)

        let stored = try #require(try store.taskDefinition(arn: taskDefinitionArn("web", 2)))
        #expect(stored.family == "web")
        #expect(stored.revision == 2)
        #expect(stored.status == "ACTIVE")
        #expect(stored.registeredAt == epoch)
        #expect(stored.deregisteredAt == nil)
        #expect(String(decoding: stored.document, as: UTF8.self) == #"{"family":"web","revision":2}"#)
    }

    @Test func concurrentRegistrationsGetDistinctRevisions() async throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let revisions = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask { try register(store, "busy").revision }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(revisions.sorted() == Array(1...20))
    }

    @Test func revisionsAreNeverReusedAfterDeletion() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        for _ in 1...3 { try register(store, "web") }
        try store.deleteTaskDefinition(arn: taskDefinitionArn("web", 3))
        try store.deleteTaskDefinition(arn: taskDefinitionArn("web", 2))
        #expect(try store.taskDefinition(arn: taskDefinitionArn("web", 3)) == nil)
        #expect(try register(store, "web").revision == 4)

        // Even with every revision gone, and across a restart.
        try store.deleteTaskDefinition(arn: taskDefinitionArn("web", 1))
        try store.deleteTaskDefinition(arn: taskDefinitionArn("web", 4))
        #expect(try register(fixture.reopen(), "web").revision == 5)
    }

    @Test func aFailingDocumentClosureStoresNothing() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        #expect(throws: ExpectedFailure()) {
            try store.registerTaskDefinition(family: "web", registeredAt: epoch) { _ in throw ExpectedFailure() }
        }
        #expect(try store.taskDefinition(family: "web", revision: nil) == nil)
        // The rolled-back transaction allocated nothing either.
        #expect(try register(store, "web").revision == 1)
    }

    @Test func familyLookupFindsTheLatestActiveRevision() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let definitions = try (1...3).map { _ in try register(store, "web") }
        #expect(try store.taskDefinition(family: "web", revision: nil)?.revision == 3)

        try setStatus(store, definitions[2], "INACTIVE")
        #expect(try store.taskDefinition(family: "web", revision: nil)?.revision == 2)
        // An explicit revision is found whatever its status.
        #expect(try store.taskDefinition(family: "web", revision: 3)?.status == "INACTIVE")
        #expect(try store.taskDefinition(family: "web", revision: 9) == nil)

        try setStatus(store, definitions[0], "INACTIVE")
        try setStatus(store, definitions[1], "DELETE_IN_PROGRESS")
        #expect(try store.taskDefinition(family: "web", revision: nil) == nil)
        #expect(try store.taskDefinition(family: "nothing", revision: nil) == nil)
    }

    @Test func updateChangesStatusDocumentAndDeregistration() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        var definition = try register(store, "web")
        definition.status = "INACTIVE"
        definition.document = Data(#"{"status":"INACTIVE"}"#.utf8)
        definition.deregisteredAt = epoch.addingTimeInterval(0.001)
        try store.updateTaskDefinition(definition)
        #expect(try store.taskDefinition(arn: definition.arn) == definition)
        #expect(try fixture.reopen().taskDefinition(arn: definition.arn) == definition)
    }

    @Test func unknownArnsAreNotFound() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let missing = StoredTaskDefinition(
            arn: taskDefinitionArn("ghost", 1), family: "ghost", revision: 1, status: "INACTIVE", document: Data(),
            registeredAt: epoch)
        #expect(throws: StoreError.notFound("task definition \(missing.arn)")) {
            try store.updateTaskDefinition(missing)
        }
        #expect(throws: StoreError.notFound("task definition \(missing.arn)")) {
            try store.deleteTaskDefinition(arn: missing.arn)
        }
        #expect(try store.taskDefinition(arn: missing.arn) == nil)
    }

    @Test func deletingARevisionDropsItsTags() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let definition = try register(store, "web")
        try store.setTags([(key: "team", value: "a")], for: definition.arn)
        try store.deleteTaskDefinition(arn: definition.arn)
        #expect(try store.tags(for: definition.arn).isEmpty)
    }
}
