import Foundation
import Testing

@testable import Store

/// A fresh state.db in a temporary directory of its own, removed with the fixture. The database lives one
/// directory below the temporary one, so that opening it also exercises the creation of its parent.
final class TemporaryStore: Sendable {
    let directory: String
    let path: String
    let store: BerthStore

    init() throws {
        directory = NSTemporaryDirectory() + "berth-store-tests-" + UUID().uuidString
        path = directory + "/root/state.db"
        store = try BerthStore(path: path)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A second, independent store on the same file: what berthd sees after a restart.
    func reopen() throws -> BerthStore {
        try BerthStore(path: path)
    }
}

let account = "arn:aws:ecs:us-east-1:000000000000"
let epoch = Date(timeIntervalSince1970: 1_750_000_000.123_456)

struct ExpectedFailure: Error, Equatable {}

func taskDefinitionArn(_ family: String, _ revision: Int) -> String {
    "\(account):task-definition/\(family):\(revision)"
}

/// Registers the next revision of `family` with a document naming it, as berthd would.
@discardableResult
func register(_ store: BerthStore, _ family: String, at date: Date = epoch) throws -> StoredTaskDefinition {
    try store.registerTaskDefinition(family: family, registeredAt: date) { revision in
        (taskDefinitionArn(family, revision), Data(#"{"family":"\#(family)","revision":\#(revision)}"#.utf8))
    }
}

func setStatus(_ store: BerthStore, _ definition: StoredTaskDefinition, _ status: String) throws {
    var changed = definition
    changed.status = status
    changed.deregisteredAt = status == "ACTIVE" ? nil : epoch.addingTimeInterval(60)
    try store.updateTaskDefinition(changed)
}

func clusterArn(_ name: String) -> String {
    "\(account):cluster/\(name)"
}

@discardableResult
func createCluster(_ store: BerthStore, _ name: String) throws -> StoredCluster {
    try store.createCluster(
        name: name, makeDocument: { (clusterArn(name), Data(#"{"clusterName":"\#(name)"}"#.utf8)) },
        createdAt: epoch
    ).cluster
}

func makeTask(
    _ id: String, cluster: String = "default", family: String = "web", lastStatus: String = "RUNNING",
    desiredStatus: String = "RUNNING", startedBy: String? = nil, launchType: String? = "FARGATE",
    containerNames: [String] = ["app"], createdAt: Date = epoch, stoppedAt: Date? = nil
) -> StoredTask {
    StoredTask(
        arn: "\(account):task/\(cluster)/\(id)", id: id, clusterArn: clusterArn(cluster),
        taskDefinitionArn: taskDefinitionArn(family, 1), family: family, lastStatus: lastStatus,
        desiredStatus: desiredStatus, startedBy: startedBy, group: "family:\(family)", launchType: launchType,
        containerNames: containerNames, document: Data(#"{"taskArn":"\#(id)"}"#.utf8), version: 1,
        createdAt: createdAt, stoppedAt: stoppedAt)
}

/// Follows `nextToken` from the first page to the last, checking that only the last page lacks a token
/// and that no page is larger than asked.
func allPages<T>(pageSize: Int, _ list: (_ nextToken: String?) throws -> Page<T>) throws -> [T] {
    var items: [T] = []
    var token: String? = nil
    var pages = 0
    repeat {
        let page = try list(token)
        #expect(page.items.count <= pageSize)
        #expect(page.nextToken == nil || page.items.count == pageSize)
        items += page.items
        token = page.nextToken
        pages += 1
    } while token != nil && pages < 1000
    return items
}

/// Tokens this store never issued for a listing, each of which must be refused with `.invalidToken`.
let foreignTokens = [
    "not base64!", Data("{}".utf8).base64EncodedString(),
    Data(#"{"listing":"other","key":"x"}"#.utf8).base64EncodedString(),
]
