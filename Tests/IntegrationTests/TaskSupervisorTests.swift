import ECSModel
import Engine
import Foundation
import Images
import Logging
import Testing

/// Multi-container tasks through the engine's TaskSupervisor, on the real kernel.
@Suite("TaskSupervisor: the ECS task lifecycle")
struct TaskSupervisorTests {
    let harness: BerthHarness
    let root: String
    let environment: EngineEnvironment

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-tasks-")
        let store = try ImageStore(root: root)
        _ = try store.importImage(from: "\(harness.fixtures)/probe", name: "probe:latest")
        _ = try store.importImage(from: "\(harness.fixtures)/busybox", name: "busybox:latest")
        environment = EngineEnvironment(
            root: root, shimPath: "\(harness.binDirectory)/berth-shim", netnsDirectory: "\(root)/netns",
            images: store, logger: Logger(label: "test"))
    }

    func container(_ json: String) throws -> PlannedContainer {
        PlannedContainer(definition: try JSONDecoder().decode(ContainerDefinition.self, from: Data(json.utf8)))
    }

    func expectCleanedUp(_ supervisor: TaskSupervisor, sourceLocation: SourceLocation = #_sourceLocation) {
        let overlay = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/overlay")) ?? []
        #expect(overlay.isEmpty, "container layers left: \(overlay)", sourceLocation: sourceLocation)
        #expect(
            !FileManager.default.fileExists(atPath: "\(root)/netns/\(supervisor.taskID)"),
            sourceLocation: sourceLocation)
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        #expect(!mounts.contains(root), "mounts left under \(root)", sourceLocation: sourceLocation)
    }

    @Test func twoContainersShareANetworkNamespaceAndStopTaskStopsBoth() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let recorder = Recorder()
        let supervisor = TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: [
                try container(#"{"name":"app","image":"probe","command":["signals","60"],"stopTimeout":5}"#),
                try container(
                    #"{"name":"side","image":"busybox","essential":false,"entryPoint":["/bin/sh","-c","ip link 2>/dev/null; ls /sys/class/net; exec sleep 60"],"stopTimeout":2,"linuxParameters":{"initProcessEnabled":true}}"#
                ),
            ], environment: environment, onChange: recorder.record)
        await supervisor.start()
        let running = await supervisor.current
        #expect(running.lastStatus == .running)
        #expect(running.containers.allSatisfy { $0.lastStatus == .running })
        #expect(running.startedAt != nil && running.pullStartedAt != nil && running.pullStoppedAt != nil)
        // Both containers' PID 1 are in the pinned namespace of the task.
        let pinned = try FileManager.default.attributesOfItem(atPath: "\(root)/netns/\(supervisor.taskID)")[
            .systemFileNumber]
        #expect(pinned != nil)

        await supervisor.stop(code: .userInitiated, reason: "Task stopped by user")
        let stopped = await supervisor.waitUntilStopped()
        #expect(stopped.lastStatus == .stopped)
        #expect(stopped.desiredStatus == "STOPPED")
        #expect(stopped.stopCode == .userInitiated)
        #expect(stopped.stoppedReason == "Task stopped by user")
        #expect(stopped.stoppedAt != nil && stopped.stoppingAt != nil)
        // The probe handles SIGTERM and exits 0; sleep under the reaping init dies of it: 143.
        #expect(stopped.containers.first { $0.name == "app" }?.exitCode == 0)
        #expect(stopped.containers.first { $0.name == "side" }?.exitCode == 143)
        let statuses = recorder.all.map(\.lastStatus)
        #expect(statuses == statuses.sorted(), "lifecycle went backwards: \(statuses)")
        for status in [
            TaskStatus.provisioning, .pending, .activating, .running, .deactivating, .stopping, .deprovisioning,
            .stopped,
        ] {
            #expect(statuses.contains(status), "never reported \(status)")
        }
        let versions = recorder.all.map(\.version)
        #expect(versions == Array(versions.sorted()) && Set(versions).count == versions.count)
        expectCleanedUp(supervisor)
    }

    @Test func anEssentialExitStopsTheTask() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let supervisor = TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: [
                try container(#"{"name":"worker","image":"probe","entryPoint":["/bin/sh","-c","sleep 1; exit 3"]}"#),
                try container(
                    #"{"name":"side","image":"probe","essential":false,"command":["sleep","60"],"stopTimeout":2}"#),
            ], environment: environment, onChange: { _ in })
        await supervisor.start()
        let stopped = await supervisor.waitUntilStopped()
        #expect(stopped.stopCode == .essentialContainerExited)
        #expect(stopped.stoppedReason == "Essential container in task exited")
        #expect(stopped.containers.first { $0.name == "worker" }?.exitCode == 3)
        // `probe sleep` as PID 1 ignores SIGTERM, so the stopTimeout's SIGKILL ends it: 137. On a loaded
        // machine the worker may exit before `side` was launched at all; then it never runs.
        let side = stopped.containers.first { $0.name == "side" }
        #expect(side?.lastStatus == .stopped)
        #expect(side?.exitCode == 137 || side?.exitCode == nil)
        #expect(stopped.executionStoppedAt != nil)
        expectCleanedUp(supervisor)
    }

    @Test func aContainerThatCannotStartFailsTheTaskWithItsReason() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let supervisor = TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: [try container(#"{"name":"bad","image":"probe","user":"nosuchuser"}"#)],
            environment: environment, onChange: { _ in })
        await supervisor.start()
        let stopped = await supervisor.waitUntilStopped()
        #expect(stopped.stopCode == .taskFailedToStart)
        #expect(stopped.stoppedReason?.contains("unable to find user nosuchuser") == true)
        #expect(stopped.containers[0].reason?.hasPrefix("CannotStartContainerError") == true)
        expectCleanedUp(supervisor)
    }

    @Test func aMissingImageFailsBeforeAnythingRuns() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let supervisor = TaskSupervisor(
            taskID: "t\(UInt32.random(in: 0...UInt32.max))",
            containers: [try container(#"{"name":"x","image":"nosuch:1"}"#)], environment: environment,
            onChange: { _ in })
        await supervisor.start()
        let stopped = await supervisor.waitUntilStopped()
        #expect(stopped.stopCode == .taskFailedToStart)
        #expect(stopped.stoppedReason?.hasPrefix("CannotPullContainerError") == true)
        expectCleanedUp(supervisor)
    }
}
