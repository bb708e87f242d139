import ECSModel
import Foundation

/// The aws CLI's global options, as `berth ecs` understands them.
public struct ECSGlobalOptions: Sendable, Equatable {
    /// `--output` (or `AWS_DEFAULT_OUTPUT`): `json` or `text`.
    public var output: String = "json"
    /// `--query`, uncompiled.
    public var query: String?
    /// `--region`, `--profile`: accepted and ignored (berthd is local).
    public var region: String?
    public var profile: String?
    /// `--endpoint-url`: `unix:///path` selects berthd's socket; anything else is ignored.
    public var endpointURL: String?
    /// `--debug`: the request and response are written to stderr.
    public var debug = false
    /// False with `--no-paginate` (or a manual `--next-token`/`--max-results`).
    public var paginate = true
    /// berthd's socket: `--socket`, a `unix://` endpoint URL, `BERTH_SOCKET`, or `/run/berth/berth.sock`.
    public var socketPath: String = ECSCommandLine.defaultSocketPath
    /// `--cli-connect-timeout` / `--cli-read-timeout` in seconds (default 60); nil for none (0).
    public var connectTimeout: Double? = 60
    public var readTimeout: Double? = 60

    public init() {}
}

/// An operation call `berth ecs <verb>` resolved to: the operation, its request body
/// (before validation) and how to page and print the result.
public struct ECSOperationCall: Sendable {
    /// `RunTask`.
    public var operation: String
    /// The request body, members in the order the aws CLI builds them.
    public var parameters: JSON
    /// `--starting-token`/`--page-size`/`--max-items` for a paginated call; nil when the
    /// call is not paginated (not a paginated operation, or pagination turned off).
    public var pagination: PaginationOptions?
    public var globals: ECSGlobalOptions
    /// A `PaginationConfig` the aws CLI would pass to an unpaginated call (which then
    /// fails validation as an unknown parameter).
    var leftoverPagination: PaginationOptions?
    /// Warnings to print on stderr before anything else (the aws CLI's `--max-items 0` warning).
    public var warnings = ""
    var query: JMESPath.Expression?
    var paginator: PaginatorConfig?

    /// The (first) request's body as sent: for a paginated call with `--starting-token`
    /// and `--page-size` applied; with a leftover `PaginationConfig` as the aws CLI would
    /// pass it (validation then rejects it).
    public var requestBody: JSON {
        var body = parameters
        if let pagination, let paginator {
            body = PageIterator(config: paginator, options: pagination).firstRequest(parameters)
        }
        if let leftoverPagination { body.set("PaginationConfig", leftoverPagination.asJSON) }
        return body
    }
}

/// What a `berth ecs` command line asks for.
public enum ECSInvocation: Sendable {
    /// Send a request (or pages of requests) and print the response.
    case call(ECSOperationCall)
    /// `berth ecs wait <waiter>`: poll the operation until the waiter succeeds or fails.
    case wait(waiter: String, ECSOperationCall)
    /// Print this to stdout and exit 0 (`--generate-cli-skeleton`, `help`, `--version`).
    case print(String)
    /// `--generate-cli-skeleton output`: validate, then print a sample response.
    case outputSkeleton(ECSOperationCall)
}

/// `berth ecs <verb> [flags]` -> an `ECSInvocation`, accepting and rejecting exactly what
/// `aws ecs <verb> [flags]` (aws CLI v2) does, with its messages and exit statuses.
/// Pure apart from reading `file://` values.
public struct ECSCommandLine: Sendable {
    public static let defaultSocketPath = "/run/berth/berth.sock"

