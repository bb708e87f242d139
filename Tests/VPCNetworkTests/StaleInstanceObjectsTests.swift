import Testing

@testable import VPCNetwork

/// What a berthd holding its instance's lock may reclaim of that instance in the kernel, and when it must
/// refuse instead.
@Suite struct StaleInstanceObjectsTests {
    func link(_ index: Int32, _ name: String, kind: String?, master: Int32? = nil) -> LinkInfo {
        LinkInfo(index: index, name: name, kind: kind, masterIndex: master, flags: 0)
    }

    var machine: [LinkInfo] {
        [
            link(1, "lo", kind: nil), link(2, "eth0", kind: nil),
            link(10, "berth0", kind: "bridge"),  // stale, empty
            link(11, "berth1", kind: "bridge"),  // carries a live task of another state directory
            link(12, "bv0a1b2c3d4e5f6", kind: "veth", master: 11),
            link(13, "berth-dev0", kind: "bridge"),  // another instance's
            link(14, "vdev0a1b2c3d4e5", kind: "veth", master: 13),
            link(15, "berth2", kind: "bridge"),  // this store's own
            link(16, "berthx", kind: "bridge"),  // not berth's naming
            link(17, "berth3", kind: "veth"),  // not a bridge
        ]
    }

    @Test func emptyBridgesOfThisInstanceAreReclaimedAndBusyOnesRefused() throws {
        let found = StaleInstanceObjects.find(in: machine, bridgePrefix: "berth", ownBridges: ["berth2"])
        #expect(found.reclaimable == ["berth0"])
        #expect(found.inUse.map(\.bridge) == ["berth1"])
        #expect(found.inUse.first?.ports == ["bv0a1b2c3d4e5f6"])
        let refusal = try #require(found.refusal)
        #expect(refusal.contains("berth1 (ports bv0a1b2c3d4e5f6)"))
        #expect(refusal.contains("--root"))
        #expect(refusal.contains("`ip link delete bv0a1b2c3d4e5f6; ip link delete berth1`"))
    }

    @Test func anotherInstanceSeesOnlyItsOwnBridges() {
        let found = StaleInstanceObjects.find(in: machine, bridgePrefix: "berth-dev", ownBridges: [])
        #expect(found.reclaimable == [])
        #expect(found.inUse.map(\.bridge) == ["berth-dev0"])
    }

    @Test func nothingStaleNothingRefused() {
        let found = StaleInstanceObjects.find(
            in: machine.filter { $0.index < 10 || $0.index == 15 }, bridgePrefix: "berth", ownBridges: ["berth2"])
        #expect(found == StaleInstanceObjects())
        #expect(found.refusal == nil)
    }
}
