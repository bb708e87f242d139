import ECSModel
import Foundation

/// A response before it meets NIO: status, headers and body.
struct HTTPReply: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: Data

    /// 200 with the handler's JSON.
    static func success(_ body: Data, requestId: String) -> HTTPReply {
        HTTPReply(
            status: 200,
            headers: [("Content-Type", AWSJSONProtocol.contentType), ("x-amzn-RequestId", requestId)],
            body: body)
    }

    /// `{"__type": ..., "message": ...}` with `x-amzn-ErrorType`, which is all botocore reads to raise
    /// `ClientError` (code from `__type`, text from `message`). The status is the type's unless given.
    static func failure(_ error: ECSError, requestId: String, status: Int? = nil) -> HTTPReply {
        HTTPReply(
            status: status ?? error.type.httpStatusCode,
            headers: [
                ("Content-Type", AWSJSONProtocol.contentType), ("x-amzn-RequestId", requestId),
                ("x-amzn-ErrorType", error.type.rawValue),
            ],
            body: errorBody(error))
    }

    private struct ErrorBody: Encodable {
        var type: String
        var message: String

        enum CodingKeys: String, CodingKey {
            case type = "__type"
            case message
        }
    }

    static func errorBody(_ error: ECSError) -> Data {
        let encoder = JSONEncoder()
        // Sorted keys put "__type" first, as AWS writes it; unescaped slashes keep ARNs readable.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding two strings cannot fail; the fallback keeps the signature non-throwing all the same.
        return (try? encoder.encode(ErrorBody(type: error.type.rawValue, message: error.message)))
            ?? Data(#"{"__type":"ServerException","message":"unencodable error"}"#.utf8)
    }

    static func newRequestId() -> String { UUID().uuidString.lowercased() }
}
