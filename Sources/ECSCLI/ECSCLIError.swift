/// A failed `berth ecs` command: the exact text for stderr and the exit status, as
/// the aws CLI (v2) prints and returns them.
public struct ECSCLIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What goes to stderr, verbatim (the aws CLI starts most errors with an empty line).
    public var stderr: String
    public var exitCode: Int32

    public init(stderr: String, exitCode: Int32) {
        self.stderr = stderr
        self.exitCode = exitCode
    }

    public var description: String { stderr }

    /// The aws CLI's exit statuses (`awscli/constants.py`).
    public enum ExitCode {
        /// Bad arguments, bad parameter syntax or values (argparse errors, `Parameter validation failed`).
        public static let parameterValidation: Int32 = 252
        /// Configuration problems.
        public static let configuration: Int32 = 253
        /// The service answered with an error (`An error occurred (…) when calling …`).
        public static let clientError: Int32 = 254
        /// Everything else: connection failures, waiter failures, Python exceptions.
        public static let general: Int32 = 255
    }

    /// The usage block the aws CLI prints with argument errors (`awscli/argparser.py`).
    static func usage(program: String) -> String {
        "\(program) [options] <command> <subcommand> [<subcommand> ...] [parameters]\n"
            + "To see help text, you can run:\n\n"
            + "  \(program) help\n"
            + "  \(program) <command> help\n"
            + "  \(program) <command> <subcommand> help\n"
    }

    /// An argparse error (`aws: error: the following arguments are required: --cluster`).
    static func argParse(_ message: String, program: String) -> ECSCLIError {
        ECSCLIError(
            stderr: "\nusage: \(usage(program: program))\n\(program): error: \(message)\n\n",
            exitCode: ExitCode.parameterValidation)
    }

    /// Arguments nothing consumed (`Unknown options: --foo, bar`).
    static func unknownOptions(_ options: [String], program: String) -> ECSCLIError {
        ECSCLIError(
            stderr: "\nusage: \(usage(program: program))\nUnknown options: \(options.joined(separator: ", "))\n\n",
            exitCode: ExitCode.parameterValidation)
    }

    /// A value that could not be read (`Error parsing parameter '--tags': …`).
    static func paramError(_ cliName: String, _ message: String) -> ECSCLIError {
        parameterValidation("Error parsing parameter '\(cliName)': \(message)")
    }

    /// Any exit-252 error printed as its bare text.
    static func parameterValidation(_ text: String) -> ECSCLIError {
        ECSCLIError(stderr: "\n\(text)\n", exitCode: ExitCode.parameterValidation)
    }

    /// Any exit-255 error printed as its bare text.
    static func general(_ text: String) -> ECSCLIError {
        ECSCLIError(stderr: "\n\(text)\n", exitCode: ExitCode.general)
    }

    /// botocore's `ClientError`.
    static func client(code: String, message: String, operation: String) -> ECSCLIError {
        ECSCLIError(
            stderr: "\nAn error occurred (\(code)) when calling the \(operation) operation: \(message)\n",
            exitCode: ExitCode.clientError)
    }
}
