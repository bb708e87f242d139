import ECSModel
import Foundation
import Testing

@testable import ECSCLI

/// The aws CLI's automatic pagination (botocore's PageIterator) for the list operations.
@Suite("Pagination")
struct PaginationTests {
    static let pages = [
        #"{"taskArns":["t1","t2"],"nextToken":"p2"}"#, #"{"taskArns":["t3","t4"],"nextToken":"p3"}"#,
        #"{"taskArns":["t5"]}"#,
    ]

    @Test("All pages are fetched and their results concatenated")
    func allPages() {
        let transport = ScriptedTransport(json: Self.pages)
        let outcome = Harness.run(["list-tasks", "--cluster", "c"], transport: transport)
        #expect(
            outcome.stdout
                == "{\n    \"taskArns\": [\n        \"t1\",\n        \"t2\",\n        \"t3\",\n        \"t4\",\n        \"t5\"\n    ]\n}\n"
        )
        #expect(
            transport.bodies == [
                #"{"cluster":"c"}"#, #"{"cluster":"c","nextToken":"p2"}"#, #"{"cluster":"c","nextToken":"p3"}"#,
            ])
    }

    @Test("--max-items truncates and prints a NextToken; --starting-token resumes mid-page")
    func maxItemsAndResume() throws {
        let first = Harness.run(["list-tasks", "--max-items", "3"], transport: ScriptedTransport(json: Self.pages))
        let output = try JSON.parse(first.stdout)
        #expect(output["taskArns"] == .array([.string("t1"), .string("t2"), .string("t3")]))
        let token = try #require(output["NextToken"]?.stringValue)
        // botocore's token: base64 of the service token and how far into its page to skip.
        let decoded = String(decoding: try #require(Data(base64Encoded: token)), as: UTF8.self)
        #expect(decoded == #"{"nextToken": "p2", "boto_truncate_amount": 1}"#)

        let transport = ScriptedTransport(json: Array(Self.pages.dropFirst()))
        let rest = Harness.run(["list-tasks", "--starting-token", token], transport: transport)
        #expect(
            try JSON.parse(rest.stdout) == .object([JSONMember("taskArns", .array([.string("t4"), .string("t5")]))]))
        #expect(transport.bodies.first == #"{"nextToken":"p2"}"#)
    }

    @Test("--max-items on a page boundary; --page-size sets maxResults")
    func boundaryAndPageSize() throws {
        let transport = ScriptedTransport(json: Self.pages)
        let outcome = Harness.run(["list-tasks", "--max-items", "2", "--page-size", "2"], transport: transport)
        let output = try JSON.parse(outcome.stdout)
        #expect(output["taskArns"] == .array([.string("t1"), .string("t2")]))
        let token = try #require(output["NextToken"]?.stringValue)
        #expect(String(decoding: Data(base64Encoded: token)!, as: UTF8.self) == #"{"nextToken": "p2"}"#)
        #expect(transport.bodies == [#"{"maxResults":2}"#])
    }

    @Test("--no-paginate makes one call and prints the service's nextToken")
    func noPaginate() {
        let transport = ScriptedTransport(json: Self.pages)
        let outcome = Harness.run(["list-tasks", "--no-paginate"], transport: transport)
        #expect(
            outcome.stdout
                == "{\n    \"taskArns\": [\n        \"t1\",\n        \"t2\"\n    ],\n    \"nextToken\": \"p2\"\n}\n")
        #expect(transport.bodies.count == 1)
    }

    @Test("Text output is printed page by page")
    func textPages() {
        let outcome = Harness.run(
            ["list-tasks", "--output", "text", "--max-items", "3"], transport: ScriptedTransport(json: Self.pages))
        let token = Data(#"{"nextToken": "p2", "boto_truncate_amount": 1}"#.utf8).base64EncodedString()
        #expect(outcome.stdout == "TASKARNS\tt1\nTASKARNS\tt2\nTASKARNS\tt3\nNEXTTOKEN\t\(token)\n")
    }

    @Test("The same token twice is an error, not a loop")
    func repeatedToken() {
        let transport = ScriptedTransport(json: [#"{"clusterArns":["a"],"nextToken":"same"}"#])
        let outcome = Harness.run(["list-clusters"], transport: transport)
        #expect(
            outcome
                == Outcome(
                    status: 255, stdout: "", stderr: "\nThe same next token was received twice: {'nextToken': 'same'}\n"
                ))
    }
}
