import ECSModel
import Foundation
import Testing

@Suite("FargateTaskDefinitionValidator")
struct FargateTaskDefinitionValidatorTests {
    @Test("The seed passes and its size is returned")
    func seed() throws {
        #expect(
            try FargateTaskDefinitionValidator.validate(Registration.seed) == FargateTaskSize(cpu: 256, memory: 512))
    }

    @Test("Without FARGATE the size is returned only when both values are given")
    func sizeWithoutFargate() throws {
        #expect(try FargateTaskDefinitionValidator.validate(Registration.ec2()) == nil)
        #expect(try FargateTaskDefinitionValidator.validate(Registration.ec2 { $0.cpu = "512" }) == nil)
        #expect(
            try FargateTaskDefinitionValidator.validate(
                Registration.ec2 {
                    $0.cpu = "1 vCPU"
                    $0.memory = "3 GB"
                }) == FargateTaskSize(cpu: 1024, memory: 3072))
    }

    @Test("A rich Fargate task definition passes")
    func fullFeatured() throws {
        let json = #"""
            {
              "family": "full",
              "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
              "networkMode": "awsvpc",
              "requiresCompatibilities": ["FARGATE"],
              "cpu": ".5 vCPU",
              "memory": "1 GB",
              "ephemeralStorage": {"sizeInGiB": 30},
              "volumes": [{"name": "scratch", "host": {}}],
              "containerDefinitions": [
                {"name": "init", "image": "busybox", "essential": false, "command": ["sh", "-c", "true"]},
                {
                  "name": "app", "image": "nginx", "cpu": 256, "memory": 512, "memoryReservation": 256,
                  "portMappings": [{"containerPort": 80, "hostPort": 80, "protocol": "tcp"}, {"containerPort": 53, "protocol": "udp"}],
                  "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"], "drop": ["NET_RAW"]}, "initProcessEnabled": true},
                  "ulimits": [{"name": "nofile", "softLimit": 65535, "hardLimit": 65535}],
                  "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], "interval": 10, "retries": 3},
                  "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
                  "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/full", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}},
                  "startTimeout": 60, "stopTimeout": 20
                },
                {"name": "sidecar", "image": "busybox", "essential": false, "dependsOn": [{"containerName": "app", "condition": "HEALTHY"}]}
              ]
            }
            """#
        let request = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: Data(json.utf8))
        #expect(try FargateTaskDefinitionValidator.validate(request) == FargateTaskSize(cpu: 512, memory: 1024))
    }

    /// A request with a problem in nearly every rule.
    private static let manyProblems = Registration.seed {
        $0.networkMode = .bridge
        $0.pidMode = .host
        $0.containerDefinitions[0].privileged = true
        $0.containerDefinitions[0].hostname = "web"
        $0.containerDefinitions[0].portMappings = [PortMapping(containerPort: 0)]
        $0.containerDefinitions[0].healthCheck = HealthCheck(command: [])
        $0.containerDefinitions[0].essential = false
    }

    @Test("The first problem is reported, and fixing it reveals the next")
    func firstProblemFirst() {
        var request = Self.manyProblems
        Registration.expectRejected(request, "Fargate only supports network mode ‘awsvpc’.")
        request.networkMode = .awsvpc
        Registration.expectRejected(
            request,
            "Tasks using the Fargate launch type do not support pidMode 'host'. The supported value for pidMode is 'task'."
        )
        request.pidMode = nil
        Registration.expectRejected(request, "hostname is not supported on container when networkMode=awsvpc.")
        request.containerDefinitions[0].hostname = nil
        Registration.expectRejected(request, "Fargate requires that the 'privileged' setting be 'false'")
        request.containerDefinitions[0].privileged = nil
        Registration.expectRejected(request, "Invalid 'containerPort' setting for container 'my-container'.")
        request.containerDefinitions[0].portMappings = nil
        Registration.expectRejected(
            request,
            "Invalid 'healthCheck' setting for container 'my-container'. The command must be CMD or CMD-SHELL "
                + "followed by the command to run, or NONE.")
        request.containerDefinitions[0].healthCheck = nil
        Registration.expectRejected(request, "Task definition doesn't have any essential container.")
        request.containerDefinitions[0].essential = nil
        Registration.expectAccepted(request)
    }

    @Test("The family is checked before the containers")
    func familyFirst() {
        Registration.expectRejected(
            Registration.seed {
                $0.family = "bad family"
                $0.containerDefinitions = []
            }, "Family contains invalid characters.")
    }

    @Test("The same request always gives the same answer")
    func deterministic() {
        let first = Registration.rejection(of: Self.manyProblems)
        for _ in 0..<20 {
            #expect(Registration.rejection(of: Self.manyProblems) == first)
        }
        #expect(first != nil)
    }

    @Test("The request is not changed")
    func noMutation() throws {
        let request = Registration.seed {
            $0.cpu = "1 vCPU"
            $0.memory = "2 GB"
            $0.containerDefinitions[0].essential = nil
        }
        let copy = request
        _ = try FargateTaskDefinitionValidator.validate(request)
        #expect(request == copy)
        #expect(request.cpu == "1 vCPU")
        #expect(request.containerDefinitions[0].essential == nil)
    }
}
