import ECSModel
import Testing

@testable import ECSCLI

/// `--query` expressions (JMESPath, as jmespath.py evaluates them).
@Suite("JMESPath")
struct JMESPathTests {
    static let data = try! JSON.parse(
        #"""
        {"tasks":[{"taskArn":"a","lastStatus":"RUNNING","cpu":"256","n":1,"containers":[{"name":"web"},{"name":"db"}]},
                  {"taskArn":"b","lastStatus":"STOPPED","cpu":"512","n":3,"containers":[{"name":"job"}]}],
         "failures":[],"a.b":{"c":true},"empty":"","zero":0}
        """#)

    @Test(
        "Expressions",
        arguments: [
            ("tasks[0].taskArn", #""a""#),
            ("tasks[-1].taskArn", #""b""#),
            ("tasks[].taskArn", #"["a","b"]"#),
            ("tasks[*].containers[].name", #"["web","db","job"]"#),
            ("tasks[*].containers[*].name", #"[["web","db"],["job"]]"#),
            ("tasks[?lastStatus=='RUNNING'].taskArn", #"["a"]"#),
            ("tasks[?lastStatus==`RUNNING`].taskArn", #"["a"]"#),
            ("tasks[?lastStatus==`\"STOPPED\"`].taskArn", #"["b"]"#),
            ("tasks[?lastStatus!='RUNNING'] | [0].taskArn", #""b""#),
            ("tasks[?n > `2`].taskArn", #"["b"]"#),
            ("tasks[?n >= `1` && cpu == '256'].taskArn", #"["a"]"#),
            ("tasks[?!(n > `2`)].taskArn", #"["a"]"#),
            ("tasks[0].[taskArn, cpu]", #"["a","256"]"#),
            (
                "tasks[].{arn: taskArn, status: lastStatus}",
                #"[{"arn":"a","status":"RUNNING"},{"arn":"b","status":"STOPPED"}]"#
            ),
            ("length(tasks)", "2"),
            ("length(tasks[0].containers)", "2"),
            ("\"a.b\".c", "true"),
            ("tasks[0:1].taskArn", #"["a"]"#),
            ("tasks[::-1].taskArn", #"["b","a"]"#),
            ("sort_by(tasks, &cpu)[-1].taskArn", #""b""#),
            ("max_by(tasks, &n).taskArn", #""b""#),
            ("join(', ', tasks[].taskArn)", #""a, b""#),
            ("contains(tasks[].lastStatus, 'STOPPED')", "true"),
            ("starts_with(tasks[0].taskArn, 'a')", "true"),
            ("keys(tasks[0])", #"["taskArn","lastStatus","cpu","n","containers"]"#),
            ("sum(tasks[].n)", "4"),
            ("to_string(tasks[0].n)", #""1""#),
            ("to_number(tasks[1].cpu)", "512"),
            ("failures || 'none'", #""none""#),
            ("empty || zero", "0"),
            ("!zero", "false"),
            ("nothing", "null"),
            ("tasks[5]", "null"),
            ("*.c", #"[true]"#),
            ("`{\"x\": 1}`.x", "1"),
            ("type(tasks)", #""array""#),
            ("@", "SAME"),
        ])
    func expressions(expression: String, expected: String) throws {
        let result = try JMESPath.compile(expression).search(Self.data) ?? .null
        if expected == "SAME" {
            #expect(result == Self.data)
        } else {
            #expect(result.compactText == expected, "\(expression)")
        }
    }

    @Test("Syntax errors")
    func errors() {
        for bad in ["tasks[", "tasks[0", "tasks.", "[?a==]", "a = b", "`bad json", "foo(", "'unterminated"] {
            #expect(throws: JMESPathError.self, "\(bad)") { try JMESPath.compile(bad) }
        }
        #expect(throws: JMESPathError(message: "Unknown function: nope()")) {
            try JMESPath.compile("nope(tasks)").search(Self.data)
        }
    }
}
