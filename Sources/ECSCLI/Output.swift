import ECSModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What botocore makes of a JSON response body before the aws CLI prints it: members in
/// the model's order, members the model does not know and nulls dropped, timestamps as
/// ISO 8601 in the local time zone (aws CLI v2's default `cli_timestamp_format`).
enum ResponseShaper {
    static func shape(_ value: JSON, as shapeName: String?, timeZone: TimeZone = .current) -> JSON {
        guard let shapeName, let shape = ShapeTable.shapes[shapeName] else { return value }
        switch shape {
        case .structure(_, let members):
            guard case .object = value else { return value }
            var out: [JSONMember] = []
            for member in members {
                guard let raw = value[member.name], raw != .null else { continue }
                out.append(JSONMember(member.name, self.shape(raw, as: member.shape, timeZone: timeZone)))
            }
            return .object(out)
        case .list(let member, _, _):
            guard case .array(let items) = value else { return value }
            return .array(items.map { $0 == .null ? .null : self.shape($0, as: member, timeZone: timeZone) })
        case .map(_, let valueShape):
            guard case .object(let members) = value else { return value }
            return .object(
                members.map {
                    JSONMember(
                        $0.key, $0.value == .null ? .null : self.shape($0.value, as: valueShape, timeZone: timeZone))
                })
        case .timestamp:
            return Timestamp.iso8601(value, timeZone: timeZone).map(JSON.string) ?? value
        default:
            return value
        }
    }
}

/// botocore's epoch timestamps as Python prints them:
/// `datetime.fromtimestamp(value, tzlocal()).isoformat()`.
enum Timestamp {
    static func iso8601(_ value: JSON, timeZone: TimeZone = .current) -> String? {
        let seconds: Double
        switch value {
        case .integer(let text): seconds = Double(text) ?? .nan
        case .double(let d): seconds = d
        case .string(let s):
            guard let d = PythonText.floatLiteral(s) else { return nil }
            seconds = d
        default: return nil
        }
        guard seconds.isFinite, abs(seconds) < 253_402_300_800 else { return nil }
        // _PyTime_ObjectToTimeval with ROUND_HALF_EVEN.
        var whole = seconds.rounded(.towardZero)
        var micros = ((seconds - whole) * 1e6).rounded(.toNearestOrEven)
        if micros >= 1e6 {
            micros -= 1e6
            whole += 1
        } else if micros < 0 {
            micros += 1e6
            whole -= 1
        }
        let epoch = Int(whole)
        let offset = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epoch)))
        var t = time_t(epoch + offset)
        var tm = tm()
        guard gmtime_r(&t, &tm) != nil else { return nil }
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var text = "\(pad(tm.tm_year + 1900, 4))-\(pad(tm.tm_mon + 1, 2))-\(pad(tm.tm_mday, 2))"
        text += "T\(pad(tm.tm_hour, 2)):\(pad(tm.tm_min, 2)):\(pad(tm.tm_sec, 2))"
        if micros > 0 { text += "." + pad(Int32(micros), 6) }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        text += "\(sign)\(pad(Int32(magnitude / 3600), 2)):\(pad(Int32(magnitude % 3600 / 60), 2))"
        if magnitude % 60 != 0 { text += ":\(pad(Int32(magnitude % 60), 2))" }
        return text
    }
}

/// The aws CLI's output formats.
enum OutputFormat: String, Sendable {
    case json
    case text
    case table
    case yaml
    case yamlStream = "yaml-stream"
}

enum Formatter {
    /// `JSONFormatter`: nothing for an empty object, else `json.dumps(indent=4, ensure_ascii=False)`.
    static func json(_ value: JSON?) -> String {
        let value = value ?? .null
        if value == .object([]) { return "" }
        return value.pythonDumps(indent: 4, ensureASCII: false) + "\n"
    }

    /// `awscli.text.format_text`.
    static func text(_ value: JSON?) -> String {
        var out = ""
        formatText(value ?? .null, identifier: nil, scalarKeys: nil, into: &out)
        return out
    }

    private static func formatText(_ item: JSON, identifier: String?, scalarKeys: [String]?, into out: inout String) {
        switch item {
        case .object:
            formatDict(item, identifier: identifier, scalarKeys: scalarKeys, into: &out)
        case .array(let items):
            formatList(items, identifier: identifier, into: &out)
        default:
            out += PythonText.str(item) + "\n"
        }
    }

    private static func formatList(_ items: [JSON], identifier: String?, into out: inout String) {
        if items.isEmpty { return }
        if items.contains(where: { if case .object = $0 { return true } else { return false } }) {
            let keys = allScalarKeys(items)
            for element in items { formatText(element, identifier: identifier, scalarKeys: keys, into: &out) }
        } else if items.contains(where: { if case .array = $0 { return true } else { return false } }) {
            let scalars = items.filter { !$0.isContainer }
            let nonScalars = items.filter(\.isContainer)
            if !scalars.isEmpty { formatScalarList(scalars, identifier: identifier, into: &out) }
            for element in nonScalars { formatText(element, identifier: identifier, scalarKeys: nil, into: &out) }
        } else {
            formatScalarList(items, identifier: identifier, into: &out)
        }
    }

    private static func formatScalarList(_ items: [JSON], identifier: String?, into out: inout String) {
        if let identifier {
            for item in items { out += "\(identifier.uppercased())\t\(PythonText.str(item))\n" }
        } else {
            out += items.map { PythonText.str($0) }.joined(separator: "\t") + "\n"
        }
    }

    private static func formatDict(_ item: JSON, identifier: String?, scalarKeys: [String]?, into out: inout String) {
        let members = item.members ?? []
        var scalars: [String] = []
        var nonScalars: [(String, JSON)] = []
        if let scalarKeys {
            for key in scalarKeys { scalars.append(item[key].map { PythonText.str($0) } ?? "") }
            let remaining = Set(members.map(\.key)).subtracting(scalarKeys)
            for key in sortedKeys(Array(remaining)) { nonScalars.append((key, item[key]!)) }
        } else {
            for member in members.sorted(by: { pythonLess($0.key, $1.key) }) {
                if member.value.isContainer {
                    nonScalars.append((member.key, member.value))
                } else {
                    scalars.append(PythonText.str(member.value))
                }
            }
        }
        if !scalars.isEmpty {
            if let identifier { scalars.insert(identifier.uppercased(), at: 0) }
            out += scalars.joined(separator: "\t") + "\n"
        }
        for (key, value) in nonScalars { formatText(value, identifier: key, scalarKeys: nil, into: &out) }
    }

    private static func allScalarKeys(_ items: [JSON]) -> [String] {
        var keys = Set<String>()
        for item in items {
            for member in item.members ?? [] where !member.value.isContainer { keys.insert(member.key) }
        }
        return sortedKeys(Array(keys))
    }

    private static func sortedKeys(_ keys: [String]) -> [String] { keys.sorted(by: pythonLess) }

    /// Python's string ordering: by code point.
    static func pythonLess(_ a: String, _ b: String) -> Bool {
        Array(a.unicodeScalars).map(\.value).lexicographicallyPrecedes(Array(b.unicodeScalars).map(\.value))
    }
}
