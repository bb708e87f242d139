import ECSModel
import Engine
import Foundation
import Images
import Logging
import Testing

/// Fargate task semantics on the real kernel: dependsOn, health checks, graceful stop with the image's
/// STOPSIGNAL, logs, and `pidMode: task`. Assertions come from what the containers themselves wrote
/// (their logs) and from every snapshot the supervisor reported, never from wall-clock time.
@Suite("Task semantics: dependsOn, health, graceful stop, logs, pidMode")
struct TaskSemanticsTests {
    let harness: BerthHarness
    let root: String
    let environment: EngineEnvironment

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-semantics-")
        let store = try ImageStore(root: root)
        _ = try store.importImage(from: "\(harness.fixtures)/busybox", name: "busybox:latest")
        _ = try store.importImage(from: "\(harness.fixtures)/busybox-sigquit", name: "busybox-sigquit:latest")
        environment = EngineEnvironment(
            root: root, shimPath: "\(harness.binDirectory)/berth-shim", netnsDirectory: "\(root)/netns",
            images: store, logger: Logger(label: "test"))
    }

    func supervisor(_ containers: [String], pidMode: String? = nil, recorder: Recorder = Recorder()) throws
        -> TaskSupervisor
    {
        TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: try containers.map {
                PlannedContainer(definition: try JSONDecoder().decode(ContainerDefinition.self, from: Data($0.utf8)))
            }, pidMode: pidMode, environment: environment, onChange: recorder.record)
    }

    /// The container's log records: (time, stream, text), in the CRI format the shim writes.
    func log(_ supervisor: TaskSupervisor, _ name: String, prefix: String = "berth") -> [(
        time: String, stream: String, tag: String, text: String
    )] {
        let path = "\(environment.taskDirectory(supervisor.taskID))/logs/\(prefix)/\(name)/\(supervisor.taskID)"
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: true).map { line in
            let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
            return (
                String(parts[0]), String(parts[1]), String(parts[2]), parts.count > 3 ? String(parts[3]) : ""
            )
        }
    }

    func until(_ supervisor: TaskSupervisor, attempts: Int = 600, _ condition: (TaskSnapshot) -> Bool) async
        -> TaskSnapshot
    {
        for _ in 0..<attempts {
            let current = await supervisor.current
            if condition(current) { return current }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return await supervisor.current
    }

    func stopAndClean(_ supervisor: TaskSupervisor) async -> TaskSnapshot {
        await supervisor.stop(code: .userInitiated, reason: "Task stopped by user")
        let stopped = await supervisor.waitUntilStopped()
        let overlay = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/overlay")) ?? []
        #expect(overlay.isEmpty, "container layers left: \(overlay)")
        return stopped
    }

    @Test func anAppStartsOnlyAfterTheSidecarItDependsOnIsHealthy() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recorder = Recorder()
        let task = try supervisor(
            [
                #"{"name":"app","image":"busybox","command":["sleep","60"],"stopTimeout":2,"dependsOn":[{"containerName":"side","condition":"HEALTHY"}]}"#,
                #"{"name":"side","image":"busybox","essential":false,"stopTimeout":2,"command":["sh","-c","sleep 2; touch /tmp/ready; exec sleep 60"],"healthCheck":{"command":["CMD-SHELL","test -f /tmp/ready"],"interval":5,"retries":3}}"#,
            ], recorder: recorder)
        await task.start()
        let running = await task.current
        #expect(running.lastStatus == .running)
        let snapshots = recorder.all
        let firstAppRunning = try #require(snapshots.first { $0.containers[0].lastStatus == .running })
        #expect(firstAppRunning.containers[1].healthStatus == .healthy)
        // The sidecar ran, still UNKNOWN, while the app waited.
        #expect(
            snapshots.contains {
                $0.containers[1].lastStatus == .running && $0.containers[0].lastStatus == .pending
                    && $0.containers[1].healthStatus != .healthy
            })
        // The task's health is over essential containers only; the app has no check: UNKNOWN.
        #expect(running.healthStatus == .unknown)
        _ = await stopAndClean(task)
    }

    @Test func aSuccessDependencyThatExitsNonZeroStopsTheTaskWithTheReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"migrate","image":"busybox","essential":false,"command":["sh","-c","echo migrating; exit 1"]}"#,
            #"{"name":"app","image":"busybox","command":["sleep","60"],"dependsOn":[{"containerName":"migrate","condition":"SUCCESS"}]}"#,
        ])
        await task.start()
        let stopped = await task.waitUntilStopped()
        #expect(stopped.lastStatus == .stopped)
        #expect(stopped.stopCode == .taskFailedToStart)
        #expect(stopped.stoppedReason?.contains("'migrate'") == true, "\(stopped.stoppedReason ?? "")")
        #expect(stopped.stoppedReason?.contains("exited with code 1") == true, "\(stopped.stoppedReason ?? "")")
        #expect(stopped.containers[0].exitCode == 1)
        // The app never ran.
        #expect(stopped.containers[1].exitCode == nil)
        #expect(log(task, "migrate").map(\.text) == ["migrating"])
    }

    @Test func aCompleteDependencyRunsToTheEndFirst() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"init","image":"busybox","essential":false,"command":["sh","-c","sleep 1; exit 4"]}"#,
            #"{"name":"app","image":"busybox","command":["sh","-c","echo app-started; exec sleep 60"],"stopTimeout":2,"dependsOn":[{"containerName":"init","condition":"COMPLETE"}]}"#,
        ])
        await task.start()
        let running = await task.current
        #expect(running.lastStatus == .running)
        #expect(running.containers[0].exitCode == 4)
        #expect(running.containers[1].lastStatus == .running)
        _ = await stopAndClean(task)
    }

    @Test func aNonEssentialCrashLeavesTheTaskRunning() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"app","image":"busybox","command":["sleep","60"],"stopTimeout":2}"#,
            #"{"name":"crasher","image":"busybox","essential":false,"command":["sh","-c","sleep 1; exit 3"]}"#,
        ])
        await task.start()
        let afterCrash = await until(task) { $0.containers[1].lastStatus == .stopped }
        #expect(afterCrash.containers[1].exitCode == 3)
        #expect(afterCrash.lastStatus == .running)
        #expect(afterCrash.desiredStatus == "RUNNING")
        #expect(afterCrash.containers[0].lastStatus == .running)
        _ = await stopAndClean(task)
    }

    @Test func anEssentialExitStopsTheOthersInReverseDependencyOrder() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let trap = #"trap 'echo %@-got-TERM; exit 0' TERM; echo %@-up; while :; do sleep 0.1; done"#
        let task = try supervisor([
            #"{"name":"main","image":"busybox","command":["sh","-c","sleep 2; exit 0"],"dependsOn":[{"containerName":"web","condition":"START"}]}"#,
            """
            {"name":"web","image":"busybox","essential":false,"stopTimeout":10,"command":["sh","-c","\(
                trap.replacingOccurrences(of: "%@", with: "web"))"],"dependsOn":[{"containerName":"db","condition":"START"}]}
            """,
            """
            {"name":"db","image":"busybox","essential":false,"stopTimeout":10,"command":["sh","-c","\(
                trap.replacingOccurrences(of: "%@", with: "db"))"]}
            """,
        ])
        await task.start()
        let stopped = await task.waitUntilStopped()
        #expect(stopped.stopCode == .essentialContainerExited)
        #expect(stopped.stoppedReason == "Essential container in task exited")
        #expect(stopped.executionStoppedAt != nil)
        #expect(stopped.containers.map(\.exitCode) == [0, 0, 0])
        let web = try #require(log(task, "web").first { $0.text == "web-got-TERM" })
        let db = try #require(log(task, "db").first { $0.text == "db-got-TERM" })
        // db outlives what depends on it: it got its TERM only after web had handled its own.
        #expect(web.time < db.time, "web stopped at \(web.time), db at \(db.time)")
    }

    @Test func aContainerIgnoringSIGTERMIsKilledAfterItsStopTimeout() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"stubborn","image":"busybox","stopTimeout":2,"command":["sh","-c","trap '' TERM; echo up; while :; do sleep 0.1; done"]}"#
        ])
        await task.start()
        _ = await until(task) { _ in log(task, "stubborn").contains { $0.text == "up" } }
        let stopped = await stopAndClean(task)
        #expect(stopped.containers[0].exitCode == 137)
        #expect(stopped.stopCode == .userInitiated)
    }

    @Test func theImagesStopSignalIsSentInsteadOfSIGTERM() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"quitter","image":"busybox-sigquit","stopTimeout":20,"command":["sh","-c","trap 'echo got-QUIT; exit 0' QUIT; trap 'echo got-TERM; exit 0' TERM; echo up; while :; do sleep 0.1; done"]}"#
        ])
        await task.start()
        _ = await until(task) { _ in log(task, "quitter").contains { $0.text == "up" } }
        let stopped = await stopAndClean(task)
        let lines = log(task, "quitter").map(\.text)
        #expect(lines.contains("got-QUIT"), "\(lines)")
        #expect(!lines.contains("got-TERM"))
        #expect(stopped.containers[0].exitCode == 0)
    }

    @Test func healthGoesFromUnknownToHealthyToUnhealthy() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recorder = Recorder()
        // The check starts failing when the test says so (SIGUSR1), never because time passed.
        let task = try supervisor(
            [
                #"{"name":"web","image":"busybox","stopTimeout":2,"command":["sh","-c","trap 'touch /tmp/broken' USR1; while :; do sleep 0.1; done"],"healthCheck":{"command":["CMD-SHELL","test ! -f /tmp/broken"],"interval":5,"timeout":20,"retries":1}}"#
            ], recorder: recorder)
        await task.start()
        let healthy = await until(task) { $0.healthStatus == .healthy }
        #expect(healthy.containers[0].healthStatus == .healthy)
        let runtime = try #require(TaskRuntimeRecord.read(taskDirectory: environment.taskDirectory(task.taskID)))
        let pid = try #require(runtime.running["web"]?.containerPID)
        #expect(kill(pid, SIGUSR1) == 0)
        let unhealthy = await until(task) { $0.healthStatus == .unhealthy }
        #expect(unhealthy.containers[0].healthStatus == .unhealthy)
        var seen: [HealthStatus] = []
        for snapshot in recorder.all where seen.last != snapshot.healthStatus { seen.append(snapshot.healthStatus) }
        #expect(seen == [.unknown, .healthy, .unhealthy])
        // An unhealthy container keeps running: standalone tasks are not replaced.
        #expect(unhealthy.lastStatus == .running)
        _ = await stopAndClean(task)
    }

    @Test func logsKeepBothStreamsWithTimestampsUnderTheAwslogsStreamName() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"talker","image":"busybox","command":["sh","-c","echo to-stdout; echo to-stderr >&2; printf 'no-newline'"],"logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/t","awslogs-region":"us-east-1","awslogs-stream-prefix":"web"}}}"#
        ])
        await task.start()
        _ = await task.waitUntilStopped()
        let records = log(task, "talker", prefix: "web")
        #expect(records.map(\.text).sorted() == ["no-newline", "to-stderr", "to-stdout"])
        #expect(records.first { $0.text == "to-stderr" }?.stream == "stderr")
        #expect(records.first { $0.text == "to-stdout" }?.stream == "stdout")
        #expect(records.allSatisfy { $0.tag == "F" })
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for record in records {
            // RFC 3339 with nanoseconds; Foundation parses up to milliseconds, so trim the rest.
            let trimmed = String(record.time.prefix(23)) + "Z"
            #expect(formatter.date(from: trimmed) != nil, "bad timestamp \(record.time)")
        }
    }

    @Test func pidModeTaskPutsAllContainersInOneProcessNamespace() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let containers = [
            #"{"name":"a","image":"busybox","essential":false,"stopTimeout":2,"command":["sleep","4242"]}"#,
            #"{"name":"b","image":"busybox","stopTimeout":2,"command":["sh","-c","sleep 1; ps -o args; exec sleep 60"],"dependsOn":[{"containerName":"a","condition":"START"}]}"#,
        ]
        let shared = try supervisor(containers, pidMode: "task")
        await shared.start()
        _ = await until(shared) { _ in log(shared, "b").contains { $0.text.contains("ps -o args") } }
        #expect(log(shared, "b").contains { $0.text == "sleep 4242" }, "\(log(shared, "b").map(\.text))")
        _ = await stopAndClean(shared)

        let separate = try supervisor(containers)
        await separate.start()
        _ = await until(separate) { _ in log(separate, "b").contains { $0.text.contains("ps -o args") } }
        #expect(!log(separate, "b").contains { $0.text == "sleep 4242" })
        #expect(log(separate, "b").contains { $0.text.contains("ps -o args") })
        _ = await stopAndClean(separate)
    }

    // restartAttemptPeriod is 60-1800 at registration; the engine takes what it is given, so these run
    // with a 1 s period instead of waiting a minute.
    @Test func aRestartPolicyRestartsTheContainerInPlaceWithTheSameLog() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"flaky","image":"busybox","stopTimeout":2,"restartPolicy":{"enabled":true,"restartAttemptPeriod":1},"command":["sh","-c","echo run >> /runs; cat /runs | wc -l; sleep 3; exit 5"]}"#
        ])
        await task.start()
        let thirdRun = await until(task) { _ in log(task, "flaky").contains { $0.text.hasSuffix("3") } }
        // Still the same task, still RUNNING; the writable layer survived the restarts (the count grows).
        #expect(thirdRun.lastStatus == .running)
        let counts = log(task, "flaky").map { $0.text.trimmingCharacters(in: .whitespaces) }
        #expect(Array(counts.prefix(3)) == ["1", "2", "3"])
        _ = await stopAndClean(task)
    }

    @Test func aRestartPolicyLeavesEarlyExitsAndIgnoredCodesAlone() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let early = try supervisor([
            #"{"name":"early","image":"busybox","restartPolicy":{"enabled":true,"restartAttemptPeriod":60},"command":["sh","-c","echo run; exit 5"]}"#
        ])
        await early.start()
        let earlyStopped = await early.waitUntilStopped()
        #expect(earlyStopped.stopCode == .essentialContainerExited)
        #expect(log(early, "early").map(\.text) == ["run"])

        let ignored = try supervisor([
            #"{"name":"done","image":"busybox","restartPolicy":{"enabled":true,"restartAttemptPeriod":1,"ignoredExitCodes":[0]},"command":["sh","-c","echo run; sleep 3; exit 0"]}"#
        ])
        await ignored.start()
        let ignoredStopped = await ignored.waitUntilStopped()
        #expect(ignoredStopped.containers[0].exitCode == 0)
        #expect(log(ignored, "done").map(\.text) == ["run"])
    }

    @Test func everyContainerGetsTheTasksHostsHostnameAndResolvConf() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let task = try supervisor([
            #"{"name":"reader","image":"busybox","command":["sh","-c","cat /etc/hostname; grep -c localhost /etc/hosts; grep -c '^nameserver 127' /etc/resolv.conf; hostname"]}"#
        ])
        await task.start()
        _ = await task.waitUntilStopped()
        let name = String(task.taskID.prefix(12))
        // hostname file, two localhost lines, no loopback resolver, the UTS hostname.
        #expect(log(task, "reader").map(\.text) == [name, "2", "0", name])
    }
}
