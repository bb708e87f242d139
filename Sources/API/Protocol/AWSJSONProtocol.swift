/// AWS JSON 1.1 as ECS speaks it: every operation is `POST /` naming itself in `X-Amz-Target`.
enum AWSJSONProtocol {
    /// ECS's target prefix (the model's `targetPrefix` and API version), followed by the operation.
    static let targetPrefix = "AmazonEC2ContainerServiceV20141113."
    static let contentType = "application/x-amz-json-1.1"
    /// berthd's limit on a request body. ECS's largest inputs (task definitions) stay far below it.
    static let defaultMaximumBodyBytes = 1 << 20

    /// "AmazonEC2ContainerServiceV20141113.ListClusters" -> "ListClusters"; nil for any other
    /// service's target or a name that is not a plain identifier.
    static func operation(fromTarget target: String) -> String? {
        guard target.hasPrefix(targetPrefix) else { return nil }
        let operation = target.dropFirst(targetPrefix.count)
        let isASCIILetter = { (byte: UInt8) in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
        }
        guard !operation.isEmpty, operation.utf8.allSatisfy(isASCIILetter) else { return nil }
        return String(operation)
    }
}
