import ECSModel
import Foundation

/// One operation's paginator (botocore `data/ecs/2014-11-13/paginators-1.json`).
struct PaginatorConfig: Sendable, Equatable {
    var inputToken: String
    var outputToken: String
    var limitKey: String
    var resultKey: String
}

enum Paginators {
    /// Every ECS paginator of botocore 1.43.11; only operations in `ShapeTable` are used.
    static let ecs: [String: PaginatorConfig] = [
        "ListClusters": .init(resultKey: "clusterArns"),
        "ListContainerInstances": .init(resultKey: "containerInstanceArns"),
        "ListTaskDefinitions": .init(resultKey: "taskDefinitionArns"),
        "ListTaskDefinitionFamilies": .init(resultKey: "families"),
        "ListTasks": .init(resultKey: "taskArns"),
        "ListServices": .init(resultKey: "serviceArns"),
        "ListAccountSettings": .init(resultKey: "settings"),
        "ListAttributes": .init(resultKey: "attributes"),
        "ListServicesByNamespace": .init(resultKey: "serviceArns"),
    ]

    static func config(for operation: String) -> PaginatorConfig? {
        guard let config = ecs[operation], let input = ShapeTable.operations[operation]?.input,
            let members = ShapeTable.memberNames(of: input),
            members.contains(config.inputToken), members.contains(config.limitKey)
        else { return nil }
        return config
    }
}

extension PaginatorConfig {
    init(resultKey: String) {
        self.init(inputToken: "nextToken", outputToken: "nextToken", limitKey: "maxResults", resultKey: resultKey)
    }
}

/// `--starting-token`, `--page-size`, `--max-items` (botocore's `PaginationConfig`).
public struct PaginationOptions: Sendable, Equatable {
    public var startingToken: String?
    public var pageSize: Int?
    public var maxItems: Int?

    public init(startingToken: String? = nil, pageSize: Int? = nil, maxItems: Int? = nil) {
        self.startingToken = startingToken
        self.pageSize = pageSize
        self.maxItems = maxItems
    }

    var isEmpty: Bool { startingToken == nil && pageSize == nil && maxItems == nil }

    /// The `PaginationConfig` dict the aws CLI builds (used only to report it as unknown).
    var asJSON: JSON {
        var object = JSON.object([])
        if let startingToken { object.set("StartingToken", .string(startingToken)) }
        if let pageSize { object.set("PageSize", .int(pageSize)) }
        if let maxItems { object.set("MaxItems", .int(maxItems)) }
        return object
    }
}

/// botocore's `PageIterator`: calls the operation page by page, truncating to
/// `--max-items` and resuming from `--starting-token` (botocore's token format, base64
/// of `{"nextToken": …, "boto_truncate_amount": n}`).
struct PageIterator {
    var config: PaginatorConfig
    var options: PaginationOptions

    struct Pages {
        var pages: [JSON]
        var resumeToken: String?
    }

    /// The first request: the parameters with the starting token and page size applied.
    func firstRequest(_ parameters: JSON) -> JSON {
        var kwargs = parameters
        if let starting = options.startingToken { inject(parseStartingToken(starting).0, into: &kwargs) }
        if let pageSize = options.pageSize { kwargs.set(config.limitKey, .int(pageSize)) }
        return kwargs
    }

