import Foundation
import Testing

@testable import Store

@Suite struct ClusterTests {
    @Test func createIsIdempotentForAnActiveCluster() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        let first = try store.createCluster(
            name: "default", makeDocument: { (clusterArn("default"), Data("first".utf8)) }, createdAt: epoch)
        #expect(first.created)
        #expect(first.cluster.status == "ACTIVE")
        #expect(first.cluster.createdAt == epoch)

        // The existing cluster comes back untouched; the document closure is not even called.
        let second = try store.createCluster(
            name: "default", makeDocument: { throw ExpectedFailure() }, createdAt: epoch.addingTimeInterval(5))
        #expect(!second.created)
        #expect(second.cluster == first.cluster)
    }

    @Test func createReplacesAnInactiveCluster() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        var old = try createCluster(store, "default")
        try store.setTags([(key: "owner", value: "old")], for: old.arn)
        old.status = "INACTIVE"
        try store.updateCluster(old)

        let later = epoch.addingTimeInterval(3600)
        let replaced = try store.createCluster(
            name: "default", makeDocument: { (clusterArn("default"), Data("new".utf8)) }, createdAt: later)
        #expect(replaced.created)
        let expected = StoredCluster(
            arn: clusterArn("default"), name: "default", status: "ACTIVE", document: Data("new".utf8), createdAt: later)
        #expect(replaced.cluster == expected)
        #expect(try store.cluster(nameOrArn: "default") == expected)
        #expect(try store.tags(for: expected.arn).isEmpty)
    }

    @Test func aFailingDocumentClosureLeavesTheInactiveClusterAsItWas() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        var old = try createCluster(store, "default")
        old.status = "INACTIVE"
        try store.updateCluster(old)
        #expect(throws: ExpectedFailure()) {
            try store.createCluster(name: "default", makeDocument: { throw ExpectedFailure() }, createdAt: epoch)
        }
        #expect(try store.cluster(nameOrArn: "default") == old)
    }

    @Test func lookupByNameOrArnSeesInactiveClustersToo() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        var cluster = try createCluster(store, "prod")
        #expect(try store.cluster(nameOrArn: "prod") == cluster)
        #expect(try store.cluster(nameOrArn: cluster.arn) == cluster)
        #expect(try store.cluster(nameOrArn: "dev") == nil)

        cluster.status = "INACTIVE"
        cluster.document = Data(#"{"status":"INACTIVE"}"#.utf8)
        try store.updateCluster(cluster)
        #expect(try store.cluster(nameOrArn: cluster.arn) == cluster)
    }

    @Test func listingShowsActiveClustersByNameAcrossPages() throws {
        let fixture = try TemporaryStore()
        let store = fixture.store
        for name in ["zeta", "alpha", "mid", "gone", "beta"] {
            try createCluster(store, name)
        }
        var gone = try #require(try store.cluster(nameOrArn: "gone"))
        gone.status = "INACTIVE"
        try store.updateCluster(gone)

        for pageSize in 1...5 {
            let listed = try allPages(pageSize: pageSize) { token in
                try store.listClusters(maxResults: pageSize, nextToken: token)
            }
            #expect(listed.map(\.name) == ["alpha", "beta", "mid", "zeta"])
        }
        for token in foreignTokens {
            #expect(throws: StoreError.invalidToken(token)) { try store.listClusters(maxResults: 1, nextToken: token) }
        }
    }

    @Test func updatingAnUnknownClusterIsNotFound() throws {
        let fixture = try TemporaryStore()
        let ghost = StoredCluster(
            arn: clusterArn("ghost"), name: "ghost", status: "ACTIVE", document: Data(), createdAt: epoch)
        #expect(throws: StoreError.notFound("cluster \(ghost.arn)")) { try fixture.store.updateCluster(ghost) }
    }
}
