import API
import ECSModel
import Foundation

/// An `ECSOperationHandler` whose behaviour is a closure, plus the few behaviours the tests share.
struct TestHandler: ECSOperationHandler {
    var body: @Sendable (String, Data, RequestContext) async throws -> Data

    func handle(operation: String, body: Data, context: RequestContext) async throws -> Data {
        try await self.body(operation, body, context)
    }

    struct Crash: Error {}

    /// ListClusters answers `{"clusterArns":[]}`; Echo returns the body it got; Whoami describes the
    /// context; Boom throws ClientException "boom"; Crash throws a non-ECS error; anything else is
    /// an unknown operation, as berthd's real handler reports it.
    static let standard = TestHandler { operation, body, context in
        switch operation {
        case "ListClusters":
            return Data(#"{"clusterArns":[]}"#.utf8)
        case "Echo":
            return body
        case "Whoami":
            let caller =
                context.isUnixSocket ? "unix" : "tcp \(context.accessKeyId ?? "") \(context.signingRegion ?? "")"
            return try JSONEncoder().encode(["caller": caller, "requestId": context.requestId])
        case "Boom":
            throw ECSError(.clientException, "boom")
        case "Crash":
            throw Crash()
        default:
            throw ECSError(.unknownOperationException, "Unknown operation \(operation)")
        }
    }

    /// Every operation fails with ClientException "boom".
    static let alwaysBoom = TestHandler { _, _, _ in throw ECSError(.clientException, "boom") }
}
