import ECSModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `berth ecs …`: parses the command line like the aws CLI, validates the request
/// like botocore, sends it to berthd and prints the answer like the aws CLI. Returns
/// the exit status (0, or the aws CLI's 252/254/255).
public struct ECSCLIRunner {
    public var environment: [String: String]
    /// How requests travel; nil sends them to berthd's Unix socket (`--socket` etc.).
    public var transport: (any ECSTransport)?
    /// How waiters pause between polls.
    public var sleep: (Double) -> Void
    public var writeStdout: (String) -> Void
    public var writeStderr: (String) -> Void
    /// The name in usage and error texts.
    public var program: String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: (any ECSTransport)? = nil,
        sleep: @escaping (Double) -> Void = ECSCLIRunner.sleep(seconds:),
        writeStdout: @escaping (String) -> Void = { ECSCLIRunner.write($0, to: STDOUT_FILENO) },
        writeStderr: @escaping (String) -> Void = { ECSCLIRunner.write($0, to: STDERR_FILENO) },
        program: String = "aws"
    ) {
        self.environment = environment
        self.transport = transport
        self.sleep = sleep
        self.writeStdout = writeStdout
        self.writeStderr = writeStderr
        self.program = program
    }

    /// Runs the arguments that follow `ecs`.
    public func run(_ arguments: [String]) -> Int32 {
        do {
            let invocation = try ECSCommandLine(environment: environment, program: program).parse(arguments)
            switch invocation {
            case .print(let text):
                writeStdout(text)
            case .call(let call):
                writeStderr(call.warnings)
                try perform(call)
            case .wait(let waiter, let call):
                writeStderr(call.warnings)
                try wait(waiter, call)
            case .outputSkeleton(let call):
                writeStderr(call.warnings)
                try validate(call.operation, call.requestBody)
                let output = ShapeTable.operations[call.operation]?.output
                let sample = output.map { Skeleton.generate($0, useMemberNames: true) } ?? .object([])
                try display(sample, call: call)
            }
            return 0
        } catch {
            writeStderr(error.stderr)
            return error.exitCode
        }
    }

    /// Writes all of `text` to `fd`; a reader that went away (EPIPE, with SIGPIPE ignored)
    /// ends the output quietly, as the aws CLI does.
    public static func write(_ text: String, to fd: Int32) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// Sleeps, resuming after signals.
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    /// The local time zone timestamps are shown in: `TZ` when set, as Python's `tzlocal()` reads it.
    var timeZone: TimeZone {
        if let tz = environment["TZ"], !tz.isEmpty {
            let name = tz.hasPrefix(":") ? String(tz.dropFirst()) : tz
            if let zone = TimeZone(identifier: name) ?? TimeZone(abbreviation: name) { return zone }
        }
        return .current
    }

    // MARK: calls

    private func client(_ globals: ECSGlobalOptions) -> ECSClient {
        ECSClient(
            transport: transport
                ?? UnixSocketHTTPClient(
                    socketPath: globals.socketPath, connectTimeout: globals.connectTimeout,
                    readTimeout: globals.readTimeout))
    }

    /// botocore's parameter validation, before anything is sent.
    private func validate(_ operation: String, _ body: JSON) throws(ECSCLIError) {
        guard let input = ShapeTable.operations[operation]?.input else { return }
        do {
            try StrictJSON.validate(body, shape: input)
        } catch {
            throw .parameterValidation(error.description)
        }
    }

    /// One request: validated, sent, and its answer shaped (or its error raised).
    private func send(_ operation: String, _ body: JSON, _ globals: ECSGlobalOptions) throws(ECSCLIError)
        -> ECSClient.Outcome
    {
        let body = IdempotencyTokens.fill(operation, body)
        try validate(operation, body)
        if globals.debug {
            writeStderr(
                "berth: debug: POST / to \(transport == nil ? globals.socketPath : "transport") "
                    + "X-Amz-Target: \(UnixSocketHTTPClient.targetPrefix).\(operation)\nberth: debug: request body: "
                    + body.compactText + "\n")
        }
        let outcome: ECSClient.Outcome
        do {
            outcome = try client(globals).call(operation, body: body)
        } catch {
            throw .general(error.message)
        }
        if globals.debug {
            switch outcome {
            case .success(let json, let status):
                writeStderr("berth: debug: response \(status): \(json.compactText)\n")
            case .failure(let code, let message, let status):
                writeStderr("berth: debug: response \(status): \(code): \(message)\n")
            }
        }
        return outcome
    }

    private func perform(_ call: ECSOperationCall) throws(ECSCLIError) {
        let outputShape = ShapeTable.operations[call.operation]?.output
        func page(_ body: JSON) throws(ECSCLIError) -> JSON {
            switch try send(call.operation, body, call.globals) {
            case .success(let json, _): return ResponseShaper.shape(json, as: outputShape, timeZone: timeZone)
            case .failure(let code, let message, _):
                throw .client(code: code, message: message, operation: call.operation)
            }
        }
        if let options = call.pagination, let paginator = call.paginator {
            let iterator = PageIterator(config: paginator, options: options)
            let pages = try iterator.run(call.parameters, call: page)
            if call.globals.output == "text" {
                for (n, current) in pages.pages.enumerated() {
                    var result = JSON.object([])
                    _ = n
                    result.set(paginator.resultKey, current[paginator.resultKey] ?? .null)
                    writeStdout(Formatter.text(try query(result, call)))
                }
                if let token = pages.resumeToken {
                    let next = JSON.object([JSONMember("NextToken", .object([JSONMember("NextToken", .string(token))]))]
                    )
                    writeStdout(Formatter.text(try query(next, call)))
                }
            } else {
                try display(iterator.fullResult(pages), call: call)
            }
        } else {
            try display(try page(call.requestBody), call: call)
        }
    }

    private func query(_ value: JSON, _ call: ECSOperationCall) throws(ECSCLIError) -> JSON? {
        guard let expression = call.query else { return value }
        do {
            return try expression.search(value)
        } catch {
            throw .general(error.message)
        }
    }

    private func display(_ response: JSON, call: ECSOperationCall) throws(ECSCLIError) {
        let result = try query(response, call)
        writeStdout(call.globals.output == "text" ? Formatter.text(result) : Formatter.json(result))
    }

    // MARK: waiters

    private func wait(_ waiterName: String, _ call: ECSOperationCall) throws(ECSCLIError) {
        guard let config = Waiters.ecs.first(where: { $0.name == waiterName }) else { return }
        let delay = environment["BERTH_WAITER_DELAY"].flatMap(Double.init).map { max(0, $0) } ?? config.delay
        let attempts =
            environment["BERTH_WAITER_MAX_ATTEMPTS"].flatMap(Int.init).map { max(1, $0) } ?? config.maxAttempts
        let outputShape = ShapeTable.operations[config.operation]?.output
        let runner = WaiterRunner(config: config, delay: delay, maxAttempts: attempts, sleep: sleep)
        try runner.wait { () throws(ECSCLIError) -> WaiterResponse in
            switch try send(call.operation, call.requestBody, call.globals) {
            case .success(let json, let status):
                return .success(ResponseShaper.shape(json, as: outputShape, timeZone: timeZone), status: status)
            case .failure(let code, let message, let status):
                return .failure(code: code, message: message, status: status)
            }
        }
    }
}

/// botocore's `generate_idempotent_uuid`: members the model marks `idempotencyToken` get a
/// fresh UUID when not given (botocore 1.43.11's ECS model has one: RunTask's `clientToken`).
enum IdempotencyTokens {
    static let members: [String: [String]] = ["RunTask": ["clientToken"]]

    static func fill(_ operation: String, _ body: JSON) -> JSON {
        guard let names = members[operation], let input = ShapeTable.operations[operation]?.input,
            let known = ShapeTable.memberNames(of: input), case .object = body
        else { return body }
        var filled = body
        for name in names where known.contains(name) && body[name] == nil {
            filled.set(name, .string(UUID().uuidString.lowercased()))
        }
        return filled
    }
}
