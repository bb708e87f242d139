/// What a berthd that holds its network instance's lock finds of that instance in the kernel that its own
/// state directory does not know: bridges another berthd of the same instance left (one killed, or one with
/// another `--root`). Pure: decided from a link dump, acted on by `TaskNetwork`.
///
/// A bridge with no port carries no task: it is stale, and reclaimed. A bridge with ports is still the way
/// some live network namespace (a task of a berthd with another state directory) reaches the world: it is
/// never torn down from under it, and the berthd refuses to start, naming the links.
public struct StaleInstanceObjects: Sendable, Equatable {
    /// Stale bridges of this instance, safe to delete.
    public var reclaimable: [String] = []
    /// Bridges of this instance that tasks berthd does not know still use, with those tasks' host links.
    public var inUse: [(bridge: String, ports: [String])] = []

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.reclaimable == rhs.reclaimable
            && lhs.inUse.map { "\($0.bridge):\($0.ports)" } == rhs.inUse.map { "\($0.bridge):\($0.ports)" }
    }

    /// `bridgePrefix` followed by digits only, so instance `berth` never claims `berth-dev0`.
    public static func find(
        in links: [LinkInfo], bridgePrefix: String, ownBridges: Set<String>
    ) -> StaleInstanceObjects {
        var found = StaleInstanceObjects()
        for link in links where link.kind == "bridge" && !ownBridges.contains(link.name) {
            guard link.name.hasPrefix(bridgePrefix) else { continue }
            let suffix = link.name.dropFirst(bridgePrefix.count)
            guard !suffix.isEmpty, suffix.allSatisfy({ ("0"..."9").contains($0) }) else { continue }
            let ports = links.filter { $0.masterIndex == link.index }.map(\.name).sorted()
            if ports.isEmpty { found.reclaimable.append(link.name) } else { found.inUse.append((link.name, ports)) }
        }
        found.reclaimable.sort()
        found.inUse.sort { $0.bridge < $1.bridge }
        return found
    }

    /// Why berthd cannot take the instance over, and what to do about it.
    public var refusal: String? {
        guard !inUse.isEmpty else { return nil }
        let what = inUse.map { "\($0.bridge) (ports \($0.ports.joined(separator: ", ")))" }.joined(separator: "; ")
        let commands = inUse.flatMap { $0.ports.map { "ip link delete \($0)" } + ["ip link delete \($0.bridge)"] }
        return "this network instance's bridge \(what) still carries tasks that this state directory does not "
            + "know: another berthd's (another --root) tasks are running on it. Start berthd with that --root to "
            + "adopt or stop them, or give this berthd its own --network-name and --vpc-cidr; if those tasks are "
            + "gone for good, `\(commands.joined(separator: "; "))` removes what is left"
    }
}
