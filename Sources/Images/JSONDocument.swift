import Foundation

/// Decodes an image document, turning DecodingError into one readable sentence.
enum JSONDocument {
    static func decode<T: Decodable>(_ type: T.Type, from data: Data, what: String, source: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw ImageError.invalidLayout(source, "\(what) is not valid: \(explain(error))")
        } catch {
            throw ImageError.invalidLayout(source, "\(what) is not valid JSON")
        }
    }

    private static func explain(_ error: DecodingError) -> String {
        func location(_ path: [CodingKey]) -> String {
            path.isEmpty
                ? "top level" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(location(context.codingPath))"
            return "missing \"\(key.stringValue)\"\(parent)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "unexpected value at \(location(context.codingPath))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value at \(location(context.codingPath))"
        @unknown default:
            return "cannot decode"
        }
    }
}
