import Foundation

enum JSONEncoderShim {
    static func encode<T: Encodable>(_ value: T) throws -> Data { try JSONEncoder().encode(value) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        try JSONDecoder().decode(type, from: data)
    }
}

/// A directory tree that plays /proc and /sys/fs/cgroup for a driver under `HostCgroupFileSystem(root:)`.
struct FakeHost {
    let root: String

    init() {
        root = NSTemporaryDirectory() + "berth-cgroups-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) {
        let full = root + path
        try! FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try! text.write(toFile: full, atomically: false, encoding: .utf8)
    }

    func read(_ path: String) -> String? { try? String(contentsOfFile: root + path, encoding: .utf8) }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root + path) }

    /// A pure cgroup v2 host: this process sits in `own`, whose parent delegated `controllers`.
    static func version2(own: String, controllers: String = "cpuset cpu io memory hugetlb pids rdma misc") -> FakeHost {
        let host = FakeHost()
        host.write("/proc/self/cgroup", "0::\(own)\n")
        host.write(
            "/proc/self/mountinfo",
            """
            22 1 0:21 / / rw,relatime - ext4 /dev/vda1 rw
            31 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate

            """)
        let ownDirectory = own == "/" ? "/sys/fs/cgroup" : "/sys/fs/cgroup" + own
        host.write(ownDirectory + "/cgroup.controllers", controllers + "\n")
        host.write(ownDirectory + "/cgroup.subtree_control", "\n")
        host.write(ownDirectory + "/cgroup.procs", "")
        return host
    }

    /// This machine's hybrid layout: v1 cpu, cpuacct, cpuset, memory (in a nested group), pids, freezer;
    /// v2 empty. `comounted` controllers share one hierarchy (`cpu,cpuacct`), as on most distributions.
    static func hybrid(comounted: [String] = [], without missing: Set<String> = []) -> FakeHost {
        let host = FakeHost()
        let controllers = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids"]
            .filter { !missing.contains($0) && !comounted.dropFirst().contains($0) }
            .map { $0 == comounted.first ? comounted.joined(separator: ",") : $0 }
        var procCgroup = "10:name=systemd:/\n"
        var mountinfo = "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
        for (index, controller) in controllers.enumerated() {
            let path = controller == "memory" ? "/process_api/3d72" : "/"
            procCgroup += "\(index + 1):\(controller):\(path)\n"
            mountinfo +=
                "\(32 + index) 31 0:\(29 + index) / /sys/fs/cgroup/\(controller) rw,relatime - cgroup cgroup rw,\(controller)\n"
            host.write("/sys/fs/cgroup/\(controller)\(path == "/" ? "" : path)/cgroup.procs", "")
        }
        if controllers.contains("cpuset") {
            host.write("/sys/fs/cgroup/cpuset/cpuset.cpus", "0-1\n")
            host.write("/sys/fs/cgroup/cpuset/cpuset.mems", "0\n")
        }
        procCgroup += "0::/\n"
        mountinfo += "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
        host.write("/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n")
        host.write("/proc/self/cgroup", procCgroup)
        host.write("/proc/self/mountinfo", mountinfo)
        return host
    }
}
