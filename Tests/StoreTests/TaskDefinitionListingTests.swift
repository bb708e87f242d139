import Foundation
import Testing

@testable import Store

@Suite struct TaskDefinitionListingTests {
    /// alpha:1-3 (2 INACTIVE), alphabet:1, beta:1-2, registered interleaved so that insertion order is not
    /// the sort order.
    private static func populated() throws -> TemporaryStore {
        let fixture = try TemporaryStore()
        let store = fixture.store
        for family in ["beta", "alpha", "alphabet", "alpha", "beta", "alpha"] {
            try register(store, family)
        }
        try setStatus(store, try #require(try store.taskDefinition(family: "alpha", revision: 2)), "INACTIVE")
        return fixture
    }

    private static let ascending = ["alpha:1", "alpha:2", "alpha:3", "alphabet:1", "beta:1", "beta:2"]

    private func names(_ definitions: [StoredTaskDefinition]) -> [String] {
        definitions.map { "\($0.family):\($0.revision)" }
    }

    @Test func sortsByFamilyThenRevisionBothWays() throws {
        let fixture = try Self.populated()
        let up = try fixture.store.listTaskDefinitions(
            familyPrefix: nil, status: nil, descending: false, maxResults: .max, nextToken: nil)
        #expect(names(up.items) == Self.ascending)
        #expect(up.nextToken == nil)
        let down = try fixture.store.listTaskDefinitions(
            familyPrefix: nil, status: nil, descending: true, maxResults: 100, nextToken: nil)
        #expect(names(down.items) == Self.ascending.reversed())
        #expect(down.nextToken == nil)
    }

    @Test(arguments: [false, true], 1...7)
    func everyPageSizeYieldsTheSameSequence(descending: Bool, pageSize: Int) throws {
        let fixture = try Self.populated()
        let listed = try allPages(pageSize: pageSize) { token in
            try fixture.store.listTaskDefinitions(
                familyPrefix: nil, status: nil, descending: descending, maxResults: pageSize, nextToken: token)
        }
        #expect(names(listed) == (descending ? Self.ascending.reversed() : Self.ascending))
    }

    @Test func aPageThatEndsExactlyAtTheLastRowHasNoToken() throws {
        let fixture = try Self.populated()
        let page = try fixture.store.listTaskDefinitions(
            familyPrefix: nil, status: nil, descending: false, maxResults: 6, nextToken: nil)
        #expect(page.items.count == 6)
        #expect(page.nextToken == nil)
    }

    @Test func familyFilterIsTheWholeFamilyName() throws {
        // ECS: "familyPrefix: The full family name to filter the ListTaskDefinitions results with."
        let fixture = try Self.populated()
        let alpha = try fixture.store.listTaskDefinitions(
            familyPrefix: "alpha", status: nil, descending: false, maxResults: 100, nextToken: nil)
        #expect(names(alpha.items) == ["alpha:1", "alpha:2", "alpha:3"])
        let partial = try fixture.store.listTaskDefinitions(
            familyPrefix: "alp", status: nil, descending: false, maxResults: 100, nextToken: nil)
        #expect(partial.items.isEmpty)
    }

    @Test func statusFilterAndFamilyFilterCombineAcrossPages() throws {
        let fixture = try Self.populated()
        let active = try allPages(pageSize: 1) { token in
            try fixture.store.listTaskDefinitions(
                familyPrefix: "alpha", status: "ACTIVE", descending: true, maxResults: 1, nextToken: token)
        }
        #expect(names(active) == ["alpha:3", "alpha:1"])
        let inactive = try fixture.store.listTaskDefinitions(
            familyPrefix: nil, status: "INACTIVE", descending: false, maxResults: 100, nextToken: nil)
        #expect(names(inactive.items) == ["alpha:2"])
    }

    @Test func refusesTokensItDidNotIssueForThisListing() throws {
        let fixture = try Self.populated()
        let store = fixture.store
        let ascendingToken = try #require(
            try store.listTaskDefinitions(
                familyPrefix: nil, status: nil, descending: false, maxResults: 1, nextToken: nil
            ).nextToken)
        let familiesToken = try #require(
            try store.listTaskDefinitionFamilies(familyPrefix: nil, status: nil, maxResults: 1, nextToken: nil)
                .nextToken)
        // A token of the other sort order would resume at the wrong end.
        for token in foreignTokens + [ascendingToken, familiesToken] {
            #expect(throws: StoreError.invalidToken(token)) {
                try store.listTaskDefinitions(
                    familyPrefix: nil, status: nil, descending: true, maxResults: 1, nextToken: token)
            }
        }
    }
}
