import Foundation
import RegistryLab
import Testing

/// RunTask pulling on demand from a real registry (docker-registry on loopback, token realm, blobs
/// redirected to a second host), as Fargate does: one download for tasks that start together, the pull's
/// times on the task, failures as TaskFailedToStart with containerd's words, and `berth images` going
/// through the berthd that pulled.
extension DaemonEndToEndTests {
    /// `berth images …` as a user runs it while berthd is up: no --root, berthd's socket in BERTH_SOCKET.
    func imagesThroughBerthd(_ arguments: [String]) -> BerthHarness.Result_ {
        RunningBerth(
            executable: "\(harness.binDirectory)/berth", arguments: ["images"] + arguments,
            environment: ProcessInfo.processInfo.environment.merging(["BERTH_SOCKET": socketPath]) { $1 }
        ).finish()
    }

    /// A timestamp as `berth ecs` prints it (ISO 8601, or epoch seconds).
    static func date(_ value: Any?) -> Date? {
        if let seconds = value as? Double { return Date(timeIntervalSince1970: seconds) }
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }

    func register(_ family: String, image: String) throws {
        let definition: [String: Any] = [
            "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                [
                    "name": "main", "image": image, "entryPoint": ["/bin/sh", "-c", "echo pulled-ok; exec sleep 600"],
                    "stopTimeout": 2,
                ]
            ],
        ]
        let path = "\(root)/\(family).json"
        FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: definition))
        let registered = ecs(["register-task-definition", "--cli-input-json", "file://\(path)"])
        #expect(registered.status == 0, "\(registered.stderr)")
    }

    func stoppedTask(_ family: String) throws -> [String: Any] {
        let run = ecs([
            "run-task", "--launch-type", "FARGATE", "--network-configuration", Self.networkConfiguration,
            "--task-definition", family,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let arn = try #require((run.json["tasks"] as? [[String: Any]])?.first?["taskArn"] as? String)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", arn]).status == 0)
        return describe(arn)
    }

    @Test(.enabled(if: RegistryLab.isAvailable))
    func runTaskPullsOnDemandWithOneDownloadAndFailsAsFargateDoes() throws {
        let lab = try RegistryLab.start(.init(auth: .token(user: "berth", password: "task-pw"), redirectBlobs: true))
        defer { lab.stop() }
        // The probe image: its /probe layer is in no image this suite's store holds, so it must be downloaded.
        _ = try lab.push(layout: "\(harness.fixtures)/probe", tag: "r/app:1")
        let manifest = try JSONSerialization.jsonObject(with: try lab.inspectRaw("r/app:1")) as? [String: Any]
        let layer = try #require((manifest?["layers"] as? [[String: Any]])?.last?["digest"] as? String)
        let authFile = "\(root)/registry-auth.json"
        try lab.writeAuthFile(to: authFile)
        // This test's berthd trusts the lab's CA and reads the lab user's credentials; Docker Hub stays blocked.
        stopDaemon(signal: SIGTERM)
        try startDaemon(
            extraArguments: ["--registry-certs-dir", lab.certsDirectory],
            environment: ["REGISTRY_AUTH_FILE": authFile])

        let name = "\(lab.host)/r/app:1"
        try register("pulled", image: name)
        let before = lab.blobServerRequests.count
        // Slow storage keeps the first pull in flight while the second task asks for the same image.
        lab.delayBlobResponses(seconds: 1.5)
        let arns = try runTask("pulled", count: 2)
        lab.delayBlobResponses(seconds: 0)
        defer {
            for arn in arns { _ = ecs(["stop-task", "--task", arn]) }
            _ = ecs(["wait", "tasks-stopped", "--tasks"] + arns)
        }
        #expect(arns.count == 2)
        let layerGets = lab.blobServerRequests.dropFirst(before).filter {
            $0.method == "GET" && $0.path.hasSuffix("/\(layer.dropFirst(7))/data")
        }
        #expect(layerGets.count == 1, "two tasks starting together share one download: \(layerGets)")
        var windows: [(Date, Date)] = []
        for arn in arns {
            let task = describe(arn)
            #expect(task["lastStatus"] as? String == "RUNNING")
            let started = try #require(Self.date(task["pullStartedAt"]), "\(task)")
            let stopped = try #require(Self.date(task["pullStoppedAt"]), "\(task)")
            windows.append((started, stopped))
        }
        // Both pulls were in flight at once (so the one download was shared, not a cache hit after the first).
        #expect(windows.map(\.0).max()! < windows.map(\.1).min()!, "\(windows)")
        let listed = imagesThroughBerthd(["ls"])
        #expect(listed.status == 0 && listed.stdout.contains("\(lab.host)/r/app"), "\(listed)")

        // Through berthd, the same store: already there, and in use by the running tasks.
        let again = imagesThroughBerthd(["pull", name])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Status: Image is up to date for \(name)"), "\(again.stdout)")
        let removal = imagesThroughBerthd(["rm", name])
        #expect(removal.status != 0, "\(removal.stdout)")
        #expect(removal.stderr.contains("conflict: unable to remove repository reference"), "\(removal.stderr)")

        try register("missing", image: "\(lab.host)/r/app:nope")
        let missing = try stoppedTask("missing")
        #expect(missing["stopCode"] as? String == "TaskFailedToStart", "\(missing)")
        let reason = missing["stoppedReason"] as? String ?? ""
        #expect(
            reason.hasPrefix(
                "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref"
                    + " \(lab.host)/r/app:nope"),
            "\(reason)")
        #expect(reason.contains("\(lab.host)/r/app:nope: not found"), "\(reason)")

        // repositoryCredentials cannot be read (no Secrets Manager here): the task says what berth did instead.
        let withCredentials: [String: Any] = [
            "family": "privcreds", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                [
                    "name": "main", "image": "\(lab.host)/r/app:nope",
                    "repositoryCredentials": [
                        "credentialsParameter": "arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-AbCdEf"
                    ],
                ]
            ],
        ]
        let credentialsPath = "\(root)/privcreds.json"
        FileManager.default.createFile(
            atPath: credentialsPath, contents: try JSONSerialization.data(withJSONObject: withCredentials))
        #expect(ecs(["register-task-definition", "--cli-input-json", "file://\(credentialsPath)"]).status == 0)
        let private_ = try stoppedTask("privcreds")
        #expect(
            (private_["stoppedReason"] as? String ?? "").contains(
                "repositoryCredentials arn:aws:secretsmanager:us-east-1:000000000000:secret:registry-AbCdEf is not read"
            ),
            "\(private_)")

        // Docker Hub is blocked for every test berthd: nothing leaves this machine, and the task says why.
        try register("hub", image: "nosuch-image-for-berth-tests")
        let hub = try stoppedTask("hub")
        #expect(hub["stopCode"] as? String == "TaskFailedToStart", "\(hub)")
        #expect((hub["stoppedReason"] as? String ?? "").contains("blocked"), "\(hub)")
    }
}
