import Foundation

/// `nextToken` values: base64 of a small JSON envelope naming the listing and holding the sort key of the
/// last row returned. Paging is by key ("rows after this key"), not by offset, so rows inserted or deleted
/// between two calls never shift a page and never repeat a row.
enum PageCursor {
    private struct Envelope<Key: Codable>: Codable {
        var listing: String
        var key: Key
    }

    static func encode<Key: Codable>(_ key: Key, listing: String) -> String {
        // Encoding a struct of strings and numbers cannot fail.
        let json = try! JSONEncoder().encode(Envelope(listing: listing, key: key))
        return json.base64EncodedString()
    }

    /// nil for a nil token (the first page); `invalidToken` for anything this listing did not issue,
    /// including a token of another listing or of the other sort order.
    static func decode<Key: Codable>(_ token: String?, listing: String, as _: Key.Type) throws -> Key? {
        guard let token else { return nil }
        guard let json = Data(base64Encoded: token),
            let envelope = try? JSONDecoder().decode(Envelope<Key>.self, from: json),
            envelope.listing == listing
        else { throw StoreError.invalidToken(token) }
        return envelope.key
    }
}
