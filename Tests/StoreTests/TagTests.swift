import Foundation
import Testing

@testable import Store

@Suite struct TagTests {
    private func pairs(_ store: BerthStore, _ arn: String) throws -> [String] {
        try store.tags(for: arn).map { "\($0.key)=\($0.value)" }
    }

    @Test func setUpsertsByKeyKeepingFirstSetOrder() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let arn = clusterArn("default")
        #expect(try store.tags(for: arn).isEmpty)
        try store.setTags([(key: "b", value: "1"), (key: "a", value: "2")], for: arn)
        try store.setTags([(key: "c", value: "3"), (key: "b", value: "changed")], for: arn)
        #expect(try pairs(store, arn) == ["b=changed", "a=2", "c=3"])
        // The last of repeated keys wins.
        try store.setTags([(key: "a", value: "x"), (key: "a", value: "y")], for: arn)
        #expect(try pairs(store, arn) == ["b=changed", "a=y", "c=3"])
    }

    @Test func removeDropsOnlyTheNamedKeysOfThatResource() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let one = clusterArn("one")
        let two = taskDefinitionArn("web", 1)
        try store.setTags([(key: "a", value: "1"), (key: "b", value: "2"), (key: "c", value: "3")], for: one)
        try store.setTags([(key: "a", value: "9")], for: two)
        try store.removeTags(keys: ["a", "missing", "c"], for: one)
        #expect(try pairs(store, one) == ["b=2"])
        #expect(try pairs(store, two) == ["a=9"])
        try store.removeTags(keys: [], for: two)
        #expect(try pairs(fixture.reopen(), two) == ["a=9"])
    }
}
