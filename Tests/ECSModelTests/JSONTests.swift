import Foundation
import Testing

@testable import ECSModel

@Suite("JSON (Python's json.loads and json.dumps)")
struct JSONTests {
    @Test("Members keep document order; a repeated key keeps its first place and its last value")
    func memberOrder() throws {
        let value = try JSON.parse(#"{"b":1,"a":2,"b":3}"#)
        #expect(value == .object([JSONMember("b", .integer("3")), JSONMember("a", .integer("2"))]))
        #expect(value["b"] == .integer("3"))
        #expect(value.members?.map(\.key) == ["b", "a"])
    }

    @Test("Integers keep their exact text, other numbers are doubles")
    func numbers() throws {
        let value = try JSON.parse("[123456789012345678901234567890, -0, 1.5, 1e2, 1E-2, 1e999]")
        #expect(
            value
                == .array([
                    .integer("123456789012345678901234567890"), .integer("0"), .double(1.5), .double(100),
                    .double(0.01), .double(.infinity),
                ]))
    }

    @Test("NaN and Infinity: read as Python does, refused as RFC 8259 JSON")
    func nonFiniteNumbers() throws {
        let value = try JSON.parse("[Infinity, -Infinity, -1]")
        #expect(value == .array([.double(.infinity), .double(-.infinity), .integer("-1")]))
        guard case .array(let items) = try JSON.parse("[NaN]"), case .double(let d) = items.first else {
            Issue.record("NaN is not a double")
            return
        }
        #expect(d.isNaN)
        #expect(throws: JSONSyntaxError(message: "Expecting value", line: 1, column: 2, offset: 1)) {
            try JSON.parse("[NaN]", allowingNaN: false)
        }
        #expect(throws: JSONSyntaxError(message: "Expecting value", line: 2, column: 6, offset: 14)) {
            try JSON.parse("{\"a\": 1,\n\"b\": -Infinity}", allowingNaN: false)
        }
    }

    @Test("Errors name the first place Python's scanner fails")
    func errors() {
        #expect(throws: JSONSyntaxError(message: "Expecting value", line: 1, column: 7, offset: 6)) {
            try JSON.parse("[NaN, }")
        }
        #expect(throws: JSONSyntaxError(message: "Input is not valid UTF-8", line: 1, column: 1, offset: 0)) {
            try JSON.parse(Data([0x22, 0xFF, 0x22]))
        }
    }

    @Test("json.dumps: separators, indent, ensure_ascii")
    func dumps() throws {
        let value = JSON.object([
            JSONMember("a", .array([.int(1), .double(2), .null, .bool(true)])), JSONMember("é", .object([])),
            JSONMember("s", .string("\u{8}\u{C}\u{1}\u{7F}😀")), JSONMember("n", .double(-.infinity)),
        ])
        #expect(
            value.pythonDumps()
                == #"{"a": [1, 2.0, null, true], "\u00e9": {}, "s": "\b\f\u0001\u007f\ud83d\ude00", "n": -Infinity}"#)
        #expect(
            value.compactText == "{\"a\":[1,2.0,null,true],\"é\":{},\"s\":\"\\b\\f\\u0001\u{7F}😀\",\"n\":-Infinity}")
        #expect(
            value.pythonDumps(indent: 2, ensureASCII: false)
                == "{\n  \"a\": [\n    1,\n    2.0,\n    null,\n    true\n  ],\n  \"é\": {},\n"
                + "  \"s\": \"\\b\\f\\u0001\u{7F}😀\",\n  \"n\": -Infinity\n}")
        #expect(try JSON.parse(value.compactText) == value)
    }

    @Test("An API body with NaN is malformed, where the CLI's input may have it")
    func strictJSONRefusesNaN() {
        #expect(throws: JSONSyntaxError(message: "Expecting value", line: 1, column: 12, offset: 11)) {
            try StrictJSON.validate(Data(#"{"family": NaN}"#.utf8), shape: "RegisterTaskDefinitionRequest")
        }
    }
}
