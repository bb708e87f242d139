import Foundation
import Testing

@testable import Store

@Suite struct TaskDefinitionFamilyTests {
    /// web: ACTIVE; mixed: one ACTIVE, one INACTIVE; old: INACTIVE only; deleting: DELETE_IN_PROGRESS only;
    /// gone: every revision deleted (so no longer a family anyone can list).
    private static func populated() throws -> TemporaryStore {
        let fixture = try TemporaryStore()
        let store = fixture.store
        try register(store, "web")
        try register(store, "mixed")
        try setStatus(store, try register(store, "mixed"), "INACTIVE")
        try setStatus(store, try register(store, "old"), "INACTIVE")
        try setStatus(store, try register(store, "deleting"), "DELETE_IN_PROGRESS")
        try store.deleteTaskDefinition(arn: try register(store, "gone").arn)
        return fixture
    }

    private func families(_ store: BerthStore, prefix: String? = nil, status: String?) throws -> [String] {
        try store.listTaskDefinitionFamilies(familyPrefix: prefix, status: status, maxResults: 100, nextToken: nil)
            .items
    }

    @Test func statusSelectsFamiliesByTheirRevisions() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        #expect(try families(store, status: "ACTIVE") == ["mixed", "web"])
        #expect(try families(store, status: "INACTIVE") == ["deleting", "old"])
        #expect(try families(store, status: "ALL") == ["deleting", "mixed", "old", "web"])
        #expect(try families(store, status: nil) == ["deleting", "mixed", "old", "web"])
        #expect(try families(store, status: "BOGUS").isEmpty)
    }

    @Test func aFamilyTurnsInactiveWithItsLastActiveRevision() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        try setStatus(store, try #require(try store.taskDefinition(family: "mixed", revision: 1)), "INACTIVE")
        #expect(try families(store, status: "ACTIVE") == ["web"])
        #expect(try families(store, status: "INACTIVE") == ["deleting", "mixed", "old"])
    }

    @Test func prefixIsARealCaseSensitivePrefix() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        try register(store, "Web2")
        try register(store, "web_api")
        #expect(try families(store, prefix: "we", status: nil) == ["web", "web_api"])
        #expect(try families(store, prefix: "W", status: nil) == ["Web2"])
        // LIKE would read "_" as a wildcard.
        #expect(try families(store, prefix: "web_", status: nil) == ["web_api"])
        #expect(try families(store, prefix: "", status: "ACTIVE") == ["Web2", "mixed", "web", "web_api"])
    }

    @Test(arguments: 1...5) func pagesCoverEveryFamilyOnce(pageSize: Int) throws {
        let fixture = try Self.populated()
        let listed = try allPages(pageSize: pageSize) { token in
            try fixture.store.listTaskDefinitionFamilies(
                familyPrefix: nil, status: "ALL", maxResults: pageSize, nextToken: token)
        }
        #expect(listed == ["deleting", "mixed", "old", "web"])
    }

    @Test func refusesForeignTokens() throws {
        let fixture = try Self.populated()
        let clusterToken = try #require(
            try {
                try createCluster(fixture.store, "a")
                try createCluster(fixture.store, "b")
                return try fixture.store.listClusters(maxResults: 1, nextToken: nil).nextToken
            }())
        for token in foreignTokens + [clusterToken] {
            #expect(throws: StoreError.invalidToken(token)) {
                try fixture.store.listTaskDefinitionFamilies(
                    familyPrefix: nil, status: nil, maxResults: 1, nextToken: token)
            }
        }
    }
}
