import ECSCLI
import Foundation

/// What a command printed and returned.
struct Outcome: Sendable, Equatable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// A transport that answers from a script and records what it was sent.
final class ScriptedTransport: ECSTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [Result<HTTPResponse, ECSTransportError>]
    private(set) var sent: [(operation: String, body: String)] = []

    init(_ script: [Result<HTTPResponse, ECSTransportError>]) {
        self.script = script
    }

    convenience init(json bodies: [String]) {
        self.init(bodies.map { .success(HTTPResponse(status: 200, body: Array($0.utf8))) })
    }

    var operations: [String] {
        lock.lock()
        defer { lock.unlock() }
        return sent.map(\.operation)
    }

    var bodies: [String] {
        lock.lock()
        defer { lock.unlock() }
        return sent.map(\.body)
    }

    func send(operation: String, body: [UInt8]) throws(ECSTransportError) -> HTTPResponse {
        lock.lock()
        sent.append((operation, String(decoding: body, as: UTF8.self)))
        let next = script.count > 1 ? script.removeFirst() : script.first
        lock.unlock()
        guard let next else { throw ECSTransportError("no scripted response") }
        return try next.get()
    }
}

/// A transport that must not be used (for commands that fail before sending).
struct NoTransport: ECSTransport {
    func send(operation: String, body: [UInt8]) throws(ECSTransportError) -> HTTPResponse {
        throw ECSTransportError("unexpected request \(operation)")
    }
}

enum Harness {
    /// Runs `berth ecs <arguments>` in-process.
    static func run(
        _ arguments: [String], transport: (any ECSTransport)? = NoTransport(), environment: [String: String] = [:],
        sleeps: SleepRecorder? = nil
    ) -> Outcome {
        let out = OutputBuffer()
        let err = OutputBuffer()
        var env = ["TZ": "UTC", "HOME": NSTemporaryDirectory()]
        env.merge(environment) { $1 }
        let runner = ECSCLIRunner(
            environment: env, transport: transport, sleep: { sleeps?.record($0) }, writeStdout: { out.append($0) },
            writeStderr: { err.append($0) })
        let status = runner.run(arguments)
        return Outcome(status: status, stdout: out.text, stderr: err.text)
    }

    /// The operation and compact request body `berth ecs <arguments>` builds.
    static func request(_ arguments: [String], environment: [String: String] = [:]) throws -> (String, String) {
        let commandLine = ECSCommandLine(environment: environment)
        let (operation, body) = try commandLine.request(verb: arguments[0], arguments: Array(arguments.dropFirst()))
        return (operation, body.compactText)
    }

    /// Writes `text` to a fresh temporary file and returns its path.
    static func temporaryFile(_ text: String, suffix: String = ".json") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-\(UUID())\(suffix)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The seed task definition (examples/fargate-task.json).
    static let seedTaskDefinition = """
        {
          "family": "fargate-task",
          "networkMode": "awsvpc",
          "requiresCompatibilities": [
            "FARGATE"
          ],
          "cpu": "256",
          "memory": "512",
          "containerDefinitions": [
            {
              "name": "my-container",
              "image": "nginx",
              "essential": true,
              "portMappings": [
                {
                  "containerPort": 80,
                  "hostPort": 80
                }
              ]
            }
          ]
        }
        """
}

final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var chunks: [String] = []

    func append(_ s: String) {
        lock.lock()
        chunks.append(s)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return chunks.joined()
    }
}

final class SleepRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Double] = []

    func record(_ seconds: Double) {
        lock.lock()
        values.append(seconds)
        lock.unlock()
    }

    var sleeps: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
}
