import Foundation

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
}
