import Foundation
import Testing

@testable import ECSCLI

/// `berth ecs wait tasks-running|tasks-stopped` with botocore's waiter semantics
/// (waiters-2.json: delay 6 s, 100 attempts, the acceptors in order).
@Suite("Waiters")
struct WaiterTests {
    static func tasks(_ statuses: [String], failures: [String] = []) -> String {
        let tasks = statuses.enumerated().map { #"{"taskArn":"arn:\#($0.offset)","lastStatus":"\#($0.element)"}"# }
        let failed = failures.map { #"{"arn":"arn:x","reason":"\#($0)"}"# }
        return #"{"tasks":[\#(tasks.joined(separator: ","))],"failures":[\#(failed.joined(separator: ","))]}"#
    }

    @Test("tasks-running polls until every task runs, sleeping the waiter's delay in between")
    func running() {
        let transport = ScriptedTransport(json: [
            Self.tasks(["PROVISIONING", "PENDING"]), Self.tasks(["RUNNING", "PENDING"]),
            Self.tasks(["RUNNING", "RUNNING"]),
        ])
        let sleeps = SleepRecorder()
        let outcome = Harness.run(
            ["wait", "tasks-running", "--cluster", "c", "--tasks", "arn:0", "arn:1"], transport: transport,
            sleeps: sleeps)
        #expect(outcome == Outcome(status: 0, stdout: "", stderr: ""))
        #expect(transport.operations == ["DescribeTasks", "DescribeTasks", "DescribeTasks"])
        #expect(transport.bodies.allSatisfy { $0 == #"{"cluster":"c","tasks":["arn:0","arn:1"]}"# })
        #expect(sleeps.sleeps == [6, 6])
    }

    @Test("BERTH_WAITER_DELAY overrides the delay")
    func delayOverride() {
        let sleeps = SleepRecorder()
        _ = Harness.run(
            ["wait", "tasks-stopped", "--tasks", "a"],
            transport: ScriptedTransport(json: [Self.tasks(["RUNNING"]), Self.tasks(["STOPPED"])]),
            environment: ["BERTH_WAITER_DELAY": "0.05"], sleeps: sleeps)
        #expect(sleeps.sleeps == [0.05])
    }

    @Test("A stopped task fails tasks-running: exit 255 with botocore's reason")
    func stoppedFailsRunning() {
        let outcome = Harness.run(
            ["wait", "tasks-running", "--tasks", "a", "b"],
            transport: ScriptedTransport(json: [Self.tasks(["RUNNING", "STOPPED"])]))
        #expect(
            outcome
                == Outcome(
                    status: 255, stdout: "",
                    stderr: "\nWaiter TasksRunning failed: Waiter encountered a terminal failure state: "
                        + "For expression \"tasks[].lastStatus\" we matched expected path: \"STOPPED\" at least once\n")
        )
    }

    @Test("A missing task fails tasks-running (failures[].reason MISSING)")
    func missing() {
        let outcome = Harness.run(
            ["wait", "tasks-running", "--tasks", "a"],
            transport: ScriptedTransport(json: [Self.tasks([], failures: ["MISSING"])]))
        #expect(
            outcome.stderr
                == "\nWaiter TasksRunning failed: Waiter encountered a terminal failure state: "
                + "For expression \"failures[].reason\" we matched expected path: \"MISSING\" at least once\n")
        #expect(outcome.status == 255)
    }

    @Test("tasks-stopped has no failure state: a missing task waits until attempts run out")
    func maxAttempts() {
        let transport = ScriptedTransport(json: [Self.tasks([], failures: ["MISSING"])])
        let sleeps = SleepRecorder()
        let outcome = Harness.run(
            ["wait", "tasks-stopped", "--tasks", "a"], transport: transport,
            environment: ["BERTH_WAITER_MAX_ATTEMPTS": "3"], sleeps: sleeps)
        #expect(
            outcome == Outcome(status: 255, stdout: "", stderr: "\nWaiter TasksStopped failed: Max attempts exceeded\n")
        )
        #expect(transport.operations.count == 3)
        #expect(sleeps.sleeps == [6, 6])
    }

    @Test("The default: 100 attempts")
    func defaultAttempts() {
        let transport = ScriptedTransport(json: [Self.tasks(["PENDING"])])
        let outcome = Harness.run(["wait", "tasks-running", "--tasks", "a"], transport: transport)
        #expect(outcome.stderr == "\nWaiter TasksRunning failed: Max attempts exceeded\n")
        #expect(transport.operations.count == 100)
    }

    @Test("A service error ends the wait with its code and message")
    func serviceError() {
        let transport = ScriptedTransport([
            .success(
                HTTPResponse(
                    status: 400,
                    body: Array(#"{"__type":"ClusterNotFoundException","message":"Cluster not found."}"#.utf8)))
        ])
        #expect(
            Harness.run(["wait", "tasks-stopped", "--cluster", "x", "--tasks", "a"], transport: transport)
                == Outcome(
                    status: 255, stdout: "",
                    stderr:
                        "\nWaiter TasksStopped failed: An error occurred (ClusterNotFoundException): Cluster not found.\n"
                ))
    }

    @Test("Against canned responses over the Unix socket")
    func overSocket() async throws {
        let server = try TestHTTPServer(unixResponses: [
            .json(Self.tasks(["PENDING"])), .json(Self.tasks(["STOPPED"])),
        ])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let outcome = try await onDedicatedThread {
            Harness.run(
                ["wait", "tasks-stopped", "--cluster", "c", "--tasks", "arn:0", "--socket", path], transport: nil,
                environment: ["BERTH_WAITER_DELAY": "0"])
        }
        #expect(outcome == Outcome(status: 0, stdout: "", stderr: ""))
        #expect(server.requests.compactMap(\.operation) == ["DescribeTasks", "DescribeTasks"])
    }
}
