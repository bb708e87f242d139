import Foundation
import Testing

@testable import ECSModel

/// The error `StrictJSON.decode` throws for `json`, as the type `T` of `input`'s shape.
private func validationError(_ input: Fixtures.BadInput) throws -> ParameterValidationError {
    let data = input.json.utf8Data
    do {
        if input.shape == "RunTaskRequest" {
            try StrictJSON.validate(data, shape: input.shape)
        } else {
            _ = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: data)
        }
    } catch let error as ParameterValidationError {
        return error
    }
    Issue.record("\(input.name): no ParameterValidationError")
    return ParameterValidationError(problems: [])
}

@Suite("StrictJSON validation (botocore's wording)")
struct StrictJSONTests {
    @Test("Reports match botocore's text", arguments: Fixtures.allBadInputs.map { $0.name })
    func reportsMatchBotocore(name: String) throws {
        let input = try #require(Fixtures.allBadInputs.first { $0.name == name })
        let error = try validationError(input)
        #expect(error.description == input.expected)
        #expect(String(describing: error) == input.expected)
    }

    @Test("Unknown members: structured problems")
    func unknownMembers() throws {
        let error = try validationError(Fixtures.unknownMembers)
        #expect(error.problems.count == 2)
        #expect(
            error.problems[0]
                == .unknownParameter(
                    path: "input", parameter: "foo",
                    validNames: ShapeTable.memberNames(of: "RegisterTaskDefinitionRequest")!))
        #expect(error.problems[1].path == "containerDefinitions[1].linuxParameters")
        #expect(error.report.split(separator: "\n").count == 2)
    }

    @Test("Missing required member: family")
    func missingFamily() throws {
        let json = #"{"containerDefinitions":[]}"#
        #expect(throws: ParameterValidationError(problems: [.missingRequired(path: "input", member: "family")])) {
            try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: json.utf8Data)
        }
        let error = try validationError(Fixtures.missingRequired)
        #expect(
            error.problems.contains(.missingRequired(path: "containerDefinitions[0].ulimits[0]", member: "hardLimit")))
    }

    @Test("Wrong type: the problem carries Python's value and type")
    func wrongType() throws {
        let json = #"{"family":"f","containerDefinitions":[{"name":"a","cpu":"x"}]}"#
        let expected = ParameterValidationError(problems: [
            .invalidType(
                path: "containerDefinitions[0].cpu", value: "x", type: "<class 'str'>", validTypes: ["<class 'int'>"])
        ])
        #expect(throws: expected) {
            try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: json.utf8Data)
        }
        #expect(
            expected.description == """
                Parameter validation failed:
                Invalid type for parameter containerDefinitions[0].cpu, value: x, type: <class 'str'>, valid types: <class 'int'>
                """)
    }

    @Test("A top level that is not an object is named input")
    func topLevelNotObject() {
        #expect(
            throws: ParameterValidationError(problems: [
                .invalidType(path: "input", value: "[]", type: "<class 'list'>", validTypes: ["<class 'dict'>"])
            ])
        ) {
            try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: "[]".utf8Data)
        }
    }

    @Test("Where botocore is laxer than ECS: bools are not integers, integers must fit 32 bits")
    func stricterThanBotocore() throws {
        let json = #"""
            {"family":"f","containerDefinitions":[{"name":"a","cpu":true,"memory":2147483648,"memoryReservation":-99999999999999999999,"portMappings":[{"containerPort":2147483647}]}]}
            """#
        let problems = try StrictJSON.problems(in: json.utf8Data, shape: "RegisterTaskDefinitionRequest")
        #expect(
            problems.map(\.message) == [
                "Invalid type for parameter containerDefinitions[0].cpu, value: True, type: <class 'bool'>, valid types: <class 'int'>",
                "Invalid value for parameter containerDefinitions[0].memory, value: 2147483648, valid max value: 2147483647",
                "Invalid value for parameter containerDefinitions[0].memoryReservation, value: -99999999999999999999, valid min value: -2147483648",
            ])
    }

    @Test("Repeated keys: the last value wins, at the first key's place (as json.loads)")
    func repeatedKeys() throws {
        let json = #"{"family":1,"containerDefinitions":[],"family":"f"}"#
        let request = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: json.utf8Data)
        #expect(request.family == "f")
    }

    @Test(
        "Malformed JSON reports Python's message and position",
        arguments: [
            ("", "Expecting value: line 1 column 1 (char 0)"),
            ("{\"family\": }", "Expecting value: line 1 column 12 (char 11)"),
            ("{\n  family: 1}", "Expecting property name enclosed in double quotes: line 2 column 3 (char 4)"),
            ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
            ("{\"a\": 1 \"b\": 2}", "Expecting ',' delimiter: line 1 column 9 (char 8)"),
            ("{\"a\": \"x", "Unterminated string starting at: line 1 column 7 (char 6)"),
            ("{\"a\": \"\\q\"}", "Invalid \\escape: line 1 column 8 (char 7)"),
            ("{} x", "Extra data: line 1 column 4 (char 3)"),
            ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
            ("{\"a\": 01}", "Expecting ',' delimiter: line 1 column 8 (char 7)"),
        ])
    func malformedJSON(json: String, message: String) {
        #expect(throws: JSONSyntaxError.self) {
            try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: json.utf8Data)
        }
        do {
            _ = try StrictJSON.problems(in: json.utf8Data, shape: "RegisterTaskDefinitionRequest")
        } catch let error as JSONSyntaxError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("Valid input has no problems; RunTask input validates by shape name")
    func validInputs() throws {
        #expect(try StrictJSON.problems(in: Fixtures.seed.utf8Data, shape: "RegisterTaskDefinitionRequest").isEmpty)
        #expect(
            try StrictJSON.problems(in: Fixtures.fullFeatured.utf8Data, shape: "RegisterTaskDefinitionRequest").isEmpty)
        let runTask = #"""
            {"cluster":"default","taskDefinition":"fargate-task:1","launchType":"FARGATE","count":1,"networkConfiguration":{"awsvpcConfiguration":{"subnets":["subnet-1"],"assignPublicIp":"ENABLED"}},"overrides":{"containerOverrides":[{"name":"my-container","command":["echo","hi"],"environment":[{"name":"A","value":"1"}]}]},"enableExecuteCommand":false,"tags":[{"key":"k","value":"v"}]}
            """#
        try StrictJSON.validate(runTask.utf8Data, shape: "RunTaskRequest")
    }

    @Test("Types that are not ECS shapes are decoded without validation")
    func nonShapeTypes() throws {
        let names = try StrictJSON.decode([String].self, from: #"["a","b"]"#.utf8Data)
        #expect(names == ["a", "b"])
    }
}

@Suite("Python printing")
struct PythonReprTests {
    @Test(
        "repr(float)",
        arguments: [
            (1.5, "1.5"), (-0.0, "-0.0"), (0.0, "0.0"), (1e20, "1e+20"), (0.0001, "0.0001"), (1e-5, "1e-05"),
            (100.0, "100.0"), (1e16, "1e+16"), (123456789012345678.0, "1.2345678901234568e+17"),
            (9999999999999998.0, "9999999999999998.0"), (0.1, "0.1"), (1.0 / 3.0, "0.3333333333333333"),
            (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"),
            (2.5e-7, "2.5e-07"),
            (123.456, "123.456"), (-1e100, "-1e+100"), (Double.infinity, "inf"),
        ])
    func floats(value: Double, expected: String) {
        #expect(PythonRepr.repr(float: value) == expected)
    }

    @Test(
        "repr(str)",
        arguments: [
            ("abc", "'abc'"), ("it's", "\"it's\""), ("say \"hi\"", "'say \"hi\"'"),
            ("both ' and \"", "'both \\' and \"'"),
            ("back\\slash", "'back\\\\slash'"), ("\t\n\r", "'\\t\\n\\r'"), ("\u{7F}\u{01}", "'\\x7f\\x01'"),
            ("é😀", "'é😀'"), ("\u{A0}\u{AD}\u{2028}", "'\\xa0\\xad\\u2028'"), ("\u{E000}", "'\\ue000'"),
            ("\u{F0000}", "'\\U000f0000'"), (" ", "' '"),
        ])
    func strings(value: String, expected: String) {
        #expect(PythonRepr.repr(string: value) == expected)
    }
}
