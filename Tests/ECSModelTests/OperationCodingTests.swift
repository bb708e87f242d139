import Foundation
import Testing

@testable import ECSModel

/// JSON of the cluster and task operations, as the aws CLI sends it and ECS returns it.
enum OperationFixtures {
    /// `aws ecs run-task --cluster fargate-cluster --launch-type FARGATE --task-definition fargate-task
    /// --network-configuration "awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],
    /// assignPublicIp=ENABLED}"`, the seed's run.
    static let seedRunTask = #"""
        {"cluster":"fargate-cluster","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-12345678"],"securityGroups":["sg-12345678"],"assignPublicIp":"ENABLED"}},"taskDefinition":"fargate-task"}
        """#

    /// A DescribeTasks response for the seed's task once it runs, members in the order ECS sends them.
    /// Timestamps are epoch seconds; ECS's Java serializer writes them in exponent form (`1.700000000456E9`).
    static let describeTasksResponse = #"""
        {
          "tasks": [
            {
              "attachments": [
                {
                  "id": "d9e7735a-16aa-4128-bc7a-b2d5115029e9",
                  "type": "ElasticNetworkInterface",
                  "status": "ATTACHED",
                  "details": [
                    {"name": "subnetId", "value": "subnet-12345678"},
                    {"name": "networkInterfaceId", "value": "eni-0123456789abcdef0"},
                    {"name": "macAddress", "value": "0a:1b:2c:3d:4e:5f"},
                    {"name": "privateDnsName", "value": "ip-10-0-1-23.ec2.internal"},
                    {"name": "privateIPv4Address", "value": "10.0.1.23"}
                  ]
                }
              ],
              "attributes": [{"name": "ecs.cpu-architecture", "value": "x86_64"}],
              "availabilityZone": "us-east-1a",
              "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/fargate-cluster",
              "connectivity": "CONNECTED",
              "connectivityAt": 1.700000003123E9,
              "containers": [
                {
                  "containerArn": "arn:aws:ecs:us-east-1:123456789012:container/fargate-cluster/0123456789abcdef0123456789abcdef/6f1a1c3e-7d39-4b4f-9a41-0d1b1f3c8e2a",
                  "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef",
                  "name": "my-container",
                  "image": "nginx",
                  "imageDigest": "sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31",
                  "runtimeId": "0123456789abcdef0123456789abcdef-2531612879",
                  "lastStatus": "RUNNING",
                  "networkBindings": [],
                  "networkInterfaces": [
                    {"attachmentId": "d9e7735a-16aa-4128-bc7a-b2d5115029e9", "privateIpv4Address": "10.0.1.23"}
                  ],
                  "healthStatus": "UNKNOWN",
                  "cpu": "0"
                }
              ],
              "cpu": "256",
              "createdAt": 1.700000000456E9,
              "desiredStatus": "RUNNING",
              "enableExecuteCommand": false,
              "group": "family:fargate-task",
              "healthStatus": "UNKNOWN",
              "lastStatus": "RUNNING",
              "launchType": "FARGATE",
              "memory": "512",
              "overrides": {"containerOverrides": [{"name": "my-container"}], "inferenceAcceleratorOverrides": []},
              "platformVersion": "1.4.0",
              "platformFamily": "Linux",
              "pullStartedAt": 1.700000010789E9,
              "pullStoppedAt": 1.700000015012E9,
              "startedAt": 1.700000017345E9,
              "tags": [],
              "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef",
              "taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/fargate-task:1",
              "version": 3,
              "ephemeralStorage": {"sizeInGiB": 20},
              "fargateEphemeralStorage": {"sizeInGiB": 20}
            }
          ],
          "failures": [
            {"arn": "arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/ffffffffffffffffffffffffffffffff", "reason": "MISSING"}
          ]
        }
        """#

    /// The seed's RunTask with a top-level `subnets` and an `awsvpcConfiguration.vpcId`, and the
    /// aws CLI's report (captured from aws-cli 1.45.11 / botocore 1.43.11 `aws ecs run-task --cli-input-json`).
    static let runTaskUnknownMembers = Fixtures.BadInput(
        name: "RunTask unknown members",
        operation: "run-task", shape: "RunTaskRequest",
        json: #"""
            {"cluster":"fargate-cluster","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-12345678"],"securityGroups":["sg-12345678"],"assignPublicIp":"ENABLED","vpcId":"vpc-12345678"}},"taskDefinition":"fargate-task","subnets":["subnet-12345678"]}
            """#,
        expected: """
            Parameter validation failed:
            Unknown parameter in input: "subnets", must be one of: capacityProviderStrategy, cluster, count, enableECSManagedTags, enableExecuteCommand, group, launchType, networkConfiguration, overrides, placementConstraints, placementStrategy, platformVersion, propagateTags, referenceId, startedBy, tags, taskDefinition, clientToken, volumeConfigurations
            Unknown parameter in networkConfiguration.awsvpcConfiguration: "vpcId", must be one of: subnets, securityGroups, assignPublicIp
            """)
}

/// The JSON value of `data`, for comparing documents regardless of key order.
private func jsonObject(_ data: Data) throws -> NSDictionary {
    try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
}

@Suite("Codable operation types")
struct OperationCodingTests {
    @Test("The seed's RunTask request round-trips through StrictJSON and JSONEncoder")
    func seedRunTaskRoundTrip() throws {
        let data = OperationFixtures.seedRunTask.utf8Data
        let request = try StrictJSON.decode(RunTaskRequest.self, from: data)
        #expect(request.cluster == "fargate-cluster")
        #expect(request.launchType == .fargate)
        #expect(request.taskDefinition == "fargate-task")
        let awsvpc = try #require(request.networkConfiguration?.awsvpcConfiguration)
        #expect(awsvpc.subnets == ["subnet-12345678"])
        #expect(awsvpc.securityGroups == ["sg-12345678"])
        #expect(awsvpc.assignPublicIp == .enabled)
        #expect(request.count == nil)
        #expect(request.overrides == nil)

        let byHand = RunTaskRequest(
            cluster: "fargate-cluster", launchType: .fargate,
            networkConfiguration: NetworkConfiguration(
                awsvpcConfiguration: AwsVpcConfiguration(
                    subnets: ["subnet-12345678"], securityGroups: ["sg-12345678"], assignPublicIp: .enabled)),
            taskDefinition: "fargate-task")
        #expect(byHand == request)

        let encoded = try StrictJSON.encode(request)
        #expect(try jsonObject(encoded) == jsonObject(data))
        #expect(!String(decoding: encoded, as: UTF8.self).contains("null"))
        #expect(try StrictJSON.decode(RunTaskRequest.self, from: encoded) == request)
    }

    @Test("A DescribeTasks response as ECS returns it decodes, validates and round-trips")
    func describeTasksResponse() throws {
        let data = OperationFixtures.describeTasksResponse.utf8Data
        #expect(try StrictJSON.problems(in: data, shape: "DescribeTasksResponse").isEmpty)
        let response = try StrictJSON.decode(DescribeTasksResponse.self, from: data)
        let task = try #require(response.tasks?.first)
        #expect(response.tasks?.count == 1)
        #expect(
            task.taskArn == "arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/0123456789abcdef0123456789abcdef")
        #expect(task.lastStatus == "RUNNING")
        #expect(task.desiredStatus == .running)
        #expect(task.launchType == .fargate)
        #expect(task.connectivity == .connected)
        #expect(task.healthStatus == .unknown)
        #expect(task.createdAt == Timestamp(secondsSince1970: 1_700_000_000.456))
        #expect(task.startedAt?.secondsSince1970 == 1_700_000_017.345)
        #expect(task.stoppedAt == nil)
        #expect(task.version == 3)
        #expect(task.cpu == "256")
        #expect(task.memory == "512")
        #expect(task.enableExecuteCommand == false)
        #expect(task.fargateEphemeralStorage == TaskEphemeralStorage(sizeInGiB: 20))
        #expect(task.overrides?.containerOverrides == [ContainerOverride(name: "my-container")])
        #expect(task.overrides?.inferenceAcceleratorOverrides == [])
        #expect(task.tags == [])

        let eni = try #require(task.attachments?.first)
        #expect(eni.type == "ElasticNetworkInterface")
        #expect(eni.status == "ATTACHED")
        #expect(eni.details?.first { $0.name == "privateIPv4Address" }?.value == "10.0.1.23")

        let container = try #require(task.containers?.first)
        #expect(container.name == "my-container")
        #expect(container.lastStatus == "RUNNING")
        #expect(container.exitCode == nil)
        #expect(container.networkBindings == [])
        #expect(
            container.networkInterfaces == [
                NetworkInterface(attachmentId: "d9e7735a-16aa-4128-bc7a-b2d5115029e9", privateIpv4Address: "10.0.1.23")
            ])
        #expect(container.networkInterfaces?.first?.attachmentId == eni.id)
        #expect(container.healthStatus == .unknown)
        #expect(container.cpu == "0")

        #expect(
            response.failures == [
                Failure(
                    arn: "arn:aws:ecs:us-east-1:123456789012:task/fargate-cluster/ffffffffffffffffffffffffffffffff",
                    reason: "MISSING")
            ])

        let encoded = try StrictJSON.encode(response)
        #expect(try jsonObject(encoded) == jsonObject(data))
        // Epoch seconds stay numbers and keep their value.
        #expect(String(decoding: encoded, as: UTF8.self).contains(#""createdAt":1700000000.456"#))
        #expect(try StrictJSON.decode(DescribeTasksResponse.self, from: encoded) == response)
    }

    @Test("A RunTask with unknown members is refused in botocore's words")
    func runTaskUnknownMembers() throws {
        let input = OperationFixtures.runTaskUnknownMembers
        let error = try #require(throws: ParameterValidationError.self) {
            try StrictJSON.decode(RunTaskRequest.self, from: input.json.utf8Data)
        }
        #expect(error.description == input.expected)
        #expect(
            error.problems == [
                .unknownParameter(
                    path: "input", parameter: "subnets", validNames: ShapeTable.memberNames(of: "RunTaskRequest")!),
                .unknownParameter(
                    path: "networkConfiguration.awsvpcConfiguration", parameter: "vpcId",
                    validNames: ["subnets", "securityGroups", "assignPublicIp"]),
            ])
        // Plain JSONDecoder would have dropped both members silently.
        #expect(throws: Never.self) { try JSONDecoder().decode(RunTaskRequest.self, from: input.json.utf8Data) }
    }

    @Test("RunTask without taskDefinition, and a awsvpcConfiguration without subnets, are missing required members")
    func runTaskMissingRequired() {
        let json = #"{"cluster":"fargate-cluster","networkConfiguration":{"awsvpcConfiguration":{}}}"#
        #expect(
            throws: ParameterValidationError(problems: [
                .missingRequired(path: "input", member: "taskDefinition"),
                .missingRequired(path: "networkConfiguration.awsvpcConfiguration", member: "subnets"),
            ])
        ) { try StrictJSON.decode(RunTaskRequest.self, from: json.utf8Data) }
    }

    @Test("A CreateCluster response as ECS returns it round-trips")
    func createClusterResponse() throws {
        let json = #"""
            {"cluster":{"clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/fargate-cluster","clusterName":"fargate-cluster","status":"ACTIVE","registeredContainerInstancesCount":0,"runningTasksCount":0,"pendingTasksCount":0,"activeServicesCount":0,"statistics":[],"tags":[],"settings":[{"name":"containerInsights","value":"disabled"}],"capacityProviders":[],"defaultCapacityProviderStrategy":[]}}
            """#
        let response = try StrictJSON.decode(CreateClusterResponse.self, from: json.utf8Data)
        let cluster = try #require(response.cluster)
        #expect(cluster.clusterName == "fargate-cluster")
        #expect(cluster.status == "ACTIVE")
        #expect(cluster.runningTasksCount == 0)
        #expect(cluster.settings == [ClusterSetting(name: .containerInsights, value: "disabled")])
        #expect(cluster.statistics == [])
        #expect(try jsonObject(StrictJSON.encode(response)) == jsonObject(json.utf8Data))

        let request = try StrictJSON.decode(
            CreateClusterRequest.self,
            from: #"{"clusterName":"fargate-cluster","tags":[{"key":"team","value":"infra"}]}"#.utf8Data)
        #expect(
            request == CreateClusterRequest(clusterName: "fargate-cluster", tags: [Tag(key: "team", value: "infra")]))
        #expect(try StrictJSON.decode(DescribeClustersRequest.self, from: "{}".utf8Data) == DescribeClustersRequest())
        #expect(
            try StrictJSON.decode(DescribeClustersRequest.self, from: #"{"include":["SETTINGS","TAGS"]}"#.utf8Data)
                .include == [.settings, .tags])
    }

    @Test("List, stop and tag requests decode with their enums and required members")
    func listStopAndTagRequests() throws {
        let listTasksJSON = #"""
            {"cluster":"fargate-cluster","family":"fargate-task","desiredStatus":"STOPPED","launchType":"FARGATE","maxResults":10}
            """#
        let listTasks = try StrictJSON.decode(ListTasksRequest.self, from: listTasksJSON.utf8Data)
        #expect(listTasks.desiredStatus == .stopped)
        #expect(listTasks.maxResults == 10)
        let listDefinitions = try StrictJSON.decode(
            ListTaskDefinitionsRequest.self,
            from: #"{"familyPrefix":"fargate-task","status":"INACTIVE","sort":"DESC"}"#.utf8Data)
        #expect(listDefinitions.sort == .desc)
        #expect(listDefinitions.status == .inactive)
        #expect(
            try StrictJSON.decode(ListTaskDefinitionFamiliesRequest.self, from: #"{"status":"ALL"}"#.utf8Data).status
                == .all)

        let stop = try StrictJSON.decode(
            StopTaskRequest.self, from: #"{"cluster":"fargate-cluster","task":"0123","reason":"done"}"#.utf8Data)
        #expect(stop == StopTaskRequest(cluster: "fargate-cluster", task: "0123", reason: "done"))
        #expect(throws: ParameterValidationError(problems: [.missingRequired(path: "input", member: "task")])) {
            try StrictJSON.decode(StopTaskRequest.self, from: #"{"cluster":"c"}"#.utf8Data)
        }

        let untag = try StrictJSON.decode(
            UntagResourceRequest.self, from: #"{"resourceArn":"arn:x","tagKeys":["team"]}"#.utf8Data)
        #expect(untag.tagKeys == ["team"])
        // Empty outputs are empty objects.
        #expect(String(decoding: try StrictJSON.encode(TagResourceResponse()), as: UTF8.self) == "{}")
        #expect(String(decoding: try StrictJSON.encode(UntagResourceResponse()), as: UTF8.self) == "{}")
        #expect(try StrictJSON.decode(TagResourceResponse.self, from: "{}".utf8Data) == TagResourceResponse())
    }

    @Test("Enum values ECS may add later are kept")
    func unknownEnumValues() throws {
        let json = #"{"tasks":[{"desiredStatus":"DELETED","stopCode":"SomethingNew","healthStatus":"HEALTHY"}]}"#
        let response = try StrictJSON.decode(DescribeTasksResponse.self, from: json.utf8Data)
        let task = try #require(response.tasks?.first)
        #expect(task.desiredStatus?.rawValue == "DELETED")
        #expect(task.desiredStatus?.isKnown == false)
        #expect(task.stopCode == TaskStopCode(rawValue: "SomethingNew"))
        #expect(task.healthStatus == .healthy)
        #expect(try jsonObject(StrictJSON.encode(response)) == jsonObject(json.utf8Data))
        #expect(ExecuteCommandLogging.default.rawValue == "DEFAULT")
        #expect(PropagateTags.none.rawValue == "NONE")
    }
}
