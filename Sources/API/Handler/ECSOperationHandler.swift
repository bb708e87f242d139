import Foundation

/// What berthd plugs into `ECSServer`: one ECS operation in, its JSON response out.
///
/// The server has already checked the transport, the signature (TCP) and the `X-Amz-Target` prefix;
/// `operation` is the part after `AmazonEC2ContainerServiceV20141113.` (e.g. "ListClusters"). Whether
/// that operation exists is the handler's call: throw `ECSError(.unknownOperationException, ...)` for
/// one it does not serve. `body` is the raw request body (`{}` when the request had none); malformed
/// JSON is the handler's to report (`SerializationException`), since only it knows the input shape.
///
/// A thrown `ECSError` becomes `{"__type": type, "message": message}` with the type's HTTP status; any
/// other error becomes a 500 `ServerException` with a generic message (the error itself is logged, not
/// sent: it may name files or internals).
public protocol ECSOperationHandler: Sendable {
    func handle(operation: String, body: Data, context: RequestContext) async throws -> Data
}
