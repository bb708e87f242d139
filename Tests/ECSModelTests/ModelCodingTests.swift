import Foundation
import Testing

@testable import ECSModel

/// The JSON value of `data`, for comparing documents regardless of key order.
private func jsonObject(_ data: Data) throws -> NSDictionary {
    try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
}

@Suite("Codable model")
struct ModelCodingTests {
    @Test("The seed task definition round-trips through StrictJSON and JSONEncoder")
    func seedRoundTrip() throws {
        let request = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: Fixtures.seed.utf8Data)
        #expect(request.family == "fargate-task")
        #expect(request.networkMode == .awsvpc)
        #expect(request.requiresCompatibilities == [.fargate])
        #expect(request.cpu == "256")
        #expect(request.memory == "512")
        #expect(request.containerDefinitions.count == 1)
        let container = request.containerDefinitions[0]
        #expect(container.name == "my-container")
        #expect(container.image == "nginx")
        #expect(container.essential == true)
        #expect(container.portMappings == [PortMapping(containerPort: 80, hostPort: 80)])
        #expect(container.cpu == nil)

        let encoded = try StrictJSON.encode(request)
        #expect(try jsonObject(encoded) == jsonObject(Fixtures.seed.utf8Data))
        #expect(try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: encoded) == request)
        // Absent members are left out, not sent as null.
        #expect(!String(decoding: encoded, as: UTF8.self).contains("null"))

