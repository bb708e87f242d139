import ECSModel
import Foundation
import Testing

@testable import ECSCLI

/// Command lines to operation and request body: the seed's commands and the aws CLI's
/// argument conventions.
@Suite("Flags to request bodies")
struct RequestTests {
    @Test("register-task-definition --cli-input-json file://seed")
    func registerFromFile() throws {
        let path = try Harness.temporaryFile(Harness.seedTaskDefinition)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (operation, body) = try Harness.request(["register-task-definition", "--cli-input-json", "file://" + path])
        #expect(operation == "RegisterTaskDefinition")
        #expect(
            body
                == #"{"family":"fargate-task","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512","containerDefinitions":[{"name":"my-container","image":"nginx","essential":true,"portMappings":[{"containerPort":80,"hostPort":80}]}]}"#
        )
    }

    @Test("create-cluster --cluster-name fargate-cluster")
    func createCluster() throws {
        let (operation, body) = try Harness.request(["create-cluster", "--cluster-name", "fargate-cluster"])
        #expect(operation == "CreateCluster")
        #expect(body == #"{"clusterName":"fargate-cluster"}"#)
    }

    @Test("run-task with awsvpcConfiguration shorthand")
    func runTask() throws {
        let (operation, body) = try Harness.request([
            "run-task", "--cluster", "fargate-cluster", "--launch-type", "FARGATE", "--network-configuration",
            "awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],assignPublicIp=ENABLED}",
            "--task-definition", "fargate-task",
        ])
        #expect(operation == "RunTask")
        #expect(
            body
                == #"{"cluster":"fargate-cluster","launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-12345678"],"securityGroups":["sg-12345678"],"assignPublicIp":"ENABLED"}},"taskDefinition":"fargate-task"}"#
        )
    }

    @Test("describe-tasks --tasks takes several values")
    func describeTasks() throws {
        let (operation, body) = try Harness.request(["describe-tasks", "--cluster", "c", "--tasks", "a", "b"])
        #expect(operation == "DescribeTasks")
        #expect(body == #"{"cluster":"c","tasks":["a","b"]}"#)
        // The value list ends at the next option; the order of options does not matter.
        let (_, reordered) = try Harness.request(["describe-tasks", "--tasks", "a", "b", "--cluster", "c"])
        #expect(reordered == #"{"cluster":"c","tasks":["a","b"]}"#)
        // `--include TAGS`: a list of enum strings.
        let (_, include) = try Harness.request(["describe-tasks", "--tasks", "a", "--include", "TAGS"])
        #expect(include == #"{"tasks":["a"],"include":["TAGS"]}"#)
    }

    @Test("list-tasks: --max-items/--page-size/--starting-token are pagination, not body members")
    func listTasksPagination() throws {
        let invocation = try ECSCommandLine(environment: [:]).parse(
            verb: "list-tasks", arguments: ["--desired-status", "STOPPED", "--max-items", "1", "--page-size", "5"])
        guard case .call(let call) = invocation else {
            Issue.record("not a call: \(invocation)")
            return
        }
        #expect(call.operation == "ListTasks")
        #expect(call.parameters.compactText == #"{"desiredStatus":"STOPPED"}"#)
        #expect(call.pagination == PaginationOptions(startingToken: nil, pageSize: 5, maxItems: 1))
        // --max-results is the API's own limit: it turns the CLI's pagination off.
        let manual = try ECSCommandLine(environment: [:]).parse(verb: "list-tasks", arguments: ["--max-results", "2"])
        guard case .call(let manualCall) = manual else { return }
        #expect(manualCall.pagination == nil)
        #expect(manualCall.parameters.compactText == #"{"maxResults":2}"#)
        // --no-paginate: one call, no pagination.
        let single = try ECSCommandLine(environment: [:]).parse(["list-tasks", "--no-paginate"])
        guard case .call(let singleCall) = single else { return }
        #expect(singleCall.pagination == nil)
    }

    @Test("stop-task --task t --reason x")
    func stopTask() throws {
        let (operation, body) = try Harness.request(["stop-task", "--cluster", "c", "--task", "t", "--reason", "x"])
        #expect(operation == "StopTask")
        #expect(body == #"{"cluster":"c","task":"t","reason":"x"}"#)
    }

    @Test("tag-resource: a list of structures is one shorthand value per structure")
    func tagResource() throws {
        let (operation, body) = try Harness.request([
            "tag-resource", "--resource-arn", "arn:aws:ecs:us-east-1:123456789012:cluster/c", "--tags", "key=a,value=b",
            "key=c,value=d",
        ])
        #expect(operation == "TagResource")
        #expect(
            body
                == #"{"resourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/c","tags":[{"key":"a","value":"b"},{"key":"c","value":"d"}]}"#
        )
        let (_, untag) = try Harness.request(["untag-resource", "--resource-arn", "r", "--tag-keys", "a", "b"])
        #expect(untag == #"{"resourceArn":"r","tagKeys":["a","b"]}"#)
    }

    @Test("Explicit flags win over --cli-input-json; its other members follow the flags")
    func cliInputJSONMerges() throws {
        let (_, body) = try Harness.request([
            "run-task", "--cli-input-json", #"{"taskDefinition":"from-json","count":3,"cluster":"json-cluster"}"#,
            "--cluster", "flag-cluster",
        ])
        #expect(body == #"{"cluster":"flag-cluster","taskDefinition":"from-json","count":3}"#)
    }

    @Test("Booleans: --flag, --no-flag, and ECS's --disable-execute-command")
    func booleans() throws {
        let (_, on) = try Harness.request(["run-task", "--task-definition", "t", "--enable-ecs-managed-tags"])
        #expect(on == #"{"enableECSManagedTags":true,"taskDefinition":"t"}"#)
        let (_, off) = try Harness.request([
            "run-task", "--task-definition", "t", "--no-enable-ecs-managed-tags", "--enable-execute-command",
        ])
        #expect(off == #"{"enableECSManagedTags":false,"enableExecuteCommand":true,"taskDefinition":"t"}"#)
        let (_, disabled) = try Harness.request(["run-task", "--task-definition", "t", "--disable-execute-command"])
        #expect(disabled == #"{"enableExecuteCommand":false,"taskDefinition":"t"}"#)
    }

    @Test("Integers are converted; --opt=value and unique abbreviations work as in argparse")
    func scalars() throws {
        let (_, body) = try Harness.request([
            "run-task", "--task-def=fargate-task", "--count", " 2 ", "--started-by=me",
        ])
        #expect(body == #"{"count":2,"startedBy":"me","taskDefinition":"fargate-task"}"#)
        let (_, negative) = try Harness.request(["run-task", "--task-definition", "t", "--count", "-1"])
        #expect(negative == #"{"count":-1,"taskDefinition":"t"}"#)
    }

    @Test("file:// works for any value; the text is kept as is")
    func fileValues() throws {
        let reason = try Harness.temporaryFile("line one\nline two\n", suffix: ".txt")
        let overrides = try Harness.temporaryFile(#"{"containerOverrides":[{"name":"web","command":["echo","hi"]}]}"#)
        defer {
            try? FileManager.default.removeItem(atPath: reason)
            try? FileManager.default.removeItem(atPath: overrides)
        }
        let (_, stop) = try Harness.request(["stop-task", "--task", "t", "--reason", "file://" + reason])
        #expect(stop == #"{"task":"t","reason":"line one\nline two\n"}"#)
        let (_, run) = try Harness.request(["run-task", "--task-definition", "t", "--overrides", "file://" + overrides])
        #expect(
            run
                == #"{"overrides":{"containerOverrides":[{"name":"web","command":["echo","hi"]}]},"taskDefinition":"t"}"#
        )
        // `~` and `$VARS` are expanded in the path.
        let directory = (reason as NSString).deletingLastPathComponent
        let name = (reason as NSString).lastPathComponent
        let (_, expanded) = try Harness.request(
            ["stop-task", "--task", "t", "--reason", "file://$DIR/" + name], environment: ["DIR": directory])
        #expect(expanded == #"{"task":"t","reason":"line one\nline two\n"}"#)
    }

    @Test("JSON values: structures, lists of structures, a JSON list given as one value")
    func jsonValues() throws {
        let (_, body) = try Harness.request([
            "run-task", "--task-definition", "t", "--overrides",
            #"{"containerOverrides":[{"name":"web","environment":[{"name":"A","value":"ü"}]}]}"#,
            "--tags", #"[{"key":"k","value":"v"}]"#,
        ])
        #expect(
            body
                == #"{"overrides":{"containerOverrides":[{"name":"web","environment":[{"name":"A","value":"ü"}]}]},"tags":[{"key":"k","value":"v"}],"taskDefinition":"t"}"#
        )
        let (_, perItem) = try Harness.request([
            "tag-resource", "--resource-arn", "r", "--tags", #"{"key":"a"}"#, #"{"key":"b"}"#,
        ])
        #expect(perItem == #"{"resourceArn":"r","tags":[{"key":"a"},{"key":"b"}]}"#)
    }

    @Test("Global options are accepted anywhere and are not request members")
    func globalOptions() throws {
        let invocation = try ECSCommandLine(environment: [:]).parse([
            "--region", "eu-west-1", "describe-clusters", "--clusters", "a", "--output", "text", "--no-cli-pager",
            "--debug", "--endpoint-url", "unix:///tmp/berth.sock", "--query", "clusters[0].clusterName", "--profile",
            "p",
        ])
        guard case .call(let call) = invocation else {
            Issue.record("not a call")
            return
        }
        #expect(call.parameters.compactText == #"{"clusters":["a"]}"#)
        #expect(call.globals.output == "text")
        #expect(call.globals.socketPath == "/tmp/berth.sock")
        #expect(call.globals.debug)
        #expect(call.globals.region == "eu-west-1")
        #expect(call.globals.query == "clusters[0].clusterName")
    }

    @Test("The socket: --socket, then a unix:// endpoint, then BERTH_SOCKET, then the default")
    func socketPath() throws {
        func socket(_ args: [String], _ env: [String: String] = [:]) throws -> String {
            guard case .call(let call) = try ECSCommandLine(environment: env).parse(["list-clusters"] + args) else {
                return ""
            }
            return call.globals.socketPath
        }
        #expect(try socket([]) == "/run/berth/berth.sock")
        #expect(try socket([], ["BERTH_SOCKET": "/e.sock"]) == "/e.sock")
        #expect(
            try socket(["--endpoint-url", "https://ecs.us-east-1.amazonaws.com"], ["BERTH_SOCKET": "/e.sock"])
                == "/e.sock")
        #expect(try socket(["--endpoint-url", "unix:///u.sock"], ["BERTH_SOCKET": "/e.sock"]) == "/u.sock")
        #expect(try socket(["--socket", "/s.sock", "--endpoint-url", "unix:///u.sock"]) == "/s.sock")
    }

    @Test("wait tasks-running takes describe-tasks' arguments")
    func waitArguments() throws {
        let invocation = try ECSCommandLine(environment: [:]).parse([
            "wait", "tasks-running", "--cluster", "c", "--tasks", "arn:1", "arn:2",
        ])
        guard case .wait(let waiter, let call) = invocation else {
            Issue.record("not a wait")
            return
        }
        #expect(waiter == "TasksRunning")
        #expect(call.operation == "DescribeTasks")
        #expect(call.parameters.compactText == #"{"cluster":"c","tasks":["arn:1","arn:2"]}"#)
    }

    @Test("--generate-cli-skeleton prints the input skeleton, required flags or not")
    func skeleton() throws {
        let outcome = Harness.run(["list-clusters", "--generate-cli-skeleton"])
        #expect(
            outcome == Outcome(status: 0, stdout: "{\n    \"nextToken\": \"\",\n    \"maxResults\": 0\n}\n", stderr: "")
        )
        let describe = Harness.run(["describe-tasks", "--generate-cli-skeleton", "input"])
        #expect(
            describe.stdout == """
                {
                    "cluster": "",
                    "tasks": [
                        ""
                    ],
                    "include": [
                        "TAGS"
                    ]
                }

                """)
        #expect(describe.status == 0)
    }

    @Test("Every operation in the shape table has a command, and its skeleton has the input's members and types")
    func everyOperation() throws {
        for operation in ShapeTable.operations.keys {
            let command = NameTransform.kebab(operation)
            #expect(ECSCommandLine.operationName(forCommand: command) == operation)
            let outcome = Harness.run([command, "--generate-cli-skeleton"])
            #expect(outcome.status == 0, "\(command): \(outcome)")
            let skeleton = try JSON.parse(outcome.stdout)
            let input = try #require(ShapeTable.operations[operation]?.input)
            // Empty strings are too short for some members; names and types must all fit.
            let problems = try StrictJSON.problems(in: Data(skeleton.compactText.utf8), shape: input).filter {
                if case .tooShort = $0 { return false }
                return true
            }
            #expect(problems.isEmpty, "\(command): \(problems)")
        }
    }
}
