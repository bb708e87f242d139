import ECSModel

/// One waiter of botocore's `data/ecs/2014-11-13/waiters-2.json`.
struct WaiterConfig: Sendable {
    enum Matcher: String, Sendable {
        case path, pathAll, pathAny, status, error
    }

    struct Acceptor: Sendable {
        var matcher: Matcher
        var argument: String
        var expected: JSON
        var state: String

        /// botocore's `AcceptorConfig.explanation`.
        var explanation: String {
            let expected = PythonText.str(self.expected)
            switch matcher {
            case .path: return "For expression \"\(argument)\" we matched expected path: \"\(expected)\""
            case .pathAll: return "For expression \"\(argument)\" all members matched expected path: \"\(expected)\""
            case .pathAny:
                return "For expression \"\(argument)\" we matched expected path: \"\(expected)\" at least once"
            case .status: return "Matched expected HTTP status code: \(expected)"
            case .error: return "Matched expected service error code: \(expected)"
            }
        }
    }

    var name: String
    var operation: String
    var delay: Double
    var maxAttempts: Int
    var acceptors: [Acceptor]
}

enum Waiters {
    /// The ECS waiters whose operation berth serves (botocore 1.43.11).
    static let ecs: [WaiterConfig] = [
        WaiterConfig(
            name: "TasksRunning", operation: "DescribeTasks", delay: 6, maxAttempts: 100,
            acceptors: [
                .init(
                    matcher: .pathAny, argument: "tasks[].lastStatus", expected: .string("STOPPED"), state: "failure"),
                .init(matcher: .pathAny, argument: "failures[].reason", expected: .string("MISSING"), state: "failure"),
                .init(
                    matcher: .pathAll, argument: "tasks[].lastStatus", expected: .string("RUNNING"), state: "success"),
            ]),
        WaiterConfig(
            name: "TasksStopped", operation: "DescribeTasks", delay: 6, maxAttempts: 100,
            acceptors: [
                .init(matcher: .pathAll, argument: "tasks[].lastStatus", expected: .string("STOPPED"), state: "success")
            ]),
    ]

    /// Waiters whose operation is in the shape table, by CLI name (`tasks-running`).
    static var available: [(cliName: String, config: WaiterConfig)] {
        ecs.filter { ShapeTable.operations[$0.operation] != nil }
            .map { (NameTransform.kebab($0.name), $0) }
            .sorted { $0.cliName < $1.cliName }
    }
}

/// A response as the waiter sees it: botocore's parsed response, or for a service error
/// `{"Error": {"Code": …, "Message": …}}` (waiters do not raise on service errors).
enum WaiterResponse {
    case success(JSON, status: Int)
    case failure(code: String, message: String, status: Int)

    var json: JSON {
        switch self {
        case .success(let body, _): return body
        case .failure(let code, let message, _):
            return .object([
                JSONMember(
                    "Error", .object([JSONMember("Code", .string(code)), JSONMember("Message", .string(message))]))
            ])
        }
    }
}

/// botocore's `Waiter.wait`.
struct WaiterRunner {
    var config: WaiterConfig
    var delay: Double
    var maxAttempts: Int
    var sleep: (Double) -> Void

    func wait(_ call: () throws(ECSCLIError) -> WaiterResponse) throws(ECSCLIError) {
        var attempts = 0
        var lastMatched: WaiterConfig.Acceptor?
        while true {
            let response = try call()
            attempts += 1
            var state = "waiting"
            var acceptor = config.acceptors.last!
            var matchedAny = false
            for candidate in config.acceptors {
                acceptor = candidate
                if try matches(candidate, response) {
                    lastMatched = candidate
                    state = candidate.state
                    matchedAny = true
                    break
                }
            }
            if !matchedAny, case .failure(let code, let message, _) = response {
                throw failure("An error occurred (\(code)): \(message)")
            }
            if state == "success" { return }
            if state == "failure" {
                throw failure("Waiter encountered a terminal failure state: \(acceptor.explanation)")
            }
            if attempts >= maxAttempts {
                throw failure(
                    lastMatched == nil
                        ? "Max attempts exceeded"
                        : "Max attempts exceeded. Previously accepted state: \(acceptor.explanation)")
            }
            sleep(delay)
        }
    }

    private func failure(_ reason: String) -> ECSCLIError {
        .general("Waiter \(config.name) failed: \(reason)")
    }

    private func matches(_ acceptor: WaiterConfig.Acceptor, _ response: WaiterResponse) throws(ECSCLIError) -> Bool {
        switch acceptor.matcher {
        case .path, .pathAll, .pathAny:
            guard case .success(let body, _) = response else { return false }
            let result: JSON?
            do {
                result = try JMESPath.compile(acceptor.argument).search(body)
            } catch {
                throw ECSCLIError.general(error.message)
            }
            switch acceptor.matcher {
            case .path: return (result ?? .null) == acceptor.expected
            case .pathAll:
                guard case .array(let items)? = result, !items.isEmpty else { return false }
                return items.allSatisfy { $0 == acceptor.expected }
            default:
                guard case .array(let items)? = result, !items.isEmpty else { return false }
                return items.contains(acceptor.expected)
            }
        case .status:
            let status: Int
            switch response {
            case .success(_, let s), .failure(_, _, let s): status = s
            }
            return .int(status) == acceptor.expected
        case .error:
            switch (acceptor.expected, response) {
            case (.bool(true), .failure): return true
            case (.bool(true), .success): return false
            case (.bool(false), .success): return true
            case (.bool(false), .failure): return false
            case (.string(let code), .failure(let actual, _, _)): return code == actual
            default: return false
            }
        }
    }
}
