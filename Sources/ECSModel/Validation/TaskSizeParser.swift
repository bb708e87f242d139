import Foundation

/// Converts the task-level `cpu` and `memory` strings of RegisterTaskDefinition to whole units.
///
/// RegisterTaskDefinitionRequest.cpu: "an integer using CPU units (for example, 1024) or … a string using
/// vCPUs (for example, 1 vCPU or 1 vcpu)". RegisterTaskDefinitionRequest.memory: "an integer using MiB
/// (for example, 1024) or … a string using GB (for example, 1GB or 1 GB)". "String values are converted
/// to an integer … when the task definition is registered." A value that is not a positive whole number
/// of units after conversion (".3 vCPU" is 307.2 units) is rejected.
public enum TaskSizeParser {
    /// "256", "1 vCPU", "1 vcpu", ".25 vCPU" -> CPU units (1024 per vCPU).
    public static func cpuUnits(_ text: String) throws(ECSError) -> Int {
        guard let units = wholeUnits(in: text, suffix: "vcpu", unitsPerSuffix: 1024) else {
            // AWS's text (reference §1.6, aws/aws-cli and ecsServiceRestart reports).
            throw ECSError(.invalidParameterException, "Invalid 'cpu' setting for task.")
        }
        return units
    }

    /// "512", "1GB", "1 GB", "0.5 GB" -> MiB (1024 per GB).
    public static func memoryMiB(_ text: String) throws(ECSError) -> Int {
        guard let mebibytes = wholeUnits(in: text, suffix: "gb", unitsPerSuffix: 1024) else {
            // berth's wording, after AWS's "Invalid 'cpu' setting for task."
            throw ECSError(.invalidParameterException, "Invalid 'memory' setting for task.")
        }
        return mebibytes
    }

    /// Digits alone, or a decimal number then `suffix` (any case, spaces allowed between) times
    /// `unitsPerSuffix`; nil unless the result is a positive whole number.
    private static func wholeUnits(in text: String, suffix: String, unitsPerSuffix: Int) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if isDigits(trimmed) {
            guard let units = Int(trimmed), units > 0 else { return nil }
            return units
        }
        guard trimmed.lowercased().hasSuffix(suffix) else { return nil }
        let number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
        return scaled(decimal: number, by: unitsPerSuffix)
    }

    /// `decimal` ("2", "0.5", ".25") times `factor`, computed exactly; nil unless a positive whole number.
    private static func scaled(decimal: String, by factor: Int) -> Int? {
        let parts = decimal.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        let digits = whole + fraction
        guard !digits.isEmpty, digits.count <= 15, isDigits(digits) else { return nil }
        guard parts.count == 1 || !fraction.isEmpty, let numerator = Int(digits) else { return nil }
        var denominator = 1
        for _ in 0..<fraction.count { denominator *= 10 }
        let (product, overflow) = numerator.multipliedReportingOverflow(by: factor)
        guard !overflow, product % denominator == 0, product > 0 else { return nil }
        return product / denominator
    }

    private static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
