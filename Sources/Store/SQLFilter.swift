import GRDB

/// The WHERE clause of a listing, built from the filters a caller passed: each condition comes with its
/// arguments, so the SQL text only ever contains placeholders, never caller data.
struct SQLFilter {
    private var conditions: [String] = []
    private(set) var arguments: StatementArguments = []

    mutating func require(_ condition: String, _ values: (any DatabaseValueConvertible)?...) {
        conditions.append(condition)
        arguments += StatementArguments(values)
    }

    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }
}
