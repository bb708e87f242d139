import ECSModel
import Foundation
import Logging

/// Turns one complete HTTP request into its response: authentication (TCP), then the AWS JSON 1.1
/// envelope (path, method, target), then the handler, then the handler's answer or error as ECS sends
/// them. Knows nothing of sockets, so it is tested without any.
struct ECSRequestProcessor: Sendable {
    var handler: any ECSOperationHandler
    var authentication: CallerAuthentication
    var logger = Logger(label: "berthd.api")
    /// The clock SigV4's skew check compares against.
    var now: @Sendable () -> Date = { Date() }

    func process(_ request: ReceivedRequest) async -> HTTPReply {
        let requestId = HTTPReply.newRequestId()
        var logger = self.logger
        logger[metadataKey: "request-id"] = "\(requestId)"
        let started = ContinuousClock.now
        let reply = await respond(to: request, requestId: requestId, logger: &logger)
        var metadata: Logger.Metadata = [
            "status": "\(reply.status)", "duration-ms": "\((ContinuousClock.now - started).milliseconds)",
        ]
        if let errorType = reply.headers.first(where: { $0.name == "x-amzn-ErrorType" })?.value {
            metadata["error-type"] = "\(errorType)"
        }
        logger.info("ECS request", metadata: metadata)
        return reply
    }

    private func respond(to request: ReceivedRequest, requestId: String, logger: inout Logger) async -> HTTPReply {
        let caller: RequestContext.Caller
        switch authentication {
        case .socketPermissions:
            caller = .unixSocket
            logger[metadataKey: "caller"] = "unix"
        case .sigV4(let verifier):
            do {
                let identity = try verifier.verify(request.asSigV4Request, now: now())
                caller = .tcp(accessKeyId: identity.accessKeyId, region: identity.region)
                logger[metadataKey: "caller"] = "tcp:\(identity.accessKeyId)@\(identity.region)"
            } catch {
                logger[metadataKey: "caller"] = "tcp:unauthenticated"
                return HTTPReply.failure(error, requestId: requestId)
            }
        }

        guard request.path == "/" else {
            let (error, status) = ProtocolRejection.wrongPath(request.path)
            return HTTPReply.failure(error, requestId: requestId, status: status)
        }
        guard request.method == "POST" else {
            return HTTPReply.failure(ProtocolRejection.wrongMethod(request.method), requestId: requestId)
        }
        guard let target = request.header("x-amz-target") else {
            return HTTPReply.failure(ProtocolRejection.missingTarget, requestId: requestId)
        }
        guard let operation = AWSJSONProtocol.operation(fromTarget: target) else {
            return HTTPReply.failure(ProtocolRejection.unknownTarget(target), requestId: requestId)
        }
        logger[metadataKey: "operation"] = "\(operation)"

        // botocore sends "{}" for an operation without parameters, but a hand-written request may
        // send nothing; both mean "no parameters" to ECS.
        let body = request.body.isEmpty ? Data("{}".utf8) : request.body
        let context = RequestContext(requestId: requestId, caller: caller)
        do {
            let output = try await handler.handle(operation: operation, body: body, context: context)
            return HTTPReply.success(output, requestId: requestId)
        } catch let error as ECSError {
            return HTTPReply.failure(error, requestId: requestId)
        } catch {
            // The client gets a generic ServerException: the details may name internals, so only the log has them.
            logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
            return HTTPReply.failure(ProtocolRejection.internalError(requestId: requestId), requestId: requestId)
        }
    }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
