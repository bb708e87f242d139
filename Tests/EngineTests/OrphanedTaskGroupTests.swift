import Cgroups
import Testing

@testable import Engine

@Suite("Which task cgroups a starting berthd removes")
struct OrphanedTaskGroupTests {
    static let now = 1_000_000
    static func occupancy(populated: Bool, age: Int) -> TaskCgroupOccupancy {
        TaskCgroupOccupancy(populated: populated, lastChanged: now - age)
    }

    @Test(
        arguments: [
            // live task, known to this store, occupancy, removed
            (true, true, occupancy(populated: true, age: 9999), false),
            (true, false, occupancy(populated: false, age: 9999), false),
            (false, true, occupancy(populated: true, age: 0), true),
            (false, true, nil, true),
            (false, false, occupancy(populated: true, age: 9999), false),
            (false, false, occupancy(populated: false, age: 599), false),
            (false, false, occupancy(populated: false, age: 600), true),
            (false, false, occupancy(populated: false, age: 86400), true),
            (false, false, nil, false),
        ] as [(Bool, Bool, TaskCgroupOccupancy?, Bool)])
    func decision(live: Bool, known: Bool, occupancy: TaskCgroupOccupancy?, removed: Bool) {
        #expect(
            OrphanedTaskGroup.shouldRemove(
                ownedByLiveTask: live, knownToThisStore: known, occupancy: occupancy, now: Self.now) == removed)
    }
}