    /// The name in usage and error texts; `aws`, so errors read exactly as the aws CLI's.
    public var program: String
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, program: String = "aws") {
        self.environment = environment
        self.program = program
    }

    /// Parses `verb` and its arguments (`run-task`, `["--cluster", "c", …]`).
    public func parse(verb: String, arguments: [String]) throws(ECSCLIError) -> ECSInvocation {
        try parse([verb] + arguments)
    }

    /// The operation and request body for `verb` and its arguments (no validation).
    public func request(verb: String, arguments: [String]) throws(ECSCLIError) -> (operation: String, body: JSON) {
        switch try parse(verb: verb, arguments: arguments) {
        case .call(let call), .wait(_, let call), .outputSkeleton(let call): return (call.operation, call.requestBody)
        case .print(let text): throw ECSCLIError(stderr: text, exitCode: 0)
        }
    }

    /// Parses everything after `ecs` (global options may appear anywhere, as with aws).
    public func parse(_ arguments: [String]) throws(ECSCLIError) -> ECSInvocation {
        let mainResult: ArgParser.Result
        do {
            mainResult = try ECSCommandLine.globalParser.parseKnownArgs(arguments)
        } catch {
            if error.isVersion { return .print(ECSCommandLine.versionText + "\n") }
            throw .argParse(error.message, program: program)
        }
        let (globals, query) = try resolveGlobals(mainResult)

        // ServiceArgParser: the first positional names the operation.
        let choices = ECSCommandLine.commandNames
        let serviceParser = ArgParser([.init(optionString: nil, dest: "operation", choices: choices, required: true)])
        let serviceResult: ArgParser.Result
        do {
            serviceResult = try serviceParser.parseKnownArgs(mainResult.extras)
        } catch {
            throw .argParse(error.message, program: program)
        }
        guard case .string(let command)? = serviceResult["operation"] else {
            throw .argParse("the following arguments are required: operation", program: program)
        }
        let rest = serviceResult.extras
        let invocation: ECSInvocation
        switch command {
        case "help":
            return .print(serviceHelp())
        case "wait":
            invocation = try parseWait(rest, globals: globals, query: query)
        default:
            let operation = ECSCommandLine.operationName(forCommand: command)!
            invocation = try parseOperation(
                operation, command: command, rest, globals: globals, query: query, isWaiter: false)
        }
        if case .print = invocation { return invocation }
        // The aws CLI finds out only when printing, after the request; berth says so before sending.
        switch globals.output {
        case "json", "text":
            return invocation
        case "table", "yaml", "yaml-stream":
            throw .parameterValidation(
                "berth: --output \(globals.output) is not supported yet; use --output json or --output text")
        default:
            throw .general("Unknown output type: \(globals.output)")
        }
    }

    // MARK: global options

    static let globalParser = ArgParser([
        .init(optionString: "--debug", dest: "debug", nargs: .zero, action: .storeTrue),
        .init(optionString: "--endpoint-url", dest: "endpoint_url"),
        .init(optionString: "--no-verify-ssl", dest: "verify_ssl", nargs: .zero, action: .storeFalse),
        .init(optionString: "--no-paginate", dest: "paginate", nargs: .zero, action: .storeFalse),
        .init(optionString: "--output", dest: "output", choices: ["json", "text", "table", "yaml", "yaml-stream"]),
        .init(optionString: "--query", dest: "query"),
        .init(optionString: "--profile", dest: "profile"),
        .init(optionString: "--region", dest: "region"),
        .init(optionString: "--color", dest: "color", choices: ["on", "off", "auto"]),
        .init(optionString: "--no-sign-request", dest: "sign_request", nargs: .zero, action: .storeFalse),
        .init(optionString: "--ca-bundle", dest: "ca_bundle"),
        .init(optionString: "--cli-read-timeout", dest: "read_timeout"),
        .init(optionString: "--cli-connect-timeout", dest: "connect_timeout"),
        .init(
            optionString: "--cli-binary-format", dest: "cli_binary_format", choices: ["base64", "raw-in-base64-out"]),
        .init(optionString: "--no-cli-pager", dest: "no_cli_pager", nargs: .zero, action: .storeTrue),
        .init(optionString: "--cli-auto-prompt", dest: "cli_auto_prompt", nargs: .zero, action: .storeTrue),
        .init(optionString: "--no-cli-auto-prompt", dest: "no_cli_auto_prompt", nargs: .zero, action: .storeTrue),
        // berth's own: where berthd listens.
        .init(optionString: "--socket", dest: "socket"),
        .init(optionString: "--version", dest: "version", nargs: .zero, action: .version),
    ])

    static var versionText: String {
        "berth-ecs (aws-cli/2 compatible) botocore-model/\(ShapeTable.botocoreVersion) ecs/\(ShapeTable.apiVersion)"
    }

    private func resolveGlobals(_ result: ArgParser.Result) throws(ECSCLIError) -> (
        ECSGlobalOptions, JMESPath.Expression?
    ) {
        var globals = ECSGlobalOptions()
        func string(_ dest: String) -> String? {
            if case .string(let s)? = result[dest] { return s }
            return nil
        }
        globals.debug = result["debug"] == .flag(true)
        globals.paginate = result["paginate"] != .flag(false)
        globals.region = string("region")
        globals.profile = string("profile")
        if let output = string("output") {
            globals.output = output
        } else if let output = environment["AWS_DEFAULT_OUTPUT"], !output.isEmpty {
            globals.output = output
        }
        // globalargs.resolve_types: --query, then --endpoint-url; then the timeouts.
        var query: JMESPath.Expression?
        if let text = string("query") {
            globals.query = text
            do {
                query = try JMESPath.compile(text)
            } catch {
                throw .parameterValidation("Bad value for --query \(text): \(error.message)")
            }
        }
        var endpointSocket: String?
        if let url = string("endpoint_url") {
            globals.endpointURL = url
            guard let scheme = ECSCommandLine.urlScheme(url), !scheme.isEmpty else {
                throw .parameterValidation(
                    "Bad value for --endpoint-url \"\(url)\": scheme is missing.  Must be of the form "
                        + "http://<hostname>/ or https://<hostname>/")
            }
            if scheme.lowercased() == "unix" {
                var path = String(url.dropFirst(scheme.count + 1))
                if path.hasPrefix("//") { path.removeFirst(2) }
                if !path.isEmpty { endpointSocket = path.removingPercentEncoding ?? path }
            }
        }
        globals.readTimeout = try timeout(string("read_timeout"))
        globals.connectTimeout = try timeout(string("connect_timeout"))
        if let socket = string("socket") {
            globals.socketPath = socket
        } else if let endpointSocket {
            globals.socketPath = endpointSocket
        } else if let socket = environment["BERTH_SOCKET"], !socket.isEmpty {
            globals.socketPath = socket
        }
        return (globals, query)
    }

    /// `int(value)` seconds, 0 meaning no timeout; 60 by default.
    private func timeout(_ value: String?) throws(ECSCLIError) -> Double? {
        guard let value else { return 60 }
        guard let text = PythonText.intLiteral(value), let seconds = Int(text) else {
            throw .general("invalid literal for int() with base 10: \(PythonText.repr(value))")
        }
        return seconds == 0 ? nil : Double(seconds)
    }

    /// `urllib.parse.urlparse(url).scheme`.
    static func urlScheme(_ url: String) -> String? {
        guard let colon = url.firstIndex(of: ":") else { return "" }
        let scheme = url[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return "" }
        return String(scheme)
    }

    // MARK: commands

    /// The ECS commands berth serves (every operation in the shape table), `wait` and `help`.
    static var commandNames: [String] {
        ShapeTable.operations.keys.sorted().map(NameTransform.kebab) + ["wait", "help"]
    }

    static func operationName(forCommand command: String) -> String? {
        ShapeTable.operations.keys.first { NameTransform.kebab($0) == command }
    }

    private func parseWait(_ args: [String], globals: ECSGlobalOptions, query: JMESPath.Expression?)
        throws(ECSCLIError) -> ECSInvocation
    {
        let waiters = Waiters.available
        if args == ["help"] { return .print(waitHelp()) }
        let parser = ArgParser([
            .init(optionString: nil, dest: "subcommand", nargs: .optional, choices: waiters.map(\.cliName))
        ])
        let result: ArgParser.Result
        do {
            result = try parser.parseKnownArgs(args)
        } catch {
            throw .argParse(error.message, program: program)
        }
        guard case .string(let name)? = result["subcommand"] else {
            if !result.extras.isEmpty {
                throw .parameterValidation("Unknown options: " + result.extras.joined(separator: ","))
            }
            throw .parameterValidation(
                "usage: \(program) [options] ecs wait <subcommand> [parameters]\n\(program): error: too few arguments")
        }
        var rest = args
        rest.remove(at: rest.firstIndex(of: name)!)
        let config = waiters.first { $0.cliName == name }!.config
        let invocation = try parseOperation(
            config.operation, command: name, rest, globals: globals, query: query, isWaiter: true)
        if case .call(let call) = invocation { return .wait(waiter: config.name, call) }
        return invocation
    }

    private func parseOperation(
        _ operation: String, command: String, _ args: [String], globals: ECSGlobalOptions,
        query: JMESPath.Expression?, isWaiter: Bool
    ) throws(ECSCLIError) -> ECSInvocation {
        var table = ArgumentTable(operation: operation, isWaiter: isWaiter)
        if args == ["help"] { return .print(operationHelp(operation, command: command, table: table)) }
        table.overrideRequired(for: args)
        let parsed: ArgParser.Result
        do {
            parsed = try table.parser.parseKnownArgs(args)
        } catch {
            throw .argParse(error.message, program: program)
        }
        var remaining = parsed.extras
        if case .string(let help)? = parsed["help"] {
            if help == "help" { return .print(operationHelp(operation, command: command, table: table)) }
            remaining.append(help)
        }
        if !remaining.isEmpty { throw .unknownOptions(remaining, program: program) }

        // operation-args-parsed: a manual --next-token/--max-results turns pagination off,
        // and then --starting-token/--page-size/--max-items may not be used.
        var globals = globals
        if let paginator = table.paginator {
            for token in [paginator.inputToken, paginator.limitKey] {
                let dest = NameTransform.kebab(token).replacingOccurrences(of: "-", with: "_")
                if parsed[dest] != nil { globals.paginate = false }
            }
            if !globals.paginate {
                let used = [
                    ("starting_token", "--starting-token"), ("page_size", "--page-size"), ("max_items", "--max-items"),
                ]
                .filter { ECSCommandLine.truthy(parsed[$0.0]) }.map(\.1)
                if !used.isEmpty {
                    throw .parameterValidation(
                        "Cannot specify --no-paginate along with pagination arguments: " + used.joined(separator: ", "))
                }
            }
        }

        // What the aws CLI prints on stderr along the way (before any later error).
        var warnings = ""
        do throws(ECSCLIError) {
            // _build_call_parameters, in argument-table order.
            let loader = ParamFileLoader(environment: environment)
            let dests = table.dests
            var parameters = JSON.object([])
            var pagination = PaginationOptions()
            var cliInputJSON: String?
            var cliInputYAML: String?
            var skeleton: String?
            for argument in table.arguments where dests.contains(argument.pyName) {
                let value = try loadParamFile(parsed[argument.pyName], cliName: argument.cliName, loader: loader)
                guard let value else { continue }
                switch argument.role {
                case .member(let name, let shape):
                    parameters.set(
                        name,
                        try ArgumentUnpacker(loader: loader).unpack(value, shape: shape, cliName: argument.cliName))
                case .boolean(let member):
                    if case .flag(let b) = value { parameters.set(member, .bool(b)) }
                case .startingToken:
                    if case .string(let s) = value { pagination.startingToken = s }
                case .pageSize:
                    pagination.pageSize = ECSCommandLine.intValue(value)
                case .maxItems:
                    pagination.maxItems = ECSCommandLine.intValue(value)
                    if let maxItems = pagination.maxItems, maxItems <= 0 {
                        warnings += "warning: Non-positive values for --max-items may result in undefined behavior.\n"
                    }
                case .cliInputJSON:
                    if case .string(let s) = value { cliInputJSON = s }
                case .cliInputYAML:
                    if case .string(let s) = value { cliInputYAML = s }
                case .generateSkeleton:
                    if case .string(let s) = value { skeleton = s }
                }
            }

            // calling-command: --cli-input-json fills in what the flags did not set.
            if cliInputJSON != nil && cliInputYAML != nil {
                throw .parameterValidation("Only one --cli-input- parameter may be specified.")
            }
            if let text = cliInputJSON {
                let loaded: JSON
                do {
                    loaded = try JSON.parse(text)
                } catch {
                    throw .paramError("cli-input-json", "Invalid JSON received.")
                }
                guard case .object(let members) = loaded else {
                    throw .paramError(
                        "--cli-input-json",
                        "Invalid type: expecting map, received <class '\(PythonText.typeName(loaded))'>")
                }
                for member in members where parameters[member.key] == nil { parameters.set(member.key, member.value) }
            }
            if cliInputYAML != nil {
                throw .parameterValidation("berth: --cli-input-yaml is not supported; use --cli-input-json")
            }

            let paginated = table.paginator != nil && globals.paginate
            var call = ECSOperationCall(
                operation: operation, parameters: parameters, pagination: paginated ? pagination : nil,
                globals: globals,
                leftoverPagination: !paginated && !pagination.isEmpty ? pagination : nil, query: query,
                paginator: paginated ? table.paginator : nil)
            call.warnings = warnings

            switch skeleton {
            case "input"?:
                let input = ShapeTable.operations[operation]?.input
                let sample = input.map { Skeleton.generate($0, useMemberNames: false) } ?? .object([])
                return .print(sample.pythonDumps(indent: 4, ensureASCII: true) + "\n")
            case "output"?:
                return .outputSkeleton(call)
            case "yaml-input"?:
                throw .parameterValidation("berth: --generate-cli-skeleton yaml-input is not supported; use input")
            default:
                return .call(call)
            }
        } catch {
            var failure = error
            failure.stderr = warnings + failure.stderr
            throw failure
        }
    }

    /// `load-cli-arg`: a `file://` value (or a one-item list of one) becomes the file's contents.
    private func loadParamFile(_ value: ArgParser.Value?, cliName: String, loader: ParamFileLoader)
        throws(ECSCLIError) -> ArgParser.Value?
    {
        let candidate: String
        switch value {
        case .string(let s)?: candidate = s
        case .list(let items)? where items.count == 1: candidate = items[0]
        default: return value
        }
        do {
            if let contents = try loader.load(candidate) { return .string(contents) }
        } catch {
            throw .paramError(cliName, error.message)
        }
        return value
    }

    static func truthy(_ value: ArgParser.Value?) -> Bool {
        switch value {
        case nil: return false
        case .string(let s)?: return !s.isEmpty
        case .list(let l)?: return !l.isEmpty
        case .flag(let b)?: return b
        case .int(let t)?: return t != "0"
        case .float(let d)?: return d != 0
        }
    }

    static func intValue(_ value: ArgParser.Value) -> Int? {
        switch value {
        case .int(let text): return Int(text) ?? (text.hasPrefix("-") ? Int.min : Int.max)
        case .string(let s): return PythonText.intLiteral(s).flatMap { Int($0) }
        default: return nil
        }
    }

    // MARK: help

    private func serviceHelp() -> String {
        var text = "berth ecs: the Amazon ECS API of berthd, with the aws CLI's arguments and output.\n\n"
        text += "USAGE\n    berth ecs [options] <command> [parameters]\n\nCOMMANDS\n"
        for name in ECSCommandLine.commandNames where name != "help" { text += "    \(name)\n" }
        text += "\nGLOBAL OPTIONS\n"
        text += "    --output json|text  --query <jmespath>  --no-paginate  --debug\n"
        text +=
            "    --socket <path>     berthd's socket (also BERTH_SOCKET; default \(ECSCommandLine.defaultSocketPath))\n"
        text +=
            "    --endpoint-url unix:///path selects the socket; other endpoints, --region and --profile are ignored.\n"
        return text
    }

    private func waitHelp() -> String {
        var text = "berth ecs wait <waiter> [parameters]\n\nWAITERS\n"
        for (name, config) in Waiters.available {
            text += "    \(name)  (polls \(NameTransform.kebab(config.operation)) every \(Int(config.delay)) s, "
            text += "at most \(config.maxAttempts) times; BERTH_WAITER_DELAY overrides the delay)\n"
        }
        return text
    }

    private func operationHelp(_ operation: String, command: String, table: ArgumentTable) -> String {
        var text = "\(command)\n\nSYNOPSIS\n            \(command)\n"
        for argument in table.arguments {
            let p = argument.parserArgument
            var usage = argument.cliName
            switch p.nargs {
            case .zero: break
            case .optional: usage += " [<value>]"
            default: usage += " <value>"
            }
            if case .boolean = argument.role, p.action == .storeFalse { continue }
            if case .boolean(let member) = argument.role {
                let negative = table.arguments.first {
                    $0.role == .boolean(member: member) && $0.parserArgument.action == .storeFalse
                }
                usage = "\(argument.cliName) | \(negative?.cliName ?? "--no-" + argument.name)"
            }
            text += p.required ? "          \(usage)\n" : "          [\(usage)]\n"
        }
        text += "\nValues follow the aws CLI: JSON or shorthand for structures, several values for lists, "
        text += "file://path for any value.\n"
        return text
    }
}
