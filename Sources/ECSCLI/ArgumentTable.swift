import ECSModel

/// One argument of an operation command, as the aws CLI builds its argument table
/// (`ServiceOperation._create_argument_table` plus the customizations that apply to ECS).
struct CLIArgument {
    enum Role: Equatable {
        /// An input member: `--cluster`, `--tasks a b`, `--network-configuration …`.
        case member(name: String, shape: String)
        /// `--enable-ecs-managed-tags` / `--no-enable-ecs-managed-tags`.
        case boolean(member: String)
        case cliInputJSON
        case cliInputYAML
        case generateSkeleton
        case startingToken
        case pageSize
        case maxItems
    }

    /// The name without `--`.
    var name: String
    var role: Role
    var parserArgument: ArgParser.Argument

    var cliName: String { "--" + name }
    /// argparse's `py_name`: the namespace key this argument reads its value from.
    var pyName: String { name.replacingOccurrences(of: "-", with: "_") }
}

/// The argument table of an operation command (or of a waiter command, which takes its
/// operation's arguments).
struct ArgumentTable {
    var arguments: [CLIArgument]
    /// The paginator when the command is a paginated operation (not for waiters).
    var paginator: PaginatorConfig?

    init(operation: String, isWaiter: Bool) {
        var table: [CLIArgument] = []
        guard let input = ShapeTable.operations[operation]?.input,
            case .structure(let required, let members)? = ShapeTable.shapes[input]
        else {
            self.arguments = []
            return
        }
        for member in members {
            let name = NameTransform.kebab(member.name)
            let dest = name.replacingOccurrences(of: "-", with: "_")
            let isRequired = required.contains(member.name)
            switch ShapeTable.shapes[member.shape] {
            case .boolean?:
                table.append(
                    CLIArgument(
                        name: name, role: .boolean(member: member.name),
                        parserArgument: .init(optionString: "--" + name, dest: dest, nargs: .zero, action: .storeTrue)))
                table.append(
                    CLIArgument(
                        name: "no-" + name, role: .boolean(member: member.name),
                        parserArgument: .init(
                            optionString: "--no-" + name, dest: dest, nargs: .zero, action: .storeFalse)))
            case .list?:
                table.append(
                    CLIArgument(
                        name: name, role: .member(name: member.name, shape: member.shape),
                        parserArgument: .init(
                            optionString: "--" + name, dest: dest, nargs: .zeroOrMore, required: isRequired)))
            default:
                let conversion: ArgParser.Conversion
                switch ShapeTable.shapes[member.shape] {
                case .long?: conversion = .int
                case .double?: conversion = .float
                default: conversion = .string
                }
                table.append(
                    CLIArgument(
                        name: name, role: .member(name: member.name, shape: member.shape),
                        parserArgument: .init(
                            optionString: "--" + name, dest: dest, conversion: conversion, required: isRequired)))
            }
        }
        // awscli/customizations/argrename.py: 'ecs.*.no-enable-execute-command' ->
        // 'disable-execute-command' (the renamed argument moves to the end of the model's).
        if !isWaiter, let k = table.firstIndex(where: { $0.name == "no-enable-execute-command" }) {
            var renamed = table.remove(at: k)
            renamed.name = "disable-execute-command"
            renamed.parserArgument.optionString = "--disable-execute-command"
            table.append(renamed)
        }
        table.append(
            CLIArgument(
                name: "cli-input-json", role: .cliInputJSON,
                parserArgument: .init(optionString: "--cli-input-json", dest: "cli_input_json")))
        table.append(
            CLIArgument(
                name: "cli-input-yaml", role: .cliInputYAML,
                parserArgument: .init(optionString: "--cli-input-yaml", dest: "cli_input_yaml")))
        if !isWaiter, let paginator = Paginators.config(for: operation) {
            self.paginator = paginator
            table.append(
                CLIArgument(
                    name: "starting-token", role: .startingToken,
                    parserArgument: .init(optionString: "--starting-token", dest: "starting_token")))
            table.append(
                CLIArgument(
                    name: "page-size", role: .pageSize,
                    parserArgument: .init(optionString: "--page-size", dest: "page_size", conversion: .int)))
            table.append(
                CLIArgument(
                    name: "max-items", role: .maxItems,
                    parserArgument: .init(optionString: "--max-items", dest: "max_items", conversion: .int)))
        }
        table.append(
            CLIArgument(
                name: "generate-cli-skeleton", role: .generateSkeleton,
                parserArgument: .init(
                    optionString: "--generate-cli-skeleton", dest: "generate_cli_skeleton", nargs: .optional,
                    const: "input", choices: ["input", "output", "yaml-input"])))
        self.arguments = table
    }

    /// `OverrideRequiredArgsArgument`: `--cli-input-json`, `--cli-input-yaml` or
    /// `--generate-cli-skeleton` (except `… output`) on the command line make every
    /// argument optional. Only the exact option strings count, as in the aws CLI.
    mutating func overrideRequired(for args: [String]) {
        var override = args.contains("--cli-input-json") || args.contains("--cli-input-yaml")
        if let k = args.firstIndex(of: "--generate-cli-skeleton") {
            if !(k + 1 < args.count && args[k + 1] == "output") { override = true }
        }
        if override {
            for k in arguments.indices { arguments[k].parserArgument.required = false }
        }
    }

    /// The operation parser: the table plus the `help` positional.
    var parser: ArgParser {
        ArgParser(
            arguments.map(\.parserArgument) + [ArgParser.Argument(optionString: nil, dest: "help", nargs: .optional)])
    }

    var dests: Set<String> { Set(arguments.map(\.parserArgument.dest)) }
}
