import Foundation
import LinuxKit
import Synchronization

/// berth's executables find each other next to themselves: berth starts berth-shim and berthd, berthd
/// starts berth-shim. An environment variable (BERTH_SHIM, BERTH_BERTHD) overrides, for packaging and tests.
public enum HelperBinaries {
    public static func path(of name: String) throws -> String {
        let variable =
            "BERTH_"
            + name.uppercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(
                of: "BERTH_", with: "")
        if let override = ProcessInfo.processInfo.environment[variable], !override.isEmpty { return override }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent(name).path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw EngineError.server("\(name) not found next to \(executable) (\(candidate)); set \(variable)")
        }
        return candidate
    }

    private static let sealedCopies = Mutex<[String: SealedExecutable]>([:])

    /// The sealed memfd copy of the executable at `path` that this process starts it from, made on first
    /// use and then shared by every spawn (so its cost is paid once per berthd, not per launch).
    ///
    /// Every berth-shim runs from it: the shim's children (a container's init, a health check's joiner,
    /// the holder of a shared PID namespace) are visible inside the container while they still run the
    /// shim's code, and what their /proc/<pid>/exe names must never be the host's file (CVE-2019-5736).
    /// There is no fallback to the file on disk: a launch fails rather than expose it.
    public static func sealed(_ path: String) throws -> SealedExecutable {
        try sealedCopies.withLock { copies in
            if let copy = copies[path] { return copy }
            let name = URL(fileURLWithPath: path).lastPathComponent
            let copy = try SealedExecutable.copy(of: path, name: name)
            copies[path] = copy
            return copy
        }
    }
}
