import CLinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// What this process may grant its children: current rlimits, and whether it holds CAP_SYS_RESOURCE
/// (without it, no hard limit can be raised above the one berth itself runs with).
public enum ProcessLimits {
    public static func hardLimit(resource: Int32) -> UInt64? {
        var soft: UInt64 = 0
        var hard: UInt64 = 0
        guard bk_getrlimit(resource, &soft, &hard) == 0 else { return nil }
        return hard
    }

    public static var unlimited: UInt64 { BK_RLIM_INFINITY }

    /// Reads CapEff from /proc/self/status: bit 24 is CAP_SYS_RESOURCE.
    public static func hasCapability(_ number: Int) -> Bool {
        guard let file = fopen("/proc/self/status", "r") else { return false }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("CapEff:") else { continue }
            let hex = text.dropFirst(7).trimmingCharacters(in: " \t\n")
            guard let mask = UInt64(hex, radix: 16) else { return false }
            return mask & (1 << UInt64(number)) != 0
        }
        return false
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return String(view)
    }
}
