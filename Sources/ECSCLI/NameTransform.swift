/// botocore's `xform_name`: `RunTask` -> `run-task`, `enableECSManagedTags` ->
/// `enable-ecs-managed-tags`, `containerARNs` -> `container-arns`.
enum NameTransform {
    static func kebab(_ name: String) -> String {
        xform(name, separator: "-")
    }

    static func xform(_ name: String, separator: Character) -> String {
        if name.contains(separator) { return name }
        var chars = Array(name)
        // `[A-Z]{2,}s$`: ARNs, ACLs -> -arns, -acls.
        if chars.count >= 3, chars.last == "s" {
            var k = chars.count - 2
            while k >= 0, isUpper(chars[k]) { k -= 1 }
            let run = chars.count - 2 - k
            if run >= 2 {
                let matched = chars[(k + 1)...]
                chars = Array(chars[0..<(k + 1)]) + [separator] + Array(String(matched).lowercased())
            }
        }
        // `(.)([A-Z][a-z]+)` -> `\1-\2`
        var first: [Character] = []
        var i = 0
        while i < chars.count {
            if i + 2 < chars.count, chars[i] != "\n", isUpper(chars[i + 1]), isLower(chars[i + 2]) {
                first.append(chars[i])
                first.append(separator)
                first.append(chars[i + 1])
                var j = i + 2
                while j < chars.count, isLower(chars[j]) {
                    first.append(chars[j])
                    j += 1
                }
                i = j
            } else {
                first.append(chars[i])
                i += 1
            }
        }
        // `([a-z0-9])([A-Z])` -> `\1-\2`
        var second: [Character] = []
        i = 0
        while i < first.count {
            if i + 1 < first.count, isLower(first[i]) || isDigit(first[i]), isUpper(first[i + 1]) {
                second.append(first[i])
                second.append(separator)
                second.append(first[i + 1])
                i += 2
            } else {
                second.append(first[i])
                i += 1
            }
        }
        return String(second).lowercased()
    }

    private static func isUpper(_ c: Character) -> Bool { c.isASCII && c.isUppercase }
    private static func isLower(_ c: Character) -> Bool { c.isASCII && c.isLowercase }
    private static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
}
