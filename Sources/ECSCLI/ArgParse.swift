/// The parts of Python's `argparse` (3.11) the aws CLI relies on, reproduced so that
/// `berth ecs` accepts and rejects exactly what `aws ecs` does: `--opt value` and
/// `--opt=value`, unique-prefix abbreviations, `nargs` of one, `?` and `*`,
/// `store_true`/`store_false`, choices, `parse_known_args` leftovers, and argparse's
/// error texts (`argument --cluster: expected one argument`, `the following arguments
/// are required: --task-definition`, `ambiguous option: --c could match …`).
struct ArgParser {
    enum Nargs: Equatable {
        /// argparse's default: exactly one value.
        case one
        /// `?`: zero or one value.
        case optional
        /// `*`: any number of values.
        case zeroOrMore
        /// No value (`store_true`, `store_false`, `version`).
        case zero
    }

    enum Action: Equatable {
        case store
        case storeTrue
        case storeFalse
        /// `action="version"`: print the version and stop.
        case version
    }

    /// argparse's `type=`: the conversion applied to each value.
    enum Conversion: Equatable {
        case string
        case int
        case float
    }

    struct Argument {
        /// `--cluster`, or nil for a positional.
        var optionString: String?
        var dest: String
        var nargs: Nargs = .one
        var action: Action = .store
        /// The value of an optional with `nargs="?"` given without one.
        var const: String?
        var choices: [String]?
        var conversion: Conversion = .string
        var required = false

        var displayName: String { optionString ?? dest }
    }

    /// A parsed value (argparse's namespace entry).
    enum Value: Equatable {
        case string(String)
        case list([String])
        case flag(Bool)
        case int(String)
        case float(Double)
    }

    var arguments: [Argument]

    init(_ arguments: [Argument]) {
        // conflict_handler="resolve": a later option string replaces an earlier one.
        var seen = Set<String>()
        var kept: [Argument] = []
        for argument in arguments.reversed() {
            if let option = argument.optionString {
                if !seen.insert(option).inserted { continue }
            }
            kept.append(argument)
        }
        self.arguments = kept.reversed()
    }

    struct Failure: Error, Equatable {
        var message: String
        /// `--version` was given: argparse prints the version and stops parsing there.
        var isVersion = false
    }

    struct Result {
        var values: [String: Value] = [:]
        var extras: [String] = []

        subscript(dest: String) -> Value? { values[dest] }
    }

    private var optionals: [(String, Int)] {
        arguments.enumerated().compactMap { index, argument in argument.optionString.map { ($0, index) } }
    }

    private func argument(for option: String) -> Int? {
        optionals.first { $0.0 == option }?.1
    }

    /// `(action index or nil, option string, explicit argument)` for an option-like string.
    private typealias OptionTuple = (index: Int?, option: String, explicit: String?)

    private func parseOptional(_ arg: String) throws(Failure) -> OptionTuple? {
        guard let first = arg.first, first == "-" else { return nil }
        if let index = argument(for: arg) { return (index, arg, nil) }
        if arg.count == 1 { return nil }
        if let eq = arg.firstIndex(of: "=") {
            let option = String(arg[..<eq])
            if let index = argument(for: option) { return (index, option, String(arg[arg.index(after: eq)...])) }
        }
        let tuples = optionTuples(arg)
        if tuples.count > 1 {
            let matches = tuples.map(\.option).joined(separator: ", ")
            throw Failure(message: "ambiguous option: \(arg) could match \(matches)")
        }
        if let only = tuples.first { return only }
        if ArgParser.looksLikeNegativeNumber(arg) { return nil }
        if arg.contains(" ") { return nil }
        return (nil, arg, nil)
    }

    /// argparse's abbreviation matching (`allow_abbrev=True`) for `--` options.
    private func optionTuples(_ arg: String) -> [OptionTuple] {
        guard arg.hasPrefix("--") else { return [] }
        var prefix = arg
        var explicit: String?
        if let eq = arg.firstIndex(of: "=") {
            prefix = String(arg[..<eq])
            explicit = String(arg[arg.index(after: eq)...])
        }
        return optionals.filter { $0.0.hasPrefix(prefix) }.map { ($0.1, $0.0, explicit) }
    }

    /// `^-\d+$|^-\d*\.\d+$`
    static func looksLikeNegativeNumber(_ arg: String) -> Bool {
        guard arg.hasPrefix("-") else { return false }
        let body = arg.dropFirst()
        let isDigit: (Character) -> Bool = {
            $0.isNumber && $0.unicodeScalars.first?.properties.numericType == .decimal
        }
        if !body.isEmpty, body.allSatisfy(isDigit) { return true }
        if let dot = body.firstIndex(of: ".") {
            let before = body[..<dot]
            let after = body[body.index(after: dot)...]
            return before.allSatisfy(isDigit) && !after.isEmpty && after.allSatisfy(isDigit)
        }
        return false
    }

