import ECSModel

extension ECSErrorType {
    /// The request body is over berthd's limit (HTTP 413). Not an ECS model shape: real ECS sits behind
    /// a front end that refuses such bodies before the service sees them.
    public static let requestEntityTooLargeException = ECSErrorType(rawValue: "RequestEntityTooLargeException")
}

/// Requests that are not ECS JSON 1.1 calls at all, refused before any handler runs. The texts say what
/// berthd expects, since whoever sends these is usually poking at the socket by hand.
enum ProtocolRejection {
    static let usage = "ECS operations are POST / with X-Amz-Target: \(AWSJSONProtocol.targetPrefix)<Operation>"

    static func wrongPath(_ path: Substring) -> (ECSError, status: Int) {
        (ECSError(.unknownOperationException, "Nothing is served at '\(path)'. \(usage)."), 404)
    }

    static func wrongMethod(_ method: String) -> ECSError {
        ECSError(.unknownOperationException, "\(method) is not supported. \(usage).")
    }

    static let missingTarget = ECSError(
        .unknownOperationException, "The request has no X-Amz-Target header. \(usage).")

    static func unknownTarget(_ target: String) -> ECSError {
        ECSError(.unknownOperationException, "Unknown X-Amz-Target '\(target)'. \(usage).")
    }

    static func bodyTooLarge(limit: Int) -> (ECSError, status: Int) {
        (
            ECSError(
                .requestEntityTooLargeException,
                "The request body is larger than berthd's limit of \(limit) bytes"
                    + (limit % (1 << 20) == 0 ? " (\(limit >> 20) MiB)." : ".")),
            413
        )
    }

    static func malformedHTTP(_ detail: String) -> ECSError {
        ECSError(.serializationException, "The request is not valid HTTP/1.1 (\(detail)).")
    }

    static func internalError(requestId: String) -> ECSError {
        ECSError(
            .serverException,
            "berthd failed to process the request; its log has the details under request id \(requestId).")
    }
}