    /// `call` sends one request and returns the shaped response (or throws).
    func run(_ parameters: JSON, call: (JSON) throws(ECSCLIError) -> JSON) throws(ECSCLIError) -> Pages {
        var kwargs = firstRequest(parameters)
        var nextToken: [(String, JSON)] = [(config.inputToken, .null)]
        var startIndex = 0
        if let starting = options.startingToken { (nextToken, startIndex) = parseStartingToken(starting) }

        var pages: [JSON] = []
        var resumeToken: String?
        var totalItems = 0
        var firstRequest = true
        var startingTruncation = 0
        var previousNextToken: [(String, JSON)]?
        while true {
            var page = try call(kwargs)
            if firstRequest {
                if options.startingToken != nil {
                    startingTruncation = startIndex
                    switch page[config.resultKey] {
                    case .array(let items)?: page.set(config.resultKey, .array(Array(items.dropFirst(startIndex))))
                    case .string(let s)?:
                        page.set(config.resultKey, .string(String(s.unicodeScalars.dropFirst(startIndex))))
                    default: page.set(config.resultKey, .null)
                    }
                }
                firstRequest = false
            } else {
                startingTruncation = 0
            }
            let current = page[config.resultKey]
            let count = Self.count(current)
            let truncateAmount = options.maxItems.map { totalItems + count - $0 } ?? 0
            if truncateAmount > 0 {
                let keep = count - truncateAmount
                switch current {
                case .array(let items)?: page.set(config.resultKey, .array(Array(items.prefix(keep))))
                case .string(let s)?: page.set(config.resultKey, .string(String(s.unicodeScalars.prefix(keep))))
                default: page.set(config.resultKey, .array([]))
                }
                nextToken.append(("boto_truncate_amount", .int(keep + startingTruncation)))
                resumeToken = Self.encode(nextToken)
                pages.append(page)
                break
            }
            pages.append(page)
            totalItems += count
            nextToken = [(config.inputToken, Self.truthy(page[config.outputToken]) ? page[config.outputToken]! : .null)]
            if nextToken.allSatisfy({ $0.1 == .null }) { break }
            if let maxItems = options.maxItems, totalItems == maxItems {
                resumeToken = Self.encode(nextToken)
                break
            }
            if let previous = previousNextToken, previous.elementsEqual(nextToken, by: { $0.0 == $1.0 && $0.1 == $1.1 })
            {
                let rendered =
                    "{"
                    + nextToken.map { "\(PythonText.repr($0.0)): \(PythonText.repr($0.1))" }
                    .joined(separator: ", ") + "}"
                throw ECSCLIError.general("The same next token was received twice: \(rendered)")
            }
            inject(nextToken, into: &kwargs)
            previousNextToken = nextToken
        }
        return Pages(pages: pages, resumeToken: resumeToken)
    }

    /// `build_full_result`: the result key of every page, concatenated, plus `NextToken`.
    func fullResult(_ pages: Pages) -> JSON {
        var complete = JSON.object([])
        for page in pages.pages {
            guard let value = page[config.resultKey], value != .null else { continue }
            switch (complete[config.resultKey], value) {
            case (nil, _), (.null?, _): complete.set(config.resultKey, value)
            case (.array(let existing)?, .array(let more)): complete.set(config.resultKey, .array(existing + more))
            case (.string(let existing)?, .string(let more)): complete.set(config.resultKey, .string(existing + more))
            default: break
            }
        }
        if let token = pages.resumeToken { complete.set("NextToken", .string(token)) }
        return complete
    }

    private func inject(_ token: [(String, JSON)], into kwargs: inout JSON) {
        for (name, value) in token {
            if value != .null, value != .string("None") {
                kwargs.set(name, value)
            } else if case .object(var members) = kwargs {
                members.removeAll { $0.key == name }
                kwargs = .object(members)
            }
        }
    }

    private static func truthy(_ value: JSON?) -> Bool {
        switch value {
        case nil, .null?, .bool(false)?: return false
        case .string(let s)?: return !s.isEmpty
        case .integer(let t)?: return t != "0"
        case .double(let d)?: return d != 0
        case .array(let a)?: return !a.isEmpty
        case .object(let o)?: return !o.isEmpty
        default: return true
        }
    }

    private static func count(_ value: JSON?) -> Int {
        switch value {
        case .array(let items)?: return items.count
        case .string(let s)?: return s.unicodeScalars.count
        default: return 0
        }
    }

    /// botocore's `TokenEncoder`: base64 of `json.dumps(token)`.
    static func encode(_ token: [(String, JSON)]) -> String {
        let json = JSON.object(token.map { JSONMember($0.0, $0.1) }).pythonDumps()
        return Data(json.utf8).base64EncodedString()
    }

    /// `_parse_starting_token`: the token dict and the truncation index; tokens that are
    /// not botocore's are taken as a service token (the deprecated `token___index` form too).
    func parseStartingToken(_ token: String) -> ([(String, JSON)], Int) {
        if let data = Data(base64Encoded: token, options: .ignoreUnknownCharacters),
            let decoded = try? JSON.parse(data), case .object(let members) = decoded
        {
            var index = 0
            var fields: [(String, JSON)] = []
            for member in members {
                if member.key == "boto_truncate_amount" {
                    if case .integer(let text) = member.value { index = Int(text) ?? 0 }
                } else {
                    fields.append((member.key, member.value))
                }
            }
            return (fields, index)
        }
        var parts = token.components(separatedBy: "___")
        var index = 0
        if parts.count == 2 {
            if let n = Int(parts[1]) {
                index = n
                parts.removeLast()
            } else {
                parts = [token]
            }
        }
        let value: JSON = parts.first.map { $0 == "None" ? .null : .string($0) } ?? .null
        return ([(config.inputToken, value)], index)
    }
}
