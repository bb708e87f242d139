import ECSModel
import Foundation
import Testing

@testable import ECSCLI

/// Responses printed as the aws CLI v2 prints them.
@Suite("Output")
struct OutputTests {
    static let describeTasksResponse = #"""
        {"failures":[],"tasks":[{"taskArn":"arn:aws:ecs:us-east-1:123456789012:task/c/0123","lastStatus":"RUNNING",
        "unknownMember":"dropped","clusterArn":"arn:aws:ecs:us-east-1:123456789012:cluster/c","cpu":"256",
        "createdAt":1714558830.123,"startedAt":1714558831,"desiredStatus":"RUNNING","group":null,
        "containers":[{"name":"wëb","exitCode":0,"networkInterfaces":[]}],"tags":[],
        "attachments":[{"id":"a1","type":"ElasticNetworkInterface","status":"ATTACHED",
        "details":[{"name":"subnetId","value":"subnet-1"},{"name":"networkInterfaceId","value":"eni-42"}]}]}]}
        """#

    @Test("JSON: 4-space indentation, the model's member order, unknown members and nulls dropped, UTF-8 kept")
    func json() {
        let transport = ScriptedTransport(json: [Self.describeTasksResponse])
        let outcome = Harness.run(["describe-tasks", "--cluster", "c", "--tasks", "0123"], transport: transport)
        #expect(outcome.status == 0, "\(outcome)")
        #expect(
            outcome.stdout == """
                {
                    "tasks": [
                        {
                            "attachments": [
                                {
                                    "id": "a1",
                                    "type": "ElasticNetworkInterface",
                                    "status": "ATTACHED",
                                    "details": [
                                        {
                                            "name": "subnetId",
                                            "value": "subnet-1"
                                        },
                                        {
                                            "name": "networkInterfaceId",
                                            "value": "eni-42"
                                        }
                                    ]
                                }
                            ],
                            "clusterArn": "arn:aws:ecs:us-east-1:123456789012:cluster/c",
                            "containers": [
                                {
                                    "name": "wëb",
                                    "exitCode": 0,
                                    "networkInterfaces": []
                                }
                            ],
                            "cpu": "256",
                            "createdAt": "2024-05-01T10:20:30.123000+00:00",
                            "desiredStatus": "RUNNING",
                            "lastStatus": "RUNNING",
                            "startedAt": "2024-05-01T10:20:31+00:00",
                            "tags": [],
                            "taskArn": "arn:aws:ecs:us-east-1:123456789012:task/c/0123"
                        }
                    ],
                    "failures": []
                }

                """)
        #expect(transport.operations == ["DescribeTasks"])
        #expect(transport.bodies == [#"{"cluster":"c","tasks":["0123"]}"#])
    }

    @Test("run-task sends a clientToken unless one is given, as botocore does")
    func idempotencyToken() throws {
        let transport = ScriptedTransport(json: [#"{"tasks":[],"failures":[]}"#])
        _ = Harness.run(["run-task", "--task-definition", "t"], transport: transport)
        let sent = try JSON.parse(try #require(transport.bodies.first))
        let token = try #require(sent["clientToken"]?.stringValue)
        #expect(UUID(uuidString: token) != nil && token == token.lowercased())
        #expect(sent.members?.map(\.key) == ["taskDefinition", "clientToken"])
        _ = Harness.run(["run-task", "--task-definition", "t", "--client-token", "mine"], transport: transport)
        #expect(transport.bodies.last == #"{"taskDefinition":"t","clientToken":"mine"}"#)
    }

    @Test("An empty response prints nothing")
    func empty() {
        let outcome = Harness.run(
            ["tag-resource", "--resource-arn", "r", "--tags", "key=a"], transport: ScriptedTransport(json: ["{}"]))
        #expect(outcome == Outcome(status: 0, stdout: "", stderr: ""))
    }

    @Test("--query, as tutorials use it")
    func query() {
        func run(_ query: String, output: String = "json") -> String {
            Harness.run(
                ["describe-tasks", "--tasks", "0123", "--query", query, "--output", output],
                transport: ScriptedTransport(json: [Self.describeTasksResponse])
            ).stdout
        }
        #expect(run("tasks[0].taskArn") == "\"arn:aws:ecs:us-east-1:123456789012:task/c/0123\"\n")
        #expect(run("tasks[0].taskArn", output: "text") == "arn:aws:ecs:us-east-1:123456789012:task/c/0123\n")
        #expect(
            run("tasks[0].attachments[0].details[?name=='networkInterfaceId'].value", output: "text") == "eni-42\n")
        #expect(run("tasks[].lastStatus") == "[\n    \"RUNNING\"\n]\n")
        #expect(
            run("tasks[0].{arn: taskArn, cpu: cpu}")
                == "{\n    \"arn\": \"arn:aws:ecs:us-east-1:123456789012:task/c/0123\",\n    \"cpu\": \"256\"\n}\n")
        #expect(run("length(tasks)") == "1\n")
        #expect(run("nothing") == "null\n")
    }

    @Test("Text output, as awscli.text formats it")
    func text() {
        let outcome = Harness.run(
            ["describe-tasks", "--tasks", "0123", "--output", "text"],
            transport: ScriptedTransport(json: [Self.describeTasksResponse]))
        #expect(
            outcome.stdout == """
                TASKS\tarn:aws:ecs:us-east-1:123456789012:cluster/c\t256\t2024-05-01T10:20:30.123000+00:00\tRUNNING\tRUNNING\t2024-05-01T10:20:31+00:00\tarn:aws:ecs:us-east-1:123456789012:task/c/0123
                ATTACHMENTS\ta1\tATTACHED\tElasticNetworkInterface
                DETAILS\tsubnetId\tsubnet-1
                DETAILS\tnetworkInterfaceId\teni-42
                CONTAINERS\t0\twëb

