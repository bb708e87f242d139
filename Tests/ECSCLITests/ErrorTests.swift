import Foundation
import Testing

@testable import ECSCLI

/// Bad command lines: the aws CLI v2's texts (`awscli/argparser.py`, `errorhandler.py`,
/// `argprocess.py`, botocore's validator) and exit statuses (252 for parameters, 255
/// for Python exceptions). Nothing is sent.
@Suite("Errors as the aws CLI reports them")
struct ErrorTests {
    static let usage = """
        usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]
        To see help text, you can run:

          aws help
          aws <command> help
          aws <command> <subcommand> help

        """

    static func argparse(_ message: String) -> String { "\n" + usage + "\naws: error: " + message + "\n\n" }

    @Test("A missing required flag (checked before unknown ones)")
    func missingRequired() {
        #expect(
            Harness.run(["run-task", "--foo"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr: Self.argparse("the following arguments are required: --task-definition")))
        #expect(
            Harness.run(["stop-task", "--reason", "x"]).stderr
                == Self.argparse("the following arguments are required: --task"))
        #expect(
            Harness.run(["tag-resource"]).stderr
                == Self.argparse("the following arguments are required: --resource-arn, --tags"))
    }

    @Test("Unknown flags and stray values")
    func unknownOptions() {
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--foo"])
                == Outcome(status: 252, stdout: "", stderr: "\n" + Self.usage + "\nUnknown options: --foo\n\n"))
        // argparse's positional `help` swallows the first stray value, so it is listed last.
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--foo", "a", "--bar"]).stderr
                == "\n" + Self.usage + "\nUnknown options: --foo, --bar, a\n\n")
    }

    @Test("argparse's own errors")
    func argparseErrors() {
        #expect(
            Harness.run(["run-task", "--task-definition"]).stderr
                == Self.argparse("argument --task-definition: expected one argument"))
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--enable-ecs-managed-tags=yes"]).stderr
                == Self.argparse("argument --enable-ecs-managed-tags: ignored explicit argument 'yes'"))
        #expect(
            Harness.run(["list-tasks", "--max-items", "x"]).stderr
                == Self.argparse("argument --max-items: invalid int value: 'x'"))
        // Global options are matched first, abbreviations included.
        #expect(
            Harness.run(["run-task", "--c", "x"]).stderr
                == Self.argparse(
                    "ambiguous option: --c could match --color, --ca-bundle, --cli-read-timeout, --cli-connect-timeout, "
                        + "--cli-binary-format, --cli-auto-prompt"))
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--en"]).stderr
                == Self.argparse("argument --endpoint-url: expected one argument"))
        #expect(
            Harness.run(["list-clusters", "--output", "xml"]).stderr
                == Self.argparse(
                    "argument --output: Invalid choice, valid choices are:\n\n"
                        + "json                                     | text                                    \n"
                        + "table                                    | yaml                                    \n"
                        + "yaml-stream                             "))
    }

    @Test("An unknown command, and no command")
    func unknownCommand() {
        let outcome = Harness.run(["run-tsk"])
        #expect(outcome.status == 252)
        #expect(
            outcome.stderr.hasPrefix(
                "\n" + Self.usage + "\naws: error: argument operation: Invalid choice, valid choices are:\n\n"))
        #expect(outcome.stderr.hasSuffix("\n\n\nInvalid choice: 'run-tsk', maybe you meant:\n\n  * run-task\n\n"))
        #expect(outcome.stderr.contains("describe-tasks                           | list-clusters"))
        #expect(Harness.run([]).stderr == Self.argparse("the following arguments are required: operation"))
    }

    @Test("Bad shorthand")
    func badShorthand() {
        #expect(
            Harness.run([
                "run-task", "--task-definition", "t", "--network-configuration", "awsvpcConfiguration={subnets=[a,b}",
            ])
                == Outcome(
                    status: 252, stdout: "",
                    stderr:
                        "\nError parsing parameter '--network-configuration': Expected: ',', received: '}' for input:\n"
                        + " awsvpcConfiguration={subnets=[a,b}\n                                 ^\n"))
        #expect(
            Harness.run(["tag-resource", "--resource-arn", "r", "--tags", "key=a,value=b,key=c"]).stderr
                == "\nError parsing parameter '--tags': Second instance of key \"key\" encountered for input:\n"
                + "key=a,value=b,key=c\n              ^\nThis is often because there is a preceding \",\" instead of a space.\n"
        )
    }

    @Test("Bad JSON")
    func badJSON() {
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--overrides", #"{"containerOverrides": [}"#])
                == Outcome(
                    status: 252, stdout: "",
                    stderr:
                        "\nError parsing parameter '--overrides': Invalid JSON: Expecting value: line 1 column 25 (char 24)\n"
                        + "JSON received: {\"containerOverrides\": [}\n"))
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--network-configuration", "[1]"]).stderr
                == "\nError parsing parameter '--network-configuration': Invalid JSON:\n[1]\n")
        #expect(
            Harness.run(["run-task", "--cli-input-json", "{"]).stderr
                == "\nError parsing parameter 'cli-input-json': Invalid JSON received.\n")
        #expect(
            Harness.run(["run-task", "--cli-input-json", "[1]"]).stderr
                == "\nError parsing parameter '--cli-input-json': Invalid type: expecting map, received <class 'list'>\n"
        )
    }

    @Test("A file that cannot be read")
    func missingFile() {
        #expect(
            Harness.run(["run-task", "--cli-input-json", "file:///nonexistent/td.json"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr:
                        "\nError parsing parameter '--cli-input-json': Unable to load paramfile file:///nonexistent/td.json: "
                        + "[Errno 2] No such file or directory: '/nonexistent/td.json'\n"))
        #expect(
            Harness.run(["stop-task", "--task", "t", "--reason", "file:///"]).stderr
                == "\nError parsing parameter '--reason': Unable to load paramfile file:///: [Errno 21] Is a directory: '/'\n"
        )
    }

    @Test("botocore's parameter validation, before anything is sent")
    func validation() {
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--network-configuration", "foo=bar"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr: "\nParameter validation failed:\n"
                        + "Unknown parameter in networkConfiguration: \"foo\", must be one of: awsvpcConfiguration\n"))
        #expect(
            Harness.run(["run-task", "--cli-input-json", #"{"taskDefinition": 1, "cluster": "c"}"#]).stderr
                == "\nParameter validation failed:\n"
                + "Invalid type for parameter taskDefinition, value: 1, type: <class 'int'>, valid types: <class 'str'>\n"
        )
        #expect(
            Harness.run(["run-task", "--cli-input-json", #"{"cluster": "c"}"#]).stderr
                == "\nParameter validation failed:\nMissing required parameter in input: \"taskDefinition\"\n")
    }

    @Test("Python's conversion errors exit 255")
    func conversions() {
        #expect(
            Harness.run(["run-task", "--task-definition", "t", "--count", "abc"])
                == Outcome(status: 255, stdout: "", stderr: "\ninvalid literal for int() with base 10: 'abc'\n"))
        #expect(
            Harness.run([
                "run-task", "--task-definition", "t", "--capacity-provider-strategy", "capacityProvider=x,weight=heavy",
            ]).stderr
                == "\ninvalid literal for int() with base 10: 'heavy'\n")
    }

    @Test("Pagination flags with pagination off")
    func paginationConflicts() {
        #expect(
            Harness.run(["list-tasks", "--max-results", "2", "--max-items", "1"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr: "\nCannot specify --no-paginate along with pagination arguments: --max-items\n"))
        #expect(
            Harness.run(["list-tasks", "--no-paginate", "--starting-token", "x", "--page-size", "2"]).stderr
                == "\nCannot specify --no-paginate along with pagination arguments: --starting-token, --page-size\n")
        // --max-items 0 warns (and, with pagination off, is then an unknown PaginationConfig).
        #expect(
            Harness.run(["list-task-definitions", "--max-items", "0", "--no-paginate"]).stderr
                == "warning: Non-positive values for --max-items may result in undefined behavior.\n\n"
                + "Parameter validation failed:\nUnknown parameter in input: \"PaginationConfig\", must be one of: "
                + "familyPrefix, status, sort, nextToken, maxResults\n")
        // Pagination flags exist only for paginated operations.
        #expect(
            Harness.run(["describe-tasks", "--tasks", "a", "--max-items", "1"]).stderr.contains(
                "Unknown options: --max-items, 1"))
    }

    @Test("wait without a waiter, with an unknown one")
    func waitErrors() {
        #expect(
            Harness.run(["wait"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr: "\nusage: aws [options] ecs wait <subcommand> [parameters]\naws: error: too few arguments\n"
                ))
        #expect(Harness.run(["wait", "--foo"]).stderr == "\nUnknown options: --foo\n")
        let unknown = Harness.run(["wait", "task-running", "--tasks", "a"])
        #expect(unknown.status == 252)
        #expect(
            unknown.stderr.contains(
                "aws: error: argument subcommand: Invalid choice, valid choices are:\n\n"
                    + "tasks-running                            | tasks-stopped                           \n"))
        #expect(unknown.stderr.contains("Invalid choice: 'task-running', maybe you meant:\n\n  * tasks-running"))
        #expect(
            Harness.run(["wait", "tasks-stopped"]).stderr
                == Self.argparse("the following arguments are required: --tasks"))
    }

    @Test("Bad global values")
    func globals() {
        #expect(
            Harness.run(["list-clusters", "--endpoint-url", "localhost"]).stderr
                == "\nBad value for --endpoint-url \"localhost\": scheme is missing.  Must be of the form "
                + "http://<hostname>/ or https://<hostname>/\n")
        let query = Harness.run(["list-clusters", "--query", "clusterArns["])
        #expect(query.status == 252)
        #expect(query.stderr.hasPrefix("\nBad value for --query clusterArns[: "))
        #expect(
            Harness.run(["list-clusters", "--output", "table"])
                == Outcome(
                    status: 252, stdout: "",
                    stderr: "\nberth: --output table is not supported yet; use --output json or --output text\n"))
        // Argument errors come first, as in the aws CLI (which notices the format only when printing).
        #expect(Harness.run(["list-clusters", "--output", "yaml", "--foo"]).stderr.contains("Unknown options: --foo"))
        // Skeletons print whatever the output format.
        #expect(Harness.run(["list-clusters", "--output", "table", "--generate-cli-skeleton"]).status == 0)
        #expect(
            Harness.run(["list-clusters"], environment: ["AWS_DEFAULT_OUTPUT": "xml"])
                == Outcome(status: 255, stdout: "", stderr: "\nUnknown output type: xml\n"))
        #expect(
            Harness.run(["list-clusters", "--cli-read-timeout", "soon"]).stderr
                == "\ninvalid literal for int() with base 10: 'soon'\n")
    }

    @Test("The socket is missing: a clear error, exit 255")
    func missingSocket() {
        let outcome = Harness.run(["list-clusters", "--socket", "/nonexistent/berth.sock"], transport: nil)
        #expect(
            outcome
                == Outcome(
                    status: 255, stdout: "",
                    stderr: "\nberth: cannot reach berthd at /nonexistent/berth.sock: No such file or directory "
                        + "(is berthd running? start it with `berth daemon start`)\n"))
    }
}
