import Foundation

/// The order of ListTaskDefinitions.
/// Foundation also has a `SortOrder`: where both modules are imported, write `ECSModel.SortOrder`.
public struct SortOrder: ECSEnum {
    public static let shapeName = "SortOrder"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let asc = SortOrder(rawValue: "ASC")
    public static let desc = SortOrder(rawValue: "DESC")

    public static let knownValues: [SortOrder] = [.asc, .desc]
}

/// Which families ListTaskDefinitionFamilies lists.
public struct TaskDefinitionFamilyStatus: ECSEnum {
    public static let shapeName = "TaskDefinitionFamilyStatus"
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let active = TaskDefinitionFamilyStatus(rawValue: "ACTIVE")
    public static let inactive = TaskDefinitionFamilyStatus(rawValue: "INACTIVE")
    public static let all = TaskDefinitionFamilyStatus(rawValue: "ALL")

    public static let knownValues: [TaskDefinitionFamilyStatus] = [.active, .inactive, .all]
}
