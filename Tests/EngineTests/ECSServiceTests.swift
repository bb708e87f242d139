import ECSModel
import Foundation
import Images
import Logging
import Store
import Testing

@testable import Engine

/// The ECS operations that need no running container, against a real store in a temporary root.
@Suite("ECSService: task definitions, clusters, tags and validation")
struct ECSServiceTests {
    let root: String
    let service: ECSService

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-service-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let engine = EngineEnvironment(
            root: root, shimPath: "/nonexistent/berth-shim", netnsDirectory: "\(root)/netns",
            images: try ImageStore(root: root), logger: Logger(label: "test"))
        service = ECSService(
            configuration: ServiceConfiguration(region: "eu-west-1", accountID: "123456789012"),
            store: try BerthStore(path: "\(root)/state.db"), engine: engine)
    }

    static let seed = #"""
        {"family":"fargate-task","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",
         "containerDefinitions":[{"name":"my-container","image":"nginx","essential":true,"portMappings":[{"containerPort":80,"hostPort":80}]}]}
        """#

    func call(_ operation: String, _ body: String) async throws -> [String: Any] {
        let data = try await service.handle(operation: operation, body: Data(body.utf8))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    func expectError(
        _ operation: String, _ body: String, type: String, message: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await call(operation, body)
            Issue.record("\(operation) succeeded", sourceLocation: sourceLocation)
        } catch let error as ECSError {
            #expect(error.type.rawValue == type, "\(error)", sourceLocation: sourceLocation)
            if let message { #expect(error.message == message, sourceLocation: sourceLocation) }
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func registerGivesRevisionsFromOneWithECSDefaults() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try await call("RegisterTaskDefinition", Self.seed)["taskDefinition"] as! [String: Any]
        #expect(
            first["taskDefinitionArn"] as? String == "arn:aws:ecs:eu-west-1:123456789012:task-definition/fargate-task:1"
        )
        #expect(first["revision"] as? Int == 1)
        #expect(first["status"] as? String == "ACTIVE")
        #expect(first["compatibilities"] as? [String] == ["EC2", "FARGATE"])
        let container = (first["containerDefinitions"] as! [[String: Any]])[0]
        #expect(container["cpu"] as? Int == 0)
        let mapping = (container["portMappings"] as! [[String: Any]])[0]
        #expect(mapping["protocol"] as? String == "tcp" && mapping["hostPort"] as? Int == 80)
        let second = try await call("RegisterTaskDefinition", Self.seed)["taskDefinition"] as! [String: Any]
        #expect(second["revision"] as? Int == 2)
        // "1 vCPU" / "2 GB" are normalized at registration.
        let strings = Self.seed.replacingOccurrences(
            of: #""cpu":"256","memory":"512""#, with: #""cpu":"1 vCPU","memory":"2 GB""#)
        let third = try await call("RegisterTaskDefinition", strings)["taskDefinition"] as! [String: Any]
        #expect(third["cpu"] as? String == "1024" && third["memory"] as? String == "2048")
    }

    @Test func fargateValidationUsesAWSMessages() async {
        defer { try? FileManager.default.removeItem(atPath: root) }
        await expectError(
            "RegisterTaskDefinition",
            Self.seed.replacingOccurrences(of: #""memory":"512""#, with: #""memory":"4096""#), type: "ClientException",
            message:
                "No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values."
        )
        await expectError(
            "RegisterTaskDefinition", Self.seed.replacingOccurrences(of: #""hostPort":80"#, with: #""hostPort":8080"#),
            type: "ClientException")
        await expectError(
            "RegisterTaskDefinition", #"{"family":"x","containerDefinitions":[{"name":"a","image":"i","bogus":1}]}"#,
            type: "InvalidParameterException")
        await expectError("RegisterTaskDefinition", "{not json", type: "SerializationException")
    }

    @Test func describeListDeregisterDelete() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await call("RegisterTaskDefinition", Self.seed)
        _ = try await call("RegisterTaskDefinition", Self.seed)
        let latest = try await call("DescribeTaskDefinition", #"{"taskDefinition":"fargate-task"}"#)
        #expect((latest["taskDefinition"] as! [String: Any])["revision"] as? Int == 2)
        let listed = try await call("ListTaskDefinitions", #"{"familyPrefix":"fargate-task","sort":"DESC"}"#)
        #expect((listed["taskDefinitionArns"] as! [String]).map { $0.hasSuffix(":2") } == [true, false])
        let refused = try await call("DeleteTaskDefinitions", #"{"taskDefinitions":["fargate-task:1"]}"#)
        #expect(((refused["failures"] as! [[String: Any]])[0]["reason"] as? String)?.contains("ACTIVE") == true)
        let deregistered = try await call("DeregisterTaskDefinition", #"{"taskDefinition":"fargate-task:2"}"#)
        #expect((deregistered["taskDefinition"] as! [String: Any])["status"] as? String == "INACTIVE")
        let now = try await call("DescribeTaskDefinition", #"{"taskDefinition":"fargate-task"}"#)
        #expect((now["taskDefinition"] as! [String: Any])["revision"] as? Int == 1)
        let deleted = try await call("DeleteTaskDefinitions", #"{"taskDefinitions":["fargate-task:2"]}"#)
        #expect(((deleted["taskDefinitions"] as! [[String: Any]])[0]["status"] as? String) == "DELETE_IN_PROGRESS")
        let families = try await call("ListTaskDefinitionFamilies", "{}")
        #expect(families["families"] as? [String] == ["fargate-task"])
        await expectError(
            "DescribeTaskDefinition", #"{"taskDefinition":"nosuch"}"#, type: "ClientException",
            message: "Unable to describe task definition.")
    }

    @Test func clustersAreIdempotentCountedAndDeletable() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let created =
            try await call("CreateCluster", #"{"clusterName":"fargate-cluster"}"#)["cluster"] as! [String: Any]
        #expect(created["clusterArn"] as? String == "arn:aws:ecs:eu-west-1:123456789012:cluster/fargate-cluster")
        #expect(created["status"] as? String == "ACTIVE" && created["runningTasksCount"] as? Int == 0)
        let again = try await call("CreateCluster", #"{"clusterName":"fargate-cluster"}"#)["cluster"] as! [String: Any]
        #expect(again["clusterArn"] as? String == created["clusterArn"] as? String)
        let described = try await call("DescribeClusters", #"{"clusters":["fargate-cluster","nope"]}"#)
        #expect((described["clusters"] as! [Any]).count == 1)
        #expect(((described["failures"] as! [[String: Any]])[0]["reason"] as? String) == "MISSING")
        let listed = try await call("ListClusters", "{}")
        #expect((listed["clusterArns"] as! [String]).count == 1)
        let deleted = try await call("DeleteCluster", #"{"cluster":"fargate-cluster"}"#)["cluster"] as! [String: Any]
        #expect(deleted["status"] as? String == "INACTIVE")
        await expectError(
            "DeleteCluster", #"{"cluster":"fargate-cluster"}"#, type: "ClusterNotFoundException",
            message: "Cluster not found.")
        await expectError(
            "CreateCluster", #"{"clusterName":"bad name!"}"#, type: "InvalidParameterException")
    }

    @Test func runTaskValidatesBeforeRunningAnything() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await call("RegisterTaskDefinition", Self.seed)
        _ = try await call("CreateCluster", #"{"clusterName":"c"}"#)
        await expectError(
            "RunTask", #"{"cluster":"c","taskDefinition":"fargate-task"}"#, type: "InvalidParameterException",
            message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
        await expectError(
            "RunTask", #"{"cluster":"nope","taskDefinition":"fargate-task"}"#, type: "ClusterNotFoundException")
        await expectError("RunTask", #"{"cluster":"c","taskDefinition":"nosuch"}"#, type: "InvalidParameterException")
        let network = #""networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}"#
        await expectError(
            "RunTask", #"{"cluster":"c","taskDefinition":"fargate-task","count":11,\#(network)}"#,
            type: "InvalidParameterException")
        await expectError(
            "RunTask",
            #"{"cluster":"c","taskDefinition":"fargate-task",\#(network),"overrides":{"containerOverrides":[{"name":"ghost"}]}}"#,
            type: "InvalidParameterException",
            message: "Override for container named ghost is not a container in the TaskDefinition.")
        let tasks = try await call("ListTasks", #"{"cluster":"c"}"#)
        #expect((tasks["taskArns"] as! [String]).isEmpty)
        let missing = try await call("DescribeTasks", #"{"cluster":"c","tasks":["abc"]}"#)
        #expect(
            ((missing["failures"] as! [[String: Any]])[0]["arn"] as? String)
                == "arn:aws:ecs:eu-west-1:123456789012:task/c/abc")
    }

    @Test func runTaskIsIdempotentPerClientToken() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await call("RegisterTaskDefinition", Self.seed)
        _ = try await call("CreateCluster", #"{"clusterName":"c"}"#)
        let body =
            #"{"cluster":"c","taskDefinition":"fargate-task","clientToken":"token-1","count":2,"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"]}}}"#
        let first = try await call("RunTask", body)["tasks"] as! [[String: Any]]
        let second = try await call("RunTask", body)["tasks"] as! [[String: Any]]
        #expect(first.count == 2)
        #expect(first.map { $0["taskArn"] as! String } == second.map { $0["taskArn"] as! String })
        // (This unit test has no berth-shim, so the tasks themselves fail to start; the records stay.)
        await service.stopAllTasks(reason: "test over")
    }

    @Test func badInputChangesNothingStored() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await call("RegisterTaskDefinition", Self.seed)
        let before = try await call("ListTaskDefinitions", "{}")["taskDefinitionArns"] as! [String]
        for (operation, body) in [
            ("RegisterTaskDefinition", "{garbage"), ("RegisterTaskDefinition", #"{"family":7}"#),
            ("RegisterTaskDefinition", Self.seed.replacingOccurrences(of: #""cpu":"256""#, with: #""cpu":"300""#)),
            ("CreateCluster", #"{"clusterName":"has space"}"#), ("DeleteTaskDefinitions", #"{"taskDefinitions":"x"}"#),
            ("NoSuchOperation", "{}"),
        ] {
            await #expect(throws: ECSError.self) { _ = try await call(operation, body) }
        }
        #expect(try await call("ListTaskDefinitions", "{}")["taskDefinitionArns"] as! [String] == before)
        #expect((try await call("ListClusters", "{}")["clusterArns"] as! [String]).isEmpty)
        // The revision counter did not move either: the next registration is revision 2.
        let next = try await call("RegisterTaskDefinition", Self.seed)["taskDefinition"] as! [String: Any]
        #expect(next["revision"] as? Int == 2)
    }

    @Test func tagsOnResources() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cluster = try await call("CreateCluster", #"{"clusterName":"c","tags":[{"key":"team","value":"a"}]}"#)
        let arn = (cluster["cluster"] as! [String: Any])["clusterArn"] as! String
        _ = try await call("TagResource", #"{"resourceArn":"\#(arn)","tags":[{"key":"env","value":"dev"}]}"#)
        _ = try await call("UntagResource", #"{"resourceArn":"\#(arn)","tagKeys":["team"]}"#)
        let tags = try await call("ListTagsForResource", #"{"resourceArn":"\#(arn)"}"#)["tags"] as! [[String: String]]
        #expect(tags == [["key": "env", "value": "dev"]])
        await expectError(
            "ListTagsForResource", #"{"resourceArn":"arn:aws:ecs:x:1:cluster/none"}"#, type: "InvalidParameterException"
        )
        await expectError("NoSuchOperation", "{}", type: "UnknownOperationException")
    }
}