        let byHand = RegisterTaskDefinitionRequest(
            family: "fargate-task", networkMode: .awsvpc,
            containerDefinitions: [
                ContainerDefinition(
                    name: "my-container", image: "nginx",
                    portMappings: [PortMapping(containerPort: 80, hostPort: 80)], essential: true)
            ],
            requiresCompatibilities: [.fargate], cpu: "256", memory: "512")
        #expect(byHand == request)
    }

    @Test("A full-featured container definition decodes")
    func fullFeatured() throws {
        let request = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: Fixtures.fullFeatured.utf8Data)
        #expect(request.runtimePlatform == RuntimePlatform(cpuArchitecture: .x86_64, operatingSystemFamily: .linux))
        #expect(request.ephemeralStorage == EphemeralStorage(sizeInGiB: 30))
        #expect(request.volumes == [Volume(name: "scratch", host: HostVolumeProperties())])
        #expect(request.tags == [Tag(key: "team", value: "infra")])
        #expect(request.containerDefinitions.map(\.name) == ["init", "app"])
        #expect(request.containerDefinitions[0].essential == false)

        let app = request.containerDefinitions[1]
        #expect(app.cpu == 256)
        #expect(app.memory == 512)
        #expect(app.memoryReservation == 256)
        #expect(app.entryPoint == ["/docker-entrypoint.sh"])
        #expect(app.command == ["nginx", "-g", "daemon off;"])
        #expect(app.workingDirectory == "/usr/share/nginx")
        #expect(app.user == "101:101")
        #expect(app.readonlyRootFilesystem == true)
        #expect(app.environment == [KeyValuePair(name: "MODE", value: "prod")])
        #expect(app.secrets?.first?.valueFrom == "arn:aws:ssm:us-east-1:123456789012:parameter/db")
        #expect(app.portMappings?.count == 2)
        #expect(
            app.portMappings?[0]
                == PortMapping(containerPort: 80, hostPort: 80, protocol: .tcp, name: "web", appProtocol: .http))
        #expect(app.portMappings?[1].protocol == .udp)
        #expect(app.portMappings?[1].hostPort == nil)
        #expect(
            app.linuxParameters?.capabilities == KernelCapabilities(add: ["SYS_PTRACE"], drop: ["NET_RAW", "MKNOD"]))
        #expect(app.linuxParameters?.initProcessEnabled == true)
        #expect(app.linuxParameters?.tmpfs == nil)
        #expect(app.ulimits == [Ulimit(name: .nofile, softLimit: 65535, hardLimit: 65535)])
        #expect(
            app.healthCheck
                == HealthCheck(
                    command: ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], interval: 10, timeout: 5, retries: 3,
                    startPeriod: 15))
        #expect(app.dependsOn == [ContainerDependency(containerName: "init", condition: .success)])
        #expect(app.logConfiguration?.logDriver == .awslogs)
        #expect(app.logConfiguration?.options?["awslogs-group"] == "/ecs/full")
        #expect(app.dockerLabels == ["com.example.tier": "web"])
        #expect(app.startTimeout == 60)
        #expect(app.stopTimeout == 20)
        #expect(
            app.restartPolicy == ContainerRestartPolicy(enabled: true, ignoredExitCodes: [0], restartAttemptPeriod: 60))
        #expect(app.systemControls == [SystemControl(namespace: "net.core.somaxconn", value: "1024")])
        #expect(app.mountPoints == [MountPoint(sourceVolume: "scratch", containerPath: "/data", readOnly: true)])
        #expect(app.versionConsistency == .disabled)

        let encoded = try StrictJSON.encode(request)
        #expect(try jsonObject(encoded) == jsonObject(Fixtures.fullFeatured.utf8Data))
        #expect(try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: encoded) == request)
    }

    @Test("An enum value the model does not list round-trips")
    func unknownEnumValues() throws {
        let json = #"""
            {"family":"f","networkMode":"wormhole","requiresCompatibilities":["FARGATE","MOON"],"containerDefinitions":[{"name":"a","portMappings":[{"containerPort":1,"protocol":"sctp"}],"ulimits":[{"name":"newlimit","softLimit":1,"hardLimit":2}],"dependsOn":[{"containerName":"b","condition":"READY"}]}]}
            """#
        let request = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: json.utf8Data)
        #expect(request.networkMode?.rawValue == "wormhole")
        #expect(request.networkMode?.isKnown == false)
        #expect(request.networkMode != .awsvpc)
        #expect(request.requiresCompatibilities == [.fargate, Compatibility(rawValue: "MOON")])
        #expect(request.containerDefinitions[0].portMappings?[0].protocol == "sctp")
        #expect(request.containerDefinitions[0].ulimits?[0].name == UlimitName(rawValue: "newlimit"))
        #expect(request.containerDefinitions[0].dependsOn?[0].condition.rawValue == "READY")
        #expect(NetworkMode.awsvpc.isKnown)
        #expect(ContainerCondition.healthy.rawValue == "HEALTHY")
        #expect(TransportProtocol.tcp.description == "tcp")

        let encoded = try StrictJSON.encode(request)
        #expect(try jsonObject(encoded) == jsonObject(json.utf8Data))
        #expect(try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: encoded) == request)
    }

    @Test("TaskDefinition timestamps are epoch seconds and re-encode to the same number")
    func taskDefinitionTimestamps() throws {
        let json = #"""
            {"taskDefinition":{"taskDefinitionArn":"arn:aws:ecs:us-east-1:000000000000:task-definition/fargate-task:1","containerDefinitions":[{"name":"my-container","image":"nginx","cpu":0,"portMappings":[{"containerPort":80,"hostPort":80,"protocol":"tcp"}],"essential":true,"environment":[],"mountPoints":[],"volumesFrom":[],"systemControls":[]}],"family":"fargate-task","networkMode":"awsvpc","revision":1,"volumes":[],"status":"ACTIVE","requiresAttributes":[{"name":"com.amazonaws.ecs.capability.docker-remote-api.1.18"},{"name":"ecs.capability.task-eni"}],"placementConstraints":[],"compatibilities":["EC2","FARGATE"],"requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","registeredAt":1713364207.068659,"registeredBy":"arn:aws:iam::000000000000:root"},"tags":[]}
            """#
        let response = try StrictJSON.decode(DescribeTaskDefinitionResponse.self, from: json.utf8Data)
        let td = try #require(response.taskDefinition)
        #expect(td.revision == 1)
        #expect(td.status == .active)
        #expect(td.compatibilities == [.ec2, .fargate])
        #expect(td.requiresAttributes?.count == 2)
        #expect(td.registeredAt == Timestamp(secondsSince1970: 1713364207.068659))
        #expect(td.registeredAt?.date == Date(timeIntervalSince1970: 1713364207.068659))
        #expect(td.deregisteredAt == nil)

        let encoded = try StrictJSON.encode(response)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(text.contains(#""registeredAt":1713364207.068659"#))
        #expect(text.contains("task-definition/fargate-task:1"))  // slashes not escaped
        #expect(try jsonObject(encoded) == jsonObject(json.utf8Data))
        #expect(try StrictJSON.decode(DescribeTaskDefinitionResponse.self, from: encoded) == response)
    }

    @Test("Timestamps also decode from numeric and ISO 8601 strings")
    func timestampStrings() throws {
        let numeric = try JSONDecoder().decode(
            [Timestamp].self, from: Data(#"[1.5, "2.5", "1970-01-01T00:00:10Z"]"#.utf8))
        #expect(numeric.map(\.secondsSince1970) == [1.5, 2.5, 10])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Timestamp].self, from: Data(#"["yesterday"]"#.utf8))
        }
    }

    @Test("ECSError describes itself as <type>: <message>")
    func ecsErrorDescription() {
        let error = ECSError(.clientException, "Unable to describe task definition.")
        #expect(error.description == "ClientException: Unable to describe task definition.")
        #expect(ECSError(type: "SomethingNewException", message: "x").type.rawValue == "SomethingNewException")
        #expect(
            ECSError(.clusterNotFoundException, "Cluster not found.")
                != ECSError(.clientException, "Cluster not found."))
    }
}
