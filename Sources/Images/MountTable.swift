import Foundation

/// The mount points this process can see, from /proc/self/mountinfo.
enum MountTable {
    /// A mount point equal to `path` or below it, if any: removing such a tree would empty the mounted
    /// filesystem (e.g. a container's still-mounted merged dir).
    static func firstMountPoint(atOrBelow path: String) -> String? {
        guard
            let data = try? Filesystem.readFile(
                "/proc/self/mountinfo", limit: 64 << 20,
                tooLarge: {
                    .systemCall("read", "/proc/self/mountinfo", EFBIG)
                })
        else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            // Fields: id parent major:minor root mount-point options ...; spaces in paths are written as \040.
            let fields = line.split(separator: " ", maxSplits: 5)
            guard fields.count >= 5 else { continue }
            let mountPoint = unescape(String(fields[4]))
            if mountPoint == path || mountPoint.hasPrefix(path + "/") { return mountPoint }
        }
        return nil
    }

    private static func unescape(_ field: String) -> String {
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\"), index + 3 < raw.count,
                let value = UInt8(String(decoding: raw[index + 1...index + 3], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                index += 4
            } else {
                bytes.append(raw[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
