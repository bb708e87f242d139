import Foundation

/// Extra data DescribeClusters can include.
public struct ClusterField: ECSEnum {
    public static let shapeName = "ClusterField"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let attachments = ClusterField(rawValue: "ATTACHMENTS")
    public static let configurations = ClusterField(rawValue: "CONFIGURATIONS")
    public static let settings = ClusterField(rawValue: "SETTINGS")
    public static let statistics = ClusterField(rawValue: "STATISTICS")
    public static let tags = ClusterField(rawValue: "TAGS")

    public static let knownValues: [ClusterField] = [.attachments, .configurations, .settings, .statistics, .tags]
}

/// The name of a cluster setting.
public struct ClusterSettingName: ECSEnum {
    public static let shapeName = "ClusterSettingName"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let containerInsights = ClusterSettingName(rawValue: "containerInsights")

    public static let knownValues: [ClusterSettingName] = [.containerInsights]
}

/// Where ECS Exec logs go.
/// Write `ExecuteCommandLogging.none` in full where an optional is expected: `.none` alone means nil there.
public struct ExecuteCommandLogging: ECSEnum {
    public static let shapeName = "ExecuteCommandLogging"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let none = ExecuteCommandLogging(rawValue: "NONE")
    public static let `default` = ExecuteCommandLogging(rawValue: "DEFAULT")
    public static let override = ExecuteCommandLogging(rawValue: "OVERRIDE")

    public static let knownValues: [ExecuteCommandLogging] = [.none, .default, .override]
}
