import ECSModel

/// botocore's `ArgumentGenerator`: the sample input `--generate-cli-skeleton` prints,
/// or (with member names) the sample output of `--generate-cli-skeleton output`.
///
/// One deliberate difference: botocore picks a random enum value for enum strings;
/// berth picks the first, so the skeleton is the same on every run.
enum Skeleton {
    static func generate(_ shape: String, useMemberNames: Bool) -> JSON {
        var stack: [String] = []
        return generate(shape, name: "", useMemberNames: useMemberNames, stack: &stack)
    }

    private static func generate(_ shapeName: String, name: String, useMemberNames: Bool, stack: inout [String])
        -> JSON
    {
        stack.append(shapeName)
        defer { stack.removeLast() }
        guard let shape = ShapeTable.shapes[shapeName] else { return .null }
        switch shape {
        case .structure(_, let members):
            if stack.filter({ $0 == shapeName }).count > 1 { return .object([]) }
            return .object(
                members.map {
                    JSONMember(
                        $0.name, generate($0.shape, name: $0.name, useMemberNames: useMemberNames, stack: &stack))
                })
        case .list(let member, _, _):
            let itemName = useMemberNames ? member : ""
            return .array([generate(member, name: itemName, useMemberNames: useMemberNames, stack: &stack)])
        case .map(_, let value):
            return .object([
                JSONMember("KeyName", generate(value, name: "", useMemberNames: useMemberNames, stack: &stack))
            ])
        case .string(_, _, let enumValues):
            if useMemberNames { return .string(name) }
            return .string(enumValues?.first ?? "")
        case .integer, .long: return .int(0)
        case .double: return .double(0)
        case .boolean: return .bool(true)
        case .timestamp: return .string("1970-01-01T00:00:00")
        case .blob: return .null
        }
    }
}