    /// argparse's `parse_known_args`.
    func parseKnownArgs(_ args: [String]) throws(Failure) -> Result {
        // Classify every string: O (an option), A (a value), - (the `--` marker).
        var pattern: [Character] = []
        var optionAt: [Int: OptionTuple] = [:]
        var afterMarker = false
        for (i, arg) in args.enumerated() {
            if afterMarker {
                pattern.append("A")
            } else if arg == "--" {
                pattern.append("-")
                afterMarker = true
            } else if let tuple = try parseOptional(arg) {
                optionAt[i] = tuple
                pattern.append("O")
            } else {
                pattern.append("A")
            }
        }

        var result = Result()
        var seen = Set<Int>()
        var positionals = arguments.indices.filter { arguments[$0].optionString == nil }

        func take(_ index: Int, _ strings: [String]) throws(Failure) {
            seen.insert(index)
            let argument = arguments[index]
            var strings = strings
            if argument.optionString == nil, let marker = strings.firstIndex(of: "--") {
                strings.remove(at: marker)
            }
            switch argument.action {
            case .storeTrue:
                result.values[argument.dest] = .flag(true)
            case .storeFalse:
                result.values[argument.dest] = .flag(false)
            case .version:
                throw Failure(message: "", isVersion: true)
            case .store:
                switch argument.nargs {
                case .zeroOrMore:
                    if strings.isEmpty && argument.optionString == nil { return }
                    for s in strings { try check(argument, s) }
                    result.values[argument.dest] = .list(strings)
                case .optional where strings.isEmpty:
                    if argument.optionString != nil, let const = argument.const {
                        try check(argument, const)
                        result.values[argument.dest] = .string(const)
                    }
                default:
                    guard let s = strings.first else { return }
                    result.values[argument.dest] = try convert(argument, s)
                    try check(argument, s)
                }
            }
        }

        func consumeOptional(_ start: Int) throws(Failure) -> Int {
            let tuple = optionAt[start]!
            guard let index = tuple.index else {
                result.extras.append(args[start])
                return start + 1
            }
            let argument = arguments[index]
            if let explicit = tuple.explicit {
                if matchCount(argument, ["A"]) == 1 {
                    try take(index, [explicit])
                    return start + 1
                }
                throw Failure(
                    message: "argument \(argument.displayName): ignored explicit argument \(PythonText.repr(explicit))")
            }
            guard let count = matchCount(argument, Array(pattern[(start + 1)...])) else {
                throw Failure(message: "argument \(argument.displayName): \(nargsError(argument))")
            }
            try take(index, Array(args[(start + 1)..<(start + 1 + count)]))
            return start + 1 + count
        }

        func consumePositionals(_ start: Int) throws(Failure) -> Int {
            var start = start
            let selected = Array(pattern[start...])
            // _match_arguments_partial: the longest prefix of the positionals that matches.
            var counts: [Int] = []
            for n in stride(from: positionals.count, to: 0, by: -1) {
                if let matched = matchSequence(positionals.prefix(n).map { arguments[$0] }, selected) {
                    counts = matched
                    break
                }
            }
            for (index, count) in zip(positionals, counts) {
                try take(index, Array(args[start..<(start + count)]))
                start += count
            }
            positionals.removeFirst(counts.count)
            return start
        }

        var start = 0
        let maxOption = optionAt.keys.max() ?? -1
        while start <= maxOption {
            let nextOption = optionAt.keys.filter { $0 >= start }.min()!
            if start != nextOption {
                let end = try consumePositionals(start)
                if end > start {
                    start = end
                    continue
                }
                start = end
            }
            if optionAt[start] == nil {
                result.extras.append(contentsOf: args[start..<nextOption])
                start = nextOption
            }
            start = try consumeOptional(start)
        }
        let stop = try consumePositionals(start)
        result.extras.append(contentsOf: args[stop...])

        let missing = arguments.indices.filter { arguments[$0].required && !seen.contains($0) }
        if !missing.isEmpty {
            throw Failure(
                message: "the following arguments are required: "
                    + missing.map { arguments[$0].displayName }.joined(separator: ", "))
        }
        return result
    }

    private func nargsError(_ argument: Argument) -> String {
        switch argument.nargs {
        case .one: return "expected one argument"
        case .optional: return "expected at most one argument"
        case .zeroOrMore, .zero: return "expected 0 arguments"
        }
    }

