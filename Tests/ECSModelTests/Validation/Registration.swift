import ECSModel
import Foundation
import Testing

/// The seed task definition and the expectations the validation tests share.
enum Registration {
    /// The valid Fargate task definition every test starts from.
    static let seedJSON = #"""
        {"family":"fargate-task","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"my-container","image":"nginx","essential":true,"portMappings":[{"containerPort":80,"hostPort":80}]}]}
        """#

    static let seed: RegisterTaskDefinitionRequest = try! StrictJSON.decode(
        RegisterTaskDefinitionRequest.self, from: Data(seedJSON.utf8))

    /// The seed changed by `edit`.
    static func seed(_ edit: (inout RegisterTaskDefinitionRequest) -> Void) -> RegisterTaskDefinitionRequest {
        var request = seed
        edit(&request)
        return request
    }

    /// The seed with its one container changed by `edit`.
    static func seedContainer(_ edit: (inout ContainerDefinition) -> Void) -> RegisterTaskDefinitionRequest {
        seed { edit(&$0.containerDefinitions[0]) }
    }

    /// The seed as an EC2 task definition in bridge mode without a task size, changed by `edit`.
    static func ec2(_ edit: (inout RegisterTaskDefinitionRequest) -> Void = { _ in }) -> RegisterTaskDefinitionRequest {
        seed {
            $0.requiresCompatibilities = [.ec2]
            $0.networkMode = .bridge
            $0.cpu = nil
            $0.memory = nil
            $0.containerDefinitions[0].memory = 128
            edit(&$0)
        }
    }

    /// A container with a name, an image and nothing else.
    static func container(_ name: String) -> ContainerDefinition {
        ContainerDefinition(name: name, image: "busybox")
    }

    /// The error validation throws for `request`, or nil if it passes.
    static func rejection(of request: RegisterTaskDefinitionRequest) -> ECSError? {
        do {
            _ = try FargateTaskDefinitionValidator.validate(request)
            return nil
        } catch {
            return error
        }
    }

    /// Expects `request` to be refused with a ClientException saying `message`.
    static func expectRejected(
        _ request: RegisterTaskDefinitionRequest, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(rejection(of: request) == ECSError(.clientException, message), sourceLocation: sourceLocation)
    }

    /// Expects `request` to be refused with a `type` error saying `message`.
    static func expectRejected(
        _ request: RegisterTaskDefinitionRequest, _ type: ECSErrorType, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(rejection(of: request) == ECSError(type, message), sourceLocation: sourceLocation)
    }

    static func expectAccepted(
        _ request: RegisterTaskDefinitionRequest, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(rejection(of: request) == nil, sourceLocation: sourceLocation)
    }
}
