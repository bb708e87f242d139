import Foundation

/// The JSON error body of the distribution API: `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"…"}]}`.
/// Rendered as Docker's errcode does (`manifest_unknown: manifest unknown`), which is what containerd prints.
enum RegistryErrorBody {
    struct Entry: Decodable, Equatable {
        var code: String
        var message: String?
    }

    /// The largest error body worth reading.
    static let limit = 64 << 10

    static func entries(_ body: [UInt8]) -> [Entry] {
        struct Document: Decodable { var errors: [Entry]? }
        return (try? JSONDecoder().decode(Document.self, from: Data(body)))?.errors ?? []
    }

    /// "toomanyrequests: You have reached your pull rate limit…", several joined by "; "; nil for no JSON errors.
    static func message(_ body: [UInt8]) -> String? {
        let parts = entries(body).map { entry in
            entry.code.lowercased() + ((entry.message?.isEmpty ?? true) ? "" : ": " + entry.message!)
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