    /// How many strings `argument` takes at the start of `pattern` (argparse's nargs
    /// regexes; an optional never takes the `--` marker), or nil if it cannot match.
    private func matchCount(_ argument: Argument, _ pattern: [Character]) -> Int? {
        let dashes = argument.optionString == nil
        var k = 0
        func skipDashes() { if dashes { while k < pattern.count, pattern[k] == "-" { k += 1 } } }
        switch argument.nargs {
        case .zero:
            skipDashes()
            return k
        case .one:
            skipDashes()
            guard k < pattern.count, pattern[k] == "A" else { return nil }
            k += 1
            skipDashes()
            return k
        case .optional:
            skipDashes()
            if k < pattern.count, pattern[k] == "A" { k += 1 }
            skipDashes()
            return k
        case .zeroOrMore:
            while k < pattern.count, pattern[k] == "A" || (dashes && pattern[k] == "-") { k += 1 }
            return k
        }
    }

    /// Matches positionals one after another against the start of `pattern`.
    private func matchSequence(_ sequence: [Argument], _ pattern: [Character]) -> [Int]? {
        var counts: [Int] = []
        var offset = 0
        for argument in sequence {
            guard let count = matchCount(argument, Array(pattern[offset...])) else { return nil }
            counts.append(count)
            offset += count
        }
        return counts
    }

    private func convert(_ argument: Argument, _ s: String) throws(Failure) -> Value {
        switch argument.conversion {
        case .string: return .string(s)
        case .int:
            guard let text = PythonText.intLiteral(s) else {
                throw Failure(message: "argument \(argument.displayName): invalid int value: \(PythonText.repr(s))")
            }
            return .int(text)
        case .float:
            guard let d = PythonText.floatLiteral(s) else {
                throw Failure(message: "argument \(argument.displayName): invalid float value: \(PythonText.repr(s))")
            }
            return .float(d)
        }
    }

    private func check(_ argument: Argument, _ value: String) throws(Failure) {
        guard let choices = argument.choices, !choices.contains(value) else { return }
        throw Failure(message: "argument \(argument.displayName): " + ArgParser.invalidChoice(value, choices: choices))
    }

    /// The aws CLI's invalid-choice text (`CLIArgParser._check_value`).
    static func invalidChoice(_ value: String, choices: [String]) -> String {
        var lines = ["Invalid choice, valid choices are:\n"]
        var i = 0
        while i < choices.count {
            let row = choices[i..<min(i + 2, choices.count)].map {
                $0.padding(toLength: max(40, $0.count), withPad: " ", startingAt: 0)
            }
            lines.append(row.joined(separator: " | "))
            i += 2
        }
        let possible = CloseMatches.closeMatches(value, choices, cutoff: 0.8)
        if !possible.isEmpty {
            lines.append("\n\nInvalid choice: \(PythonText.repr(value)), maybe you meant:\n")
            lines.append(contentsOf: possible.map { "  * \($0)" })
        }
        return lines.joined(separator: "\n")
    }
}

/// Python's `difflib.get_close_matches` (n=3).
enum CloseMatches {
    static func closeMatches(_ word: String, _ possibilities: [String], n: Int = 3, cutoff: Double) -> [String] {
        let b = Array(word)
        var scored: [(Double, String)] = []
        for x in possibilities {
            let a = Array(x)
            let r = ratio(a, b)
            if r >= cutoff { scored.append((r, x)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 > $1.1 }
        return scored.prefix(n).map(\.1)
    }

    /// `SequenceMatcher(None, a, b).ratio()` (no junk; the strings are short).
    static func ratio(_ a: [Character], _ b: [Character]) -> Double {
        let total = a.count + b.count
        guard total > 0 else { return 1 }
        return 2 * Double(matches(a, 0, a.count, b, 0, b.count)) / Double(total)
    }

    private static func matches(_ a: [Character], _ alo: Int, _ ahi: Int, _ b: [Character], _ blo: Int, _ bhi: Int)
        -> Int
    {
        guard alo < ahi, blo < bhi else { return 0 }
        // find_longest_match: the longest block, earliest in a, then earliest in b.
        var bestI = alo
        var bestJ = blo
        var bestSize = 0
        var lengths = [Int: Int]()
        for i in alo..<ahi {
            var next = [Int: Int]()
            for j in blo..<bhi where b[j] == a[i] {
                let k = (lengths[j - 1] ?? 0) + 1
                next[j] = k
                if k > bestSize {
                    bestI = i - k + 1
                    bestJ = j - k + 1
                    bestSize = k
                }
            }
            lengths = next
        }
        guard bestSize > 0 else { return 0 }
        return bestSize + matches(a, alo, bestI, b, blo, bestJ)
            + matches(a, bestI + bestSize, ahi, b, bestJ + bestSize, bhi)
    }
}
