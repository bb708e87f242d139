/// One page of a listing. `nextToken` is opaque to callers and nil on the last page.
public struct Page<T: Sendable>: Sendable {
    public var items: [T]
    public var nextToken: String?

    public init(items: [T], nextToken: String?) {
        self.items = items
        self.nextToken = nextToken
    }
}

extension Page {
    /// Builds a page from rows fetched with `LIMIT limit + 1`: the extra row only proves that another page
    /// exists, so the token is the sort key of the last row kept and the last page never carries a token.
    static func keyset<Fetched>(
        _ fetched: [Fetched], limit: Int, item: (Fetched) -> T, token: (Fetched) -> String
    ) -> Page {
        let kept = fetched.prefix(limit)
        let nextToken = fetched.count > limit ? kept.last.map(token) : nil
        return Page(items: kept.map(item), nextToken: nextToken)
    }
}

/// Listings fetch one row more than they return (see `Page.keyset`): a non-positive `maxResults` still
/// returns one row so that paging always advances, and `Int.max` (for "everything") cannot overflow.
func pageLimit(_ maxResults: Int) -> Int {
    min(max(1, maxResults), Int.max - 1)
}
