import Foundation

/// JSON inputs shared by the tests. The expected botocore texts were captured from
/// aws-cli 1.45.11 / botocore 1.43.11 (`aws ecs register-task-definition --cli-input-json`);
/// `CLIComparisonTests` re-checks them against the installed CLI when asked to.
enum Fixtures {
    static let seed = #"""
        {"family":"fargate-task","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"my-container","image":"nginx","essential":true,"portMappings":[{"containerPort":80,"hostPort":80}]}]}
        """#

    static let fullFeatured = #"""
        {
          "family": "full",
          "taskRoleArn": "arn:aws:iam::123456789012:role/task",
          "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
          "networkMode": "awsvpc",
          "requiresCompatibilities": ["FARGATE"],
          "cpu": "512",
          "memory": "1024",
          "runtimePlatform": {"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
          "ephemeralStorage": {"sizeInGiB": 30},
          "volumes": [{"name": "scratch", "host": {}}],
          "tags": [{"key": "team", "value": "infra"}],
          "containerDefinitions": [
            {
              "name": "init",
              "image": "busybox",
              "essential": false,
              "command": ["sh", "-c", "echo ready > /data/ready"],
              "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/data", "readOnly": false}]
            },
            {
              "name": "app",
              "image": "public.ecr.aws/nginx/nginx:latest",
              "cpu": 256,
              "memory": 512,
              "memoryReservation": 256,
              "essential": true,
              "entryPoint": ["/docker-entrypoint.sh"],
              "command": ["nginx", "-g", "daemon off;"],
              "workingDirectory": "/usr/share/nginx",
              "user": "101:101",
              "readonlyRootFilesystem": true,
              "environment": [{"name": "MODE", "value": "prod"}],
              "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}],
              "portMappings": [
                {"containerPort": 80, "hostPort": 80, "protocol": "tcp", "name": "web", "appProtocol": "http"},
                {"containerPort": 53, "protocol": "udp"}
              ],
              "linuxParameters": {
                "capabilities": {"add": ["SYS_PTRACE"], "drop": ["NET_RAW", "MKNOD"]},
                "initProcessEnabled": true
              },
              "ulimits": [{"name": "nofile", "softLimit": 65535, "hardLimit": 65535}],
              "healthCheck": {
                "command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                "interval": 10, "timeout": 5, "retries": 3, "startPeriod": 15
              },
              "dependsOn": [{"containerName": "init", "condition": "SUCCESS"}],
              "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/full", "awslogs-region": "us-east-1", "awslogs-stream-prefix": "app"}
              },
              "dockerLabels": {"com.example.tier": "web"},
              "startTimeout": 60,
              "stopTimeout": 20,
              "restartPolicy": {"enabled": true, "ignoredExitCodes": [0], "restartAttemptPeriod": 60},
              "systemControls": [{"namespace": "net.core.somaxconn", "value": "1024"}],
              "mountPoints": [{"sourceVolume": "scratch", "containerPath": "/data", "readOnly": true}],
              "versionConsistency": "disabled"
            }
          ]
        }
        """#

    /// A RegisterTaskDefinition input and botocore's report for it.
    struct BadInput: Sendable {
        var name: String
        var operation: String  // the aws CLI sub-command
        var shape: String
        var json: String
        var expected: String
    }

    static let unknownMembers = BadInput(
        name: "unknown members at the top level and in containerDefinitions[1].linuxParameters",
        operation: "register-task-definition", shape: "RegisterTaskDefinitionRequest",
        json: #"""
            {"family":"f","containerDefinitions":[{"name":"a","image":"nginx"},{"name":"b","image":"busybox","linuxParameters":{"initProcessEnabled":true,"capabilities":{"add":["SYS_PTRACE"]},"seccomp":"x"}}],"foo":1}
            """#,
        expected: """
            Parameter validation failed:
            Unknown parameter in input: "foo", must be one of: family, taskRoleArn, executionRoleArn, networkMode, containerDefinitions, volumes, placementConstraints, requiresCompatibilities, cpu, memory, tags, pidMode, ipcMode, proxyConfiguration, inferenceAccelerators, ephemeralStorage, runtimePlatform, enableFaultInjection
            Unknown parameter in containerDefinitions[1].linuxParameters: "seccomp", must be one of: capabilities, devices, initProcessEnabled, sharedMemorySize, tmpfs, maxSwap, swappiness
            """)

    static let unknownContainerMember = BadInput(
        name: "unknown member in containerDefinitions[0]",
        operation: "register-task-definition", shape: "RegisterTaskDefinitionRequest",
        json: #"{"family":"f","containerDefinitions":[{"name":"a","foo":true}]}"#,
        expected: """
            Parameter validation failed:
            Unknown parameter in containerDefinitions[0]: "foo", must be one of: name, image, repositoryCredentials, cpu, memory, memoryReservation, links, portMappings, essential, restartPolicy, entryPoint, command, environment, environmentFiles, mountPoints, volumesFrom, linuxParameters, secrets, dependsOn, startTimeout, stopTimeout, versionConsistency, hostname, user, workingDirectory, disableNetworking, privileged, readonlyRootFilesystem, dnsServers, dnsSearchDomains, extraHosts, dockerSecurityOptions, interactive, pseudoTerminal, dockerLabels, ulimits, logConfiguration, healthCheck, systemControls, resourceRequirements, firelensConfiguration, credentialSpecs
            """)

    static let wrongTypes = BadInput(
        name: "wrong types",
        operation: "register-task-definition", shape: "RegisterTaskDefinitionRequest",
        json: #"""
            {"family":"f","memory":512,"containerDefinitions":[{"name":"a","image":"nginx","cpu":"x","essential":"yes","portMappings":[{"containerPort":80.5,"hostPort":8080,"protocol":6}],"entryPoint":"sh","command":[1,null,"ok"],"dockerLabels":{"k":1},"environment":{"A":"1"},"healthCheck":{"command":"CMD true","interval":"30"}}]}
            """#,
        expected: """
            Parameter validation failed:
            Invalid type for parameter memory, value: 512, type: <class 'int'>, valid types: <class 'str'>
            Invalid type for parameter containerDefinitions[0].cpu, value: x, type: <class 'str'>, valid types: <class 'int'>
            Invalid type for parameter containerDefinitions[0].essential, value: yes, type: <class 'str'>, valid types: <class 'bool'>
            Invalid type for parameter containerDefinitions[0].portMappings[0].containerPort, value: 80.5, type: <class 'float'>, valid types: <class 'int'>
            Invalid type for parameter containerDefinitions[0].portMappings[0].protocol, value: 6, type: <class 'int'>, valid types: <class 'str'>
            Invalid type for parameter containerDefinitions[0].entryPoint, value: sh, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>
            Invalid type for parameter containerDefinitions[0].command[0], value: 1, type: <class 'int'>, valid types: <class 'str'>
            Invalid type for parameter containerDefinitions[0].command[1], value: None, type: <class 'NoneType'>, valid types: <class 'str'>
            Invalid type for parameter containerDefinitions[0].dockerLabels.k, value: 1, type: <class 'int'>, valid types: <class 'str'>
            Invalid type for parameter containerDefinitions[0].environment, value: {'A': '1'}, type: <class 'dict'>, valid types: <class 'list'>, <class 'tuple'>
            Invalid type for parameter containerDefinitions[0].healthCheck.command, value: CMD true, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>
            Invalid type for parameter containerDefinitions[0].healthCheck.interval, value: 30, type: <class 'str'>, valid types: <class 'int'>
            """)

    static let missingRequired = BadInput(
        name: "missing required members",
        operation: "register-task-definition", shape: "RegisterTaskDefinitionRequest",
        json: #"""
            {"containerDefinitions":[{"name":"a","image":"nginx","ulimits":[{"name":"nofile","softLimit":1024}],"dependsOn":[{"containerName":"b"}],"logConfiguration":{"options":{"awslogs-group":"g"}},"secrets":[{}]}],"volumes":[{"name":"v","efsVolumeConfiguration":{"rootDirectory":"/"}}]}
            """#,
        expected: """
            Parameter validation failed:
            Missing required parameter in input: "family"
            Missing required parameter in containerDefinitions[0].ulimits[0]: "hardLimit"
            Missing required parameter in containerDefinitions[0].dependsOn[0]: "condition"
            Missing required parameter in containerDefinitions[0].logConfiguration: "logDriver"
            Missing required parameter in containerDefinitions[0].secrets[0]: "name"
            Missing required parameter in containerDefinitions[0].secrets[0]: "valueFrom"
            Missing required parameter in volumes[0].efsVolumeConfiguration: "fileSystemId"
            """)

    /// Python's printing of values: repr quoting and escapes, floats, True/False/None.
    static let pythonValues = BadInput(
        name: "Python value printing, lengths, mixed problems",
        operation: "register-task-definition", shape: "RegisterTaskDefinitionRequest",
        json: #"""
            {"family":"f","containerDefinitions":[{"name":"a","entryPoint":{"a":"it's","b":"\u00e9\u0001\"x'","c":[true,false,null,1.5,-0.0,1e20,0.0001,1e-5,100.0,1e16,123456789012345678.0,9999999999999998.0]}}],"tags":[{"key":"","value":""},{"key":"k","value":"v","x":1}],"cpu":["256"],"networkMode":{"\u2028\u00a0\t":"\ud83d\ude00"}}
            """#,
        expected: """
            Parameter validation failed:
            Invalid type for parameter containerDefinitions[0].entryPoint, value: {'a': "it's", 'b': 'é\\x01"x\\'', 'c': [True, False, None, 1.5, -0.0, 1e+20, 0.0001, 1e-05, 100.0, 1e+16, 1.2345678901234568e+17, 9999999999999998.0]}, type: <class 'dict'>, valid types: <class 'list'>, <class 'tuple'>
            Invalid length for parameter tags[0].key, value: 0, valid min length: 1
            Unknown parameter in tags[1]: "x", must be one of: key, value
            Invalid type for parameter cpu, value: ['256'], type: <class 'list'>, valid types: <class 'str'>
            Invalid type for parameter networkMode, value: {'\\u2028\\xa0\\t': '😀'}, type: <class 'dict'>, valid types: <class 'str'>
            """)

    static let runTask = BadInput(
        name: "RunTask input",
        operation: "run-task", shape: "RunTaskRequest",
        json: #"""
            {"taskDefinition":"f","count":"1","capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":-1,"base":100001}],"networkConfiguration":{"awsvpcConfiguration":{"assignPublicIp":"ENABLED"}},"overrides":{"containerOverrides":[{"name":"a","command":"x","bogus":1}]},"tags":[{"key":"a","value":"b"}],"enableECSManagedTags":1}
            """#,
        expected: """
            Parameter validation failed:
            Invalid type for parameter count, value: 1, type: <class 'str'>, valid types: <class 'int'>
            Invalid value for parameter capacityProviderStrategy[0].weight, value: -1, valid min value: 0
            Missing required parameter in networkConfiguration.awsvpcConfiguration: "subnets"
            Unknown parameter in overrides.containerOverrides[0]: "bogus", must be one of: name, command, environment, environmentFiles, cpu, memory, memoryReservation, resourceRequirements
            Invalid type for parameter overrides.containerOverrides[0].command, value: x, type: <class 'str'>, valid types: <class 'list'>, <class 'tuple'>
            Invalid type for parameter enableECSManagedTags, value: 1, type: <class 'int'>, valid types: <class 'bool'>
            """)

    static let allBadInputs = [
        unknownMembers, unknownContainerMember, wrongTypes, missingRequired, pythonValues, runTask,
    ]
}

extension String {
    var utf8Data: Data { Data(utf8) }
}
