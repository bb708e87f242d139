import ECSModel
import Foundation
import Testing

@testable import ECSCLI

/// berth ecs against the installed aws CLI itself: the same command lines must produce the
/// same request bodies (captured by a server of ours on 127.0.0.1), the same output for the
/// same responses, and the same error messages. The installed aws CLI is v1: its exit
/// statuses and its argparse usage block differ from v2's, which berth follows, so those
/// are compared by their message lines.
@Suite("Comparison with the real aws CLI", .enabled(if: RealAWSCLI.available, "needs the aws CLI"))
struct AWSCLIComparisonTests {
    static let seedPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-seed-td.json").path
        try? Data(Harness.seedTaskDefinition.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    static let reasonPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-reason.txt").path
        try? Data("stopped by\na test\n".utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    static let commands: [[String]] = [
        ["register-task-definition", "--cli-input-json", "file://" + seedPath],
        ["create-cluster", "--cluster-name", "fargate-cluster"],
        [
            "run-task", "--cluster", "fargate-cluster", "--launch-type", "FARGATE", "--network-configuration",
            "awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],assignPublicIp=ENABLED}",
            "--task-definition", "fargate-task",
        ],
        ["describe-tasks", "--cluster", "c", "--tasks", "a", "b"],
        ["list-tasks", "--desired-status", "STOPPED", "--max-items", "1"],
        ["list-tasks", "--cluster", "c", "--page-size", "5"],
        ["stop-task", "--cluster", "c", "--task", "t", "--reason", "x"],
        ["stop-task", "--task", "t", "--reason", "file://" + reasonPath],
        ["tag-resource", "--resource-arn", "arn:r", "--tags", "key=a,value=b", "key=c,value=d"],
        ["untag-resource", "--resource-arn", "arn:r", "--tag-keys", "a", "b"],
        ["list-tags-for-resource", "--resource-arn", "arn:r"],
        ["describe-clusters", "--clusters", "a", "b", "--include", "TAGS", "SETTINGS"],
        ["delete-cluster", "--cluster", "c"],
        ["list-clusters"],
        ["describe-task-definition", "--task-definition", "fargate-task:1", "--include", "TAGS"],
        ["deregister-task-definition", "--task-definition", "fargate-task:1"],
        ["delete-task-definitions", "--task-definitions", "a:1", "b:2"],
        ["list-task-definitions", "--family-prefix", "farg", "--status", "ACTIVE", "--sort", "DESC"],
        ["list-task-definition-families", "--status", "ALL"],
        [
            "run-task", "--cli-input-json", #"{"taskDefinition":"json","count":3,"cluster":"json"}"#, "--cluster",
            "flag",
        ],
        ["run-task", "--task-def=t", "--count", " 2 ", "--enable-ecs-managed-tags", "--disable-execute-command"],
        ["run-task", "--task-definition", "t", "--no-enable-ecs-managed-tags", "--propagate-tags", "TASK_DEFINITION"],
        [
            "run-task", "--task-definition", "t", "--capacity-provider-strategy",
            "capacityProvider=FARGATE,weight=1,base=0", "capacityProvider=FARGATE_SPOT,weight=4",
        ],
        [
            "run-task", "--task-definition", "t", "--overrides",
            "containerOverrides=[{name=web,command=[echo,hi],cpu=128,environment=[{name=A,value=1}]}],cpu=512",
        ],
        [
            "run-task", "--task-definition", "t", "--placement-constraints",
            "type=memberOf,expression='attribute:ecs.os-type == linux'",
        ],
        [
            "run-task", "--task-definition", "t", "--network-configuration",
            "awsvpcConfiguration={subnets=[],securityGroups=sg-1,assignPublicIp=DISABLED}", "--tags",
        ],
        [
            "run-task", "--task-definition", "t", "--overrides",
            #"{"containerOverrides":[{"name":"wëb","environment":[{"name":"A","value":"ü"}]}]}"#, "--tags",
            #"[{"key":"k","value":"v"}]"#,
        ],
        ["tag-resource", "--resource-arn", "r", "--tags", #"{"key":"a"}"#, #"{"key":"b","value":"x,y"}"#],
        ["tag-resource", "--resource-arn", "r", "--tags", #"key="a,b",value='c=d'"#, #"key=e\,f"#],
        ["describe-tasks", "--tasks", "a", "--region", "eu-west-1", "--output", "json", "--no-paginate", "--debug"],
        ["run-task", "--task-definition", "t", "--count", "1_000", "--cluster", "a", "--cluster", "b"],
        ["run-task", "--task-definition", "t", "--enable-ecs-managed-tags", "--no-enable-ecs-managed-tags"],
        ["run-task", "--task-definition", "t", "--count", "-5", "--started-by=a=b", "--group="],
        ["stop-task", "--task", "t", "--reason", "-x y"],
        [
            "run-task", "--task-definition", "t", "--network-configuration",
            #"  {"awsvpcConfiguration":{"subnets":["s"]}}"#,
        ],
        [
            "run-task", "--task-definition", "t", "--tags", "[]", "--placement-strategy", "type=spread,field=host",
            "type=binpack,field=memory",
        ],
        [
            "run-task", "--task-definition", "t", "--overrides",
            "containerOverrides=[{name=web,environment=[{name=A,value=x=y},{name=B,value='a,b'}]}],taskRoleArn=arn:r",
        ],
        ["tag-resource", "--resource-arn", "r", "--tags", "key=ü,value=日本"],
        ["tag-resource", "--resource-arn", "r", "--tags", "key=a", "value=b"],
        ["describe-clusters", "--include"],
        ["list-tasks", "--starting-token", "opaque-token", "--page-size", "1"],
        ["list-tasks", "--cli-input-json", #"{"nextToken": "n", "maxResults": 3}"#],
        ["run-task", "--task-definition", "t", "--overrides", "cpu=256,memory=512,ephemeralStorage={sizeInGiB=30}"],
        [
            "register-task-definition", "--family", "f", "--container-definitions",
            "name=web,image=nginx,memory=512,portMappings=[{containerPort=80,protocol=tcp}],essential=true",
            "--requires-compatibilities", "FARGATE", "--network-mode", "awsvpc", "--cpu", "256", "--memory", "512",
        ],
        ["run-task", "--task-definition", "t", "--overrides", "containerOverrides={name=web}"],
        ["describe-tasks", "--tasks"],
    ]

    @Test("The same request body as the aws CLI sends", arguments: commands)
    func sameRequest(arguments: [String]) async throws {
        let (awsOutcome, requests) = try await RealAWSCLI.run(arguments)
        #expect(awsOutcome.status == 0, "\(awsOutcome)")
        let request = try #require(requests.first, "aws sent nothing: \(awsOutcome)")
        var awsBody = try JSON.parse(request.body)
        // botocore fills RunTask's idempotency token with a fresh UUID.
        if case .object(let members) = awsBody { awsBody = .object(members.filter { $0.key != "clientToken" }) }
        let (operation, body) = try Harness.request(arguments)
        #expect(request.operation == operation)
        #expect(body == awsBody.compactText)
    }

    static let badCommands: [[String]] = [
        ["run-task", "--foo"],
        ["run-task", "--task-definition", "t", "--foo", "a", "--bar"],
        ["run-task", "--task-definition"],
        ["run-task", "--task-definition", "t", "--enable-ecs-managed-tags=yes"],
        ["run-task", "--task-definition", "t", "--network-configuration", "foo=bar"],
        ["run-task", "--task-definition", "t", "--overrides", #"{"containerOverrides": [}"#],
        ["run-task", "--task-definition", "t", "--network-configuration", "[1]"],
        ["run-task", "--task-definition", "t", "--count", "abc"],
        ["run-task", "--task-definition", "t", "--capacity-provider-strategy", "capacityProvider=x,weight=heavy"],
        ["run-task", "--cli-input-json", #"{"cluster": "c"}"#],
        ["run-task", "--cli-input-json", #"{"taskDefinition": 1, "bogus": true}"#],
        ["run-task", "--cli-input-json", "file:///nonexistent/td.json"],
        ["stop-task", "--reason", "x"],
        ["tag-resource"],
        ["tag-resource", "--resource-arn", "r", "--tags", "key=a,value=b,key=c"],
        ["list-tasks", "--max-items", "x"],
        ["describe-tasks", "--tasks", "a", "--max-items", "1"],
        ["wait", "tasks-stopped"],
        ["wait", "tasks-running", "--cluster", "c"],
        ["register-task-definition", "--family", "f", "--container-definitions", "name=web,image=nginx,memory=lots"],
        [
            "register-task-definition", "--family", "f", "--container-definitions",
            #"[{"name": "web", "image": 5, "portMappings": [{"containerPort": "80"}]}]"#,
        ],
        ["list-clusters", "--endpoint-url", "localhost"],
        ["run-task", "--task-definition", "t", "--count", "1.5"],
        ["run-task", "--task-definition", "t", "--capacity-provider-strategy", "capacityProvider=x,weight=1.5"],
        ["stop-task", "--task", "t", "--reason", "-x"],
        ["run-task", "--task-definition", "t", "--no-enable-execute-command"],
        ["run-task", "--task-definition", "t", "--tags", "Key=a,Value=b"],
        ["run-task", "--task-definition", "t", "--launch-type", "FARGATE", "extra"],
        [
            "run-task", "--task-definition", "t", "--network-configuration",
            "awsvpcConfiguration={assignPublicIp=maybe}",
        ],
        ["run-task", "--task-definition", "t", "--enable-ecs-managed-tags", "true"],
        ["list-task-definitions", "--max-items", "0", "--no-paginate"],
        ["delete-task-definitions"],
    ]

    // Not compared: `list-tasks --max-results 2 --max-items 1`, where v1 says "Error during
    // pagination: Cannot specify …" and v2 (berth) "Cannot specify …" (ErrorTests checks it).
    @Test("The same error message as the aws CLI", arguments: badCommands)
    func sameError(arguments: [String]) async throws {
        let (awsOutcome, requests) = try await RealAWSCLI.run(arguments)
        #expect(requests.isEmpty, "aws sent a request")
        let ours = Harness.run(arguments)
        #expect(ours.status != 0)
        #expect(awsOutcome.status != 0)
        #expect(RealAWSCLI.messageLines(ours.stderr) == RealAWSCLI.messageLines(awsOutcome.stderr), "\(awsOutcome)")
        // aws CLI v2's statuses: 252 for what v1 exits 2 with; v1's 255 is 252 or 255.
        if awsOutcome.status == 2 { #expect(ours.status == 252) }
        if awsOutcome.status == 255 { #expect(ours.status == 252 || ours.status == 255) }
    }

    @Test("Shorthand syntax errors: the same message (v1 misprints the location; compare the first line)")
    func shorthandSyntaxError() async throws {
        let arguments = [
            "run-task", "--task-definition", "t", "--network-configuration", "awsvpcConfiguration={subnets=[a,b}",
        ]
        let (awsOutcome, _) = try await RealAWSCLI.run(arguments)
        let ours = Harness.run(arguments)
        #expect(RealAWSCLI.messageLines(ours.stderr).first == RealAWSCLI.messageLines(awsOutcome.stderr).first)
        #expect(ours.status == 252)
    }

    static let describeTasksResponse = OutputTests.describeTasksResponse

    static let outputCases: [[String]] = [
        ["describe-tasks", "--cluster", "c", "--tasks", "0123"],
        ["describe-tasks", "--tasks", "0123", "--output", "text"],
        ["describe-tasks", "--tasks", "0123", "--query", "tasks[0].taskArn", "--output", "text"],
        [
            "describe-tasks", "--tasks", "0123", "--query",
            "tasks[0].attachments[0].details[?name=='networkInterfaceId'].value", "--output", "text",
        ],
        [
            "describe-tasks", "--tasks", "0123", "--query",
            "tasks[].{arn: taskArn, created: createdAt, containers: containers[].name}",
        ],
        ["describe-tasks", "--tasks", "0123", "--query", "length(tasks[0].containers)"],
        ["describe-tasks", "--tasks", "0123", "--query", "tasks[0].nothing"],
    ]

    @Test("The same output for the same response", arguments: outputCases)
    func sameOutput(arguments: [String]) async throws {
        let (awsOutcome, _) = try await RealAWSCLI.run(arguments, responses: [.json(Self.describeTasksResponse)])
        let ours = Harness.run(arguments, transport: ScriptedTransport(json: [Self.describeTasksResponse]))
        #expect(awsOutcome.status == 0, "\(awsOutcome)")
        #expect(ours == Outcome(status: 0, stdout: awsOutcome.stdout, stderr: ""))
    }

    @Test("Paginated output, --max-items tokens and resuming, as the aws CLI prints them")
    func samePagination() async throws {
        let pages: [TestHTTPServer.Response] = PaginationTests.pages.map { .json($0) }
        for arguments in [
            ["list-tasks"], ["list-tasks", "--max-items", "3"], ["list-tasks", "--max-items", "3", "--output", "text"],
        ] {
            let (awsOutcome, awsRequests) = try await RealAWSCLI.run(arguments, responses: pages)
            let transport = ScriptedTransport(json: PaginationTests.pages)
            let ours = Harness.run(arguments, transport: transport)
            #expect(ours == Outcome(status: 0, stdout: awsOutcome.stdout, stderr: ""), "\(arguments)")
            #expect(transport.bodies == awsRequests.map { (try? JSON.parse($0.body).compactText) ?? $0.body })
        }
        let token = Data(#"{"nextToken": "p2", "boto_truncate_amount": 1}"#.utf8).base64EncodedString()
        let resumePages = Array(PaginationTests.pages.dropFirst())
        let (awsOutcome, _) = try await RealAWSCLI.run(
            ["list-tasks", "--starting-token", token], responses: resumePages.map { .json($0) })
        let ours = Harness.run(
            ["list-tasks", "--starting-token", token], transport: ScriptedTransport(json: resumePages))
        #expect(ours.stdout == awsOutcome.stdout)
    }

    @Test("The same service error text")
    func sameServiceError() async throws {
        let arguments = ["run-task", "--task-definition", "t"]
        let body = #"{"__type":"com.amazonaws.ecs#ClientException","message":"Unable to describe task definition."}"#
        let (awsOutcome, _) = try await RealAWSCLI.run(
            arguments, responses: [.json(body, status: 400, reason: "Bad Request")])
        let ours = Harness.run(
            arguments, transport: ScriptedTransport([.success(HTTPResponse(status: 400, body: Array(body.utf8)))]))
        #expect(ours.stderr == awsOutcome.stderr)
        #expect(ours.status == 254)
    }

    @Test("A waiter sends what describe-tasks sends, and stops on success")
    func sameWaiterRequest() async throws {
        let arguments = ["wait", "tasks-stopped", "--cluster", "c", "--tasks", "arn:x"]
        let body = WaiterTests.tasks(["STOPPED"])
        let (awsOutcome, requests) = try await RealAWSCLI.run(arguments, responses: [.json(body)])
        let transport = ScriptedTransport(json: [body])
        let ours = Harness.run(arguments, transport: transport)
        #expect(ours == Outcome(status: 0, stdout: awsOutcome.stdout, stderr: ""))
        #expect(awsOutcome.status == 0)
        #expect(transport.bodies == requests.map { (try? JSON.parse($0.body).compactText) ?? $0.body })
    }

    @Test("The same waiter failure text")
    func sameWaiterFailure() async throws {
        let arguments = ["wait", "tasks-running", "--cluster", "c", "--tasks", "arn:x"]
        let body = WaiterTests.tasks([], failures: ["MISSING"])
        let (awsOutcome, _) = try await RealAWSCLI.run(arguments, responses: [.json(body)])
        let ours = Harness.run(arguments, transport: ScriptedTransport(json: [body]))
        #expect(ours.stderr == awsOutcome.stderr)
        #expect(awsOutcome.status == 255 && ours.status == 255)
    }

    @Test("The same input skeleton")
    func sameSkeleton() async throws {
        for command in ["list-clusters", "describe-tasks", "stop-task", "list-tags-for-resource"] {
            let (awsOutcome, _) = try await RealAWSCLI.run([command, "--generate-cli-skeleton"])
            #expect(Harness.run([command, "--generate-cli-skeleton"]).stdout == awsOutcome.stdout, "\(command)")
        }
    }

    @Test("The same sample output (--generate-cli-skeleton output)")
    func sameOutputSkeleton() async throws {
        for arguments in [
            ["describe-clusters", "--clusters", "a", "--generate-cli-skeleton", "output"],
            ["stop-task", "--task", "t", "--generate-cli-skeleton", "output"],
            [
                "list-tags-for-resource", "--resource-arn", "r", "--generate-cli-skeleton", "output", "--query",
                "tags[0]",
            ],
        ] {
            let (awsOutcome, requests) = try await RealAWSCLI.run(arguments)
            #expect(requests.isEmpty)
            #expect(Harness.run(arguments) == Outcome(status: 0, stdout: awsOutcome.stdout, stderr: ""), "\(arguments)")
        }
    }

    @Test("Shorthand parsing agrees with awscli.shorthand", .enabled(if: pythonAWSCLI))
    func shorthandAgrees() async throws {
        let inputs = [
            "a=b", "a=b,c=d", "a=b,c", "a=b,c,d=e", "a=[b,c],d=[]", "a=[ b , c ]", "a={b=c,d={e=f}},g=h",
            "a=[{b=c},{b=d}]", "a='x,y',b=\"p=q\"", #"a='it\'s',b="say \"hi\"""#, #"a=x\,y"#, "a=,b=c", "a=",
            "a = b , c = d", "a=b c=d", "a=ü,b=日本", #"a='abc\'"#, "a=[b,[c,d]]", "a={}", "a=b,c=[]", "k:x/y.z#1-2_3=v",
            "awsvpcConfiguration={subnets=[a,b}", "a", "a=b,", "a='x", "key=a,value=b,key=c", "a={b=c", "a=[b",
            "a=b\nc=d", "a=b,\n=c",
        ]
        let script = """
            import json, sys
            import awscli.shorthand as sh
            def msg(self):
                return "Expected: '%s', received: '%s' for input:\\n %s" % (self.expected, self.actual, self._error_location())
            sh.ShorthandParseSyntaxError._construct_msg = msg
            for line in sys.stdin:
                text = json.loads(line)
                try:
                    print(json.dumps({"ok": sh.ShorthandParser().parse(text)}))
                except sh.ShorthandParseError as e:
                    print(json.dumps({"error": str(e)}))
            """
        let stdin = inputs.map { JSON.string($0).compactText }.joined(separator: "\n") + "\n"
        let lines = try await onDedicatedThread { try Self.python(script, stdin: stdin) }
        #expect(lines.count == inputs.count)
        for (input, line) in zip(inputs, lines) {
            let expected = try JSON.parse(line)
            var parser = ShorthandParser(paramFiles: ParamFileLoader(environment: [:]))
            do {
                let parsed = try parser.parse(input)
                #expect(expected["ok"] == parsed, "\(input)")
            } catch {
                guard case .syntax(let e) = error else { continue }
                #expect(expected["error"] == .string(e.message), "\(input)")
            }
        }
    }

    static let pythonAWSCLI: Bool = (try? python("import awscli.shorthand", stdin: "")) != nil

    static func python(_ script: String, stdin: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-py-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in")
        let output = directory.appendingPathComponent("out")
        try Data(stdin.utf8).write(to: input)
        try Data().write(to: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.executableLoad) }
        return String(decoding: try Data(contentsOf: output), as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
