import Foundation
import Testing

@testable import ECSCLI

/// The aws CLI's shorthand syntax, through the model's conversions.
@Suite("Shorthand syntax")
struct ShorthandTests {
    private func parse(_ text: String) throws -> String {
        var parser = ShorthandParser(paramFiles: ParamFileLoader(environment: [:]))
        return try parser.parse(text).compactText
    }

    @Test(
        "Syntax",
        arguments: [
            ("a=b", #"{"a":"b"}"#),
            ("a=b,c=d", #"{"a":"b","c":"d"}"#),
            ("a=b,c", #"{"a":["b","c"]}"#),
            ("a=b,c,d=e", #"{"a":["b","c"],"d":"e"}"#),
            ("a=[b,c],d=[]", #"{"a":["b","c"],"d":[]}"#),
            ("a=[ b , c ]", #"{"a":["b","c"]}"#),
            ("a={b=c,d={e=f}},g=h", #"{"a":{"b":"c","d":{"e":"f"}},"g":"h"}"#),
            ("a=[{b=c},{b=d}]", #"{"a":[{"b":"c"},{"b":"d"}]}"#),
            ("a='x,y',b=\"p=q\"", #"{"a":"x,y","b":"p=q"}"#),
            (#"a='it\'s',b="say \"hi\"""#, #"{"a":"it's","b":"say \"hi\""}"#),
            (#"a=x\,y"#, #"{"a":"x,y"}"#),
            ("a=,b=c", #"{"a":"","b":"c"}"#),
            ("a=", #"{"a":""}"#),
            ("a = b , c = d", #"{"a":"b","c":"d"}"#),
            ("a=b c=d", #"{"a":"b c=d"}"#),
            (
                "expression=attribute:ecs.instance-type =~ t2.*",
                #"{"expression":"attribute:ecs.instance-type =~ t2.*"}"#
            ),
            ("a=ü,b=日本", #"{"a":"ü","b":"日本"}"#),
            (#"a='abc\'"#, #"{"a":"abc\\"}"#),
        ])
    func syntax(input: String, expected: String) throws {
        #expect(try parse(input) == expected)
    }

    @Test("Model conversions: integers, booleans, a scalar where a list is expected")
    func conversions() throws {
        let (_, body) = try Harness.request([
            "run-task", "--task-definition", "t", "--capacity-provider-strategy",
            "capacityProvider=FARGATE,weight=1,base=0", "capacityProvider=FARGATE_SPOT,weight=4",
            "--network-configuration", "awsvpcConfiguration={subnets=subnet-1,assignPublicIp=DISABLED}",
            "--overrides", "containerOverrides=[{name=web,command=[echo,hi],cpu=128,environment=[{name=A,value=1}]}]",
        ])
        #expect(
            body
                == #"{"capacityProviderStrategy":[{"capacityProvider":"FARGATE","weight":1,"base":0},{"capacityProvider":"FARGATE_SPOT","weight":4}],"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"assignPublicIp":"DISABLED"}},"overrides":{"containerOverrides":[{"name":"web","command":["echo","hi"],"cpu":128,"environment":[{"name":"A","value":"1"}]}]},"taskDefinition":"t"}"#
        )
    }

    @Test("Quoted values keep commas, equals signs and spaces")
    func quotedInCommand() throws {
        let (_, body) = try Harness.request([
            "run-task", "--task-definition", "t", "--placement-constraints",
            "type=memberOf,expression='attribute:ecs.os-type == linux'",
        ])
        #expect(
            body
                == #"{"placementConstraints":[{"type":"memberOf","expression":"attribute:ecs.os-type == linux"}],"taskDefinition":"t"}"#
        )
    }

    @Test("Empty lists, in shorthand and as a flag with no values")
    func emptyLists() throws {
        let (_, shorthand) = try Harness.request([
            "run-task", "--task-definition", "t", "--network-configuration",
            "awsvpcConfiguration={subnets=[],securityGroups=[]}",
        ])
        #expect(
            shorthand
                == #"{"networkConfiguration":{"awsvpcConfiguration":{"subnets":[],"securityGroups":[]}},"taskDefinition":"t"}"#
        )
        let (_, flag) = try Harness.request(["run-task", "--task-definition", "t", "--tags"])
        #expect(flag == #"{"tags":[],"taskDefinition":"t"}"#)
    }

    @Test("key@=file:// reads a file inside shorthand")
    func paramFileInShorthand() throws {
        let path = try Harness.temporaryFile("from a file", suffix: ".txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (_, body) = try Harness.request([
            "tag-resource", "--resource-arn", "r", "--tags", "key=k,value@=file://" + path,
        ])
        #expect(body == #"{"resourceArn":"r","tags":[{"key":"k","value":"from a file"}]}"#)
    }

    @Test(
        "Syntax errors are reported with a caret under the problem",
        arguments: [
            (
                "awsvpcConfiguration={subnets=[a,b}",
                "Expected: ',', received: '}' for input:\n awsvpcConfiguration={subnets=[a,b}\n                                 ^"
            ),
            ("a", "Expected: '=', received: 'EOF' for input:\n a\n ^"),
            ("a=b,", "Expected: '<second>', received: '<none>' for input:\n a=b,\n    ^"),
            ("a='x", "Expected: '<singled quoted>', received: '<none>' for input:\n a='x\n  ^"),
            (
                "key=a,value=b,key=c",
                "Second instance of key \"key\" encountered for input:\nkey=a,value=b,key=c\n              ^\n"
                    + "This is often because there is a preceding \",\" instead of a space."
            ),
        ])
    func errors(input: String, message: String) throws {
        #expect(throws: ShorthandParser.Failure.self) { try parse(input) }
        do {
            _ = try parse(input)
        } catch {
            guard case .syntax(let e) = error as? ShorthandParser.Failure else {
                Issue.record("\(error)")
                return
            }
            #expect(e.message == message)
        }
    }
}