                """)
        #expect(Formatter.text(.array([.string("a"), .string("b")])) == "a\tb\n")
        #expect(
            Formatter.text(.object([JSONMember("clusterArns", .array([.string("x"), .string("y")]))]))
                == "CLUSTERARNS\tx\nCLUSTERARNS\ty\n")
        #expect(Formatter.text(.object([JSONMember("ok", .bool(true)), JSONMember("n", .null)])) == "None\tTrue\n")
    }

    @Test("Service errors: botocore's ClientError text on stderr, exit 254")
    func serviceError() {
        let transport = ScriptedTransport([
            .success(
                HTTPResponse(
                    status: 400,
                    body: Array(#"{"__type":"com.amazonaws.ecs#ClientException","message":"Cluster not found."}"#.utf8))
            )
        ])
        #expect(
            Harness.run(["run-task", "--task-definition", "t"], transport: transport)
                == Outcome(
                    status: 254, stdout: "",
                    stderr:
                        "\nAn error occurred (ClientException) when calling the RunTask operation: Cluster not found.\n"
                ))
        // No __type: the status is the code; a non-JSON body is the message.
        let plain = ScriptedTransport([.success(HTTPResponse(status: 500, body: Array("boom".utf8)))])
        #expect(
            Harness.run(["list-clusters"], transport: plain).stderr
                == "\nAn error occurred (500) when calling the ListClusters operation: boom\n")
    }

    @Test("Python's float repr and JSON string escapes")
    func scalars() {
        let value = JSON.object([
            JSONMember("f", .double(0.1)), JSONMember("big", .double(1e16)), JSONMember("small", .double(1e-5)),
            JSONMember("whole", .double(2)), JSONMember("s", .string("tab\t\"q\"\u{1}é😀")),
        ])
        #expect(
            value.pythonDumps(indent: 4, ensureASCII: false)
                == "{\n    \"f\": 0.1,\n    \"big\": 1e+16,\n    \"small\": 1e-05,\n    \"whole\": 2.0,\n    \"s\": \"tab\\t\\\"q\\\"\\u0001é😀\"\n}"
        )
        #expect(JSON.string("é😀").pythonDumps(ensureASCII: true) == "\"\\u00e9\\ud83d\\ude00\"")
    }

    @Test("Timestamps in the local time zone, as datetime.isoformat() prints them")
    func timestamps() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        #expect(Timestamp.iso8601(.double(1714558830.5), timeZone: berlin) == "2024-05-01T12:20:30.500000+02:00")
        #expect(Timestamp.iso8601(.integer("0"), timeZone: TimeZone(secondsFromGMT: 0)!) == "1970-01-01T00:00:00+00:00")
        #expect(
            Timestamp.iso8601(.double(1.0000005), timeZone: TimeZone(secondsFromGMT: 0)!)
                == "1970-01-01T00:00:01.000001+00:00")
        #expect(
            Timestamp.iso8601(.double(-1.5), timeZone: TimeZone(secondsFromGMT: 0)!)
                == "1969-12-31T23:59:58.500000+00:00")
    }
}
