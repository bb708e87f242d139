import Cgroups

/// Which task cgroups a starting berthd removes. berthd shares berth's tasks directory with every other
/// berthd on the machine (each with its own --root), so a group is removed when
/// - its task is one this berthd's store knows and no adopted supervisor owns (it ended while no berthd
///   ran): whatever is still in it is killed; or
/// - no store here knows it, nothing is in it, and it has not changed for `abandonedAfter` seconds: the
///   berthd that made it is gone with its state directory (a test's temporary --root, a berthd killed with
///   its whole process group). A live berthd fills a new task group within seconds, so an old empty one is
///   litter, never another berthd's task in the making.
enum OrphanedTaskGroup {
    static let abandonedAfter = 600

    static func shouldRemove(
        ownedByLiveTask: Bool, knownToThisStore: Bool, occupancy: TaskCgroupOccupancy?, now: Int
    ) -> Bool {
        if ownedByLiveTask { return false }
        if knownToThisStore { return true }
        guard let occupancy, !occupancy.populated else { return false }
        return now - occupancy.lastChanged >= abandonedAfter
    }
}
