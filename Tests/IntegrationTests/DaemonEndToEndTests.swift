import Foundation
import Testing

/// berthd as users meet it: the seed's four steps through `berth ecs` over the Unix socket and through
/// the real aws CLI over SigV4-signed loopback TCP, tasks really running, and a SIGKILLed daemon that
/// loses nothing it acknowledged.
@Suite("berthd end to end", .serialized)
final class DaemonEndToEndTests {
    let harness: BerthHarness
    let root: String
    let runDirectory: String
    let port: Int
    let metadataPort: Int
    var daemon: Process?

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-daemon-")
        runDirectory = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-run-")
        port = Self.freeLoopbackPort()
        metadataPort = Self.freeLoopbackPort()
        #expect(
            harness.berth(["images", "import", "\(harness.fixtures)/nginx", "--name", "nginx:latest"], root: root)
                .status == 0)
        #expect(
            harness.berth(["images", "import", "\(harness.fixtures)/busybox", "--name", "busybox:latest"], root: root)
                .status == 0)
        try startDaemon()
    }

    deinit {
        stopDaemon(signal: SIGTERM)
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: runDirectory)
    }

    var socketPath: String { "\(runDirectory)/berth.sock" }

    /// This suite's berthd is a network instance of its own (inet berth-e2e, berth-e2e0, VPC 10.87.0.0/16), so
    /// it never meets the machine's own berthd.
    static let networkArguments = ["--network-name", "e2e", "--vpc-cidr", "10.87.0.0/16"]
    /// Tasks reach this suite's metadata endpoint where they reach ECS's, on a port of its own.
    static let metadataAddress = "169.254.170.2"

    func startDaemon(extraArguments: [String] = [], environment: [String: String] = [:]) throws {
        daemon = try launchBerthd(
            [
                "--root", root, "--run-directory", runDirectory, "--listen", "127.0.0.1:\(port)",
                "--stop-tasks-on-exit", "--metadata-listen", "\(Self.metadataAddress):\(metadataPort)",
            ] + Self.networkArguments + extraArguments, socket: socketPath, environment: environment)
    }

    /// A registries.conf that blocks Docker Hub, which every test berthd reads unless a test gives its own:
    /// a task whose image is missing must never send a test's traffic to a registry off this machine.
    var offlineRegistriesConf: String {
        // In the harness's root, which goes when the test process exits.
        let path = "\(harness.root)/offline-registries.conf"
        if !FileManager.default.fileExists(atPath: path) {
            let text = """
                [[registry]]
                prefix = "docker.io"
                location = "docker.io"
                blocked = true

                """
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        }
        return path
    }

    /// berthd with `arguments`, once its socket exists (for up to 10 s).
    func launchBerthd(_ arguments: [String], socket: String, environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berthd")
        process.arguments =
            arguments.contains("--registries-conf")
            ? arguments : arguments + ["--registries-conf", offlineRegistriesConf]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: socket) { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: socket), "berthd did not open \(socket)")
        return process
    }

    func stopDaemon(signal: Int32) {
        guard let daemon, daemon.isRunning else { return }
        kill(daemon.processIdentifier, signal)
        daemon.waitUntilExit()
        self.daemon = nil
        if signal == SIGKILL { try? FileManager.default.removeItem(atPath: socketPath) }
    }

    /// `berth ecs ...` against this daemon (or the one at `socket`); stdout parsed as JSON when it is.
    func ecs(_ arguments: [String], socket: String? = nil) -> (status: Int32, json: [String: Any], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
        process.arguments = ["ecs"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BERTH_SOCKET"] = socket ?? socketPath
        environment["BERTH_WAITER_DELAY"] = "0.2"
        process.environment = environment
        return Self.run(process)
    }

    /// The real aws CLI, signed with berthd's credential, over loopback TCP only.
    func aws(_ arguments: [String]) -> (status: Int32, json: [String: Any], stderr: String) {
        let berth = Process()
        berth.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
        berth.arguments = ["daemon", "credentials", "--root", root]
        let pipe = Pipe()
        berth.standardOutput = pipe
        try? berth.run()
        let credentials = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        berth.waitUntilExit()
        var keys: [String: String] = [:]
        for line in credentials.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { keys[parts[0]] = parts[1] }
        }
        let home = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-aws-")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["aws", "--endpoint-url", "http://127.0.0.1:\(port)", "--region", "us-east-1", "ecs"] + arguments
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home,
            "AWS_ACCESS_KEY_ID": keys["aws_access_key_id"] ?? "",
            "AWS_SECRET_ACCESS_KEY": keys["aws_secret_access_key"] ?? "",
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null", "AWS_PAGER": "",
        ]
        return Self.run(process)
    }

    /// A boto3 script run with the endpoint and berthd's credential as arguments.
    func boto3(_ script: String) -> (output: String, error: String) {
        let credentials = credentialPair()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, "http://127.0.0.1:\(port)", credentials.id, credentials.secret]
        let home = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-boto-")
        defer { try? FileManager.default.removeItem(atPath: home) }
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": home,
            "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        ]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch { return ("", "\(error)") }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let error = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (output, error)
    }

    func credentialPair() -> (id: String, secret: String) {
        let berth = Process()
        berth.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
        berth.arguments = ["daemon", "credentials", "--root", root]
        let pipe = Pipe()
        berth.standardOutput = pipe
        try? berth.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        berth.waitUntilExit()
        var keys: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { keys[parts[0]] = parts[1] }
        }
        return (keys["aws_access_key_id"] ?? "", keys["aws_secret_access_key"] ?? "")
    }

    static func run(_ process: Process) -> (status: Int32, json: [String: Any], stderr: String) {
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, [:], "\(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let json = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] ?? [:]
        return (process.terminationStatus, json, String(decoding: stderr, as: UTF8.self))
    }

    /// curl from the host, retrying until the task's nginx answers.
    static func curl(_ url: String) -> (status: Int32, json: [String: Any], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-fsS", "--retry", "30", "--retry-connrefused", "--retry-delay", "0", "--max-time", "10", url,
        ]
        return run(process)
    }

    static func freeLoopbackPort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static var seedTaskDefinition: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/fargate-task.json").path
    }

    static let networkConfiguration =
        "awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],assignPublicIp=ENABLED}"

    @Test func theSeedStepsVerbatimWithBerth() throws {
        let registered = ecs(["register-task-definition", "--cli-input-json", "file://\(Self.seedTaskDefinition)"])
        #expect(registered.status == 0, "\(registered.stderr)")
        let definition = registered.json["taskDefinition"] as? [String: Any]
        #expect(definition?["family"] as? String == "fargate-task")
        #expect(definition?["revision"] as? Int == 1)

        let cluster = ecs(["create-cluster", "--cluster-name", "fargate-cluster"])
        #expect((cluster.json["cluster"] as? [String: Any])?["status"] as? String == "ACTIVE", "\(cluster.stderr)")

        let run = ecs([
            "run-task", "--cluster", "fargate-cluster", "--launch-type", "FARGATE", "--network-configuration",
            Self.networkConfiguration, "--task-definition", "fargate-task",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let task = try #require((run.json["tasks"] as? [[String: Any]])?.first)
        let arn = try #require(task["taskArn"] as? String)
        #expect(task["lastStatus"] as? String == "PROVISIONING")

        let waited = ecs(["wait", "tasks-running", "--cluster", "fargate-cluster", "--tasks", arn])
        #expect(waited.status == 0, "\(waited.stderr)")
        let described = ecs(["describe-tasks", "--cluster", "fargate-cluster", "--tasks", arn])
        let running = try #require((described.json["tasks"] as? [[String: Any]])?.first)
        #expect(running["lastStatus"] as? String == "RUNNING")
        #expect(running["startedAt"] != nil && running["pullStartedAt"] != nil)

        // nginx answers on the host's port 80 (the seed's hostPort, DNAT into the task), and on the task's
        // own address, which DescribeTasks reports in its ENI attachment.
        let id = arn.split(separator: "/").last.map(String.init) ?? ""
        #expect(Self.curl("http://127.0.0.1:80/").status == 0)
        let details = ((running["attachments"] as? [[String: Any]])?.first?["details"] as? [[String: Any]]) ?? []
        let address = details.first { $0["name"] as? String == "privateIPv4Address" }?["value"] as? String
        let interface = ((running["containers"] as? [[String: Any]])?.first?["networkInterfaces"] as? [[String: Any]])?
            .first
        #expect(interface?["privateIpv4Address"] as? String == address)
        let binding = ((running["containers"] as? [[String: Any]])?.first?["networkBindings"] as? [[String: Any]])?
            .first
        #expect(binding?["hostPort"] as? Int == 80 && binding?["containerPort"] as? Int == 80)
        if let address { #expect(Self.curl("http://\(address):80/").status == 0) }

        let stopped = ecs(["stop-task", "--cluster", "fargate-cluster", "--task", arn, "--reason", "done testing"])
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(ecs(["wait", "tasks-stopped", "--cluster", "fargate-cluster", "--tasks", arn]).status == 0)
        let after = try #require(
            (ecs(["describe-tasks", "--cluster", "fargate-cluster", "--tasks", arn]).json["tasks"]
                as? [[String: Any]])?.first)
        #expect(after["lastStatus"] as? String == "STOPPED")
        #expect(after["stopCode"] as? String == "UserInitiated")
        #expect(after["stoppedReason"] as? String == "done testing")
        #expect(!FileManager.default.fileExists(atPath: "\(runDirectory)/netns/\(id)"))

        // The real aws CLI against the same daemon, signed.
        let clusters = aws(["list-clusters"])
        #expect(clusters.status == 0, "\(clusters.stderr)")
        #expect(
            (clusters.json["clusterArns"] as? [String])?.contains { $0.hasSuffix("cluster/fargate-cluster") } == true)
        let awsRun = aws([
            "run-task", "--cluster", "fargate-cluster", "--launch-type", "FARGATE", "--network-configuration",
            Self.networkConfiguration, "--task-definition", "fargate-task",
        ])
        #expect(awsRun.status == 0, "\(awsRun.stderr)")
        let awsArn = try #require(((awsRun.json["tasks"] as? [[String: Any]])?.first)?["taskArn"] as? String)
        #expect(aws(["wait", "tasks-running", "--cluster", "fargate-cluster", "--tasks", awsArn]).status == 0)

        // A second task of the same definition cannot publish host port 80 while the first does.
        let awsSecond = aws([
            "run-task", "--cluster", "fargate-cluster", "--launch-type", "FARGATE", "--network-configuration",
            Self.networkConfiguration, "--task-definition", "fargate-task",
        ])
        #expect(awsSecond.status != 0)
        #expect(awsSecond.stderr.contains("host port 80/tcp is already published by task"), "\(awsSecond.stderr)")

        // SIGKILL berthd: nothing acknowledged is lost; the task it ran keeps running and is adopted.
        stopDaemon(signal: SIGKILL)
        try startDaemon()
        let definitionAfter = ecs(["describe-task-definition", "--task-definition", "fargate-task:1"])
        #expect((definitionAfter.json["taskDefinition"] as? [String: Any])?["revision"] as? Int == 1)
        let adopted = try #require(
            (ecs(["describe-tasks", "--cluster", "fargate-cluster", "--tasks", awsArn]).json["tasks"]
                as? [[String: Any]])?
                .first)
        #expect(adopted["lastStatus"] as? String == "RUNNING")
        // The aws CLI's own tasks-stopped waiter on the adopted task.
        #expect(aws(["stop-task", "--cluster", "fargate-cluster", "--task", awsArn]).status == 0)
        #expect(aws(["wait", "tasks-stopped", "--cluster", "fargate-cluster", "--tasks", awsArn]).status == 0)
        // boto3, with the same credential: the waiters run to RUNNING and STOPPED.
        let boto = boto3(
            """
            import boto3, sys
            ecs = boto3.client("ecs", endpoint_url=sys.argv[1], region_name="us-east-1",
                               aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
            arn = ecs.run_task(cluster="fargate-cluster", launchType="FARGATE", taskDefinition="fargate-task",
                networkConfiguration={"awsvpcConfiguration": {"subnets": ["subnet-12345678"],
                "securityGroups": ["sg-12345678"], "assignPublicIp": "ENABLED"}})["tasks"][0]["taskArn"]
            fast = {"Delay": 1, "MaxAttempts": 60}
            ecs.get_waiter("tasks_running").wait(cluster="fargate-cluster", tasks=[arn], WaiterConfig=fast)
            ecs.stop_task(cluster="fargate-cluster", task=arn, reason="boto3 says stop")
            ecs.get_waiter("tasks_stopped").wait(cluster="fargate-cluster", tasks=[arn], WaiterConfig=fast)
            task = ecs.describe_tasks(cluster="fargate-cluster", tasks=[arn])["tasks"][0]
            print(task["lastStatus"], task["stopCode"], task["stoppedReason"])
            """)
        #expect(
            boto.output.trimmingCharacters(in: .whitespacesAndNewlines) == "STOPPED UserInitiated boto3 says stop",
            "\(boto.error)")

        let awsID = awsArn.split(separator: "/").last.map(String.init) ?? ""
        #expect(!FileManager.default.fileExists(atPath: "\(runDirectory)/netns/\(awsID)"))

        // Errors read like the aws CLI's.
        let missing = ecs(["run-task", "--cluster", "nope", "--task-definition", "fargate-task"])
        #expect(missing.status != 0)
        #expect(
            missing.stderr.contains("An error occurred (ClusterNotFoundException) when calling the RunTask operation"))
    }

    /// A one-container Fargate task definition running `script` under busybox sh; returns its family.
    func registerBusybox(_ family: String, script: String) -> Bool {
        let definition: [String: Any] = [
            "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                ["name": "main", "image": "busybox", "command": ["sh", "-c", script], "stopTimeout": 2]
            ],
        ]
        let path = "\(root)/\(family).json"
        FileManager.default.createFile(atPath: path, contents: try? JSONSerialization.data(withJSONObject: definition))
        return ecs(["register-task-definition", "--cli-input-json", "file://\(path)"]).status == 0
    }

    func runTask(_ family: String, count: Int = 1) throws -> [String] {
        let run = ecs([
            "run-task", "--launch-type", "FARGATE", "--network-configuration", Self.networkConfiguration,
            "--task-definition", family, "--count", String(count),
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let arns = ((run.json["tasks"] as? [[String: Any]]) ?? []).compactMap { $0["taskArn"] as? String }
        #expect(ecs(["wait", "tasks-running", "--tasks"] + arns).status == 0)
        return arns
    }

    func describe(_ arn: String) -> [String: Any] {
        (ecs(["describe-tasks", "--tasks", arn]).json["tasks"] as? [[String: Any]])?.first ?? [:]
    }

    func berthLogs(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
        process.arguments = ["logs", "--socket", socketPath] + arguments
        return process
    }

    @Test func tasksOutliveASIGKILLedBerthdAndTheNextOneAdoptsThem() throws {
        #expect(registerBusybox("survivor", script: "echo up; exec sleep 600"))
        #expect(registerBusybox("exiter", script: "echo up; sleep 3; echo last-words; exit 7"))
        let survivors = try runTask("survivor", count: 2)
        let exiter = try #require(try runTask("exiter").first)
        let exiterID = String(exiter.split(separator: "/").last ?? "")

        stopDaemon(signal: SIGKILL)
        // The exiter ends while no berthd is running: its shim records the code.
        let exitFile = "\(root)/tasks/\(exiterID)/main.exit"
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: exitFile) { usleep(100_000) }
        #expect(FileManager.default.fileExists(atPath: exitFile))
        try startDaemon()

        for arn in survivors { #expect(describe(arn)["lastStatus"] as? String == "RUNNING") }
        let ended = describe(exiter)
        #expect(ended["lastStatus"] as? String == "STOPPED")
        #expect(ended["stopCode"] as? String == "EssentialContainerExited")
        #expect(((ended["containers"] as? [[String: Any]])?.first?["exitCode"] as? Int) == 7)
        let logs = berthLogs([exiterID])
        let output = Pipe()
        logs.standardOutput = output
        try logs.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        logs.waitUntilExit()
        #expect(text == "up\nlast-words\n")

        // berth stats reads the survivors' groups: the task's 512 MiB limit, one process each.
        let stats = berthLogs([])
        stats.arguments = ["stats", "--socket", socketPath, "--no-stream", "--interval", "0.2"]
        let statsOutput = Pipe()
        stats.standardOutput = statsOutput
        try stats.run()
        let table = String(decoding: statsOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        stats.waitUntilExit()
        #expect(stats.terminationStatus == 0)
        for arn in survivors { #expect(table.contains(String(arn.split(separator: "/").last ?? "")), "\(table)") }
        #expect(table.contains("/ 512.0MiB"), "\(table)")
        #expect(table.contains("  main"), "\(table)")

        // The adopted tasks are stoppable; `sleep` as PID 1 ignores SIGTERM, so stopTimeout's SIGKILL ends it.
        for arn in survivors { #expect(ecs(["stop-task", "--task", arn]).status == 0) }
        #expect(ecs(["wait", "tasks-stopped", "--tasks"] + survivors).status == 0)
        for arn in survivors {
            let stopped = describe(arn)
            #expect(stopped["stopCode"] as? String == "UserInitiated")
            #expect(((stopped["containers"] as? [[String: Any]])?.first?["exitCode"] as? Int) == 137)
        }
    }

    @Test func logsFollowPrintsLinesAsTheyAreWrittenAndEndsWhenTheTaskStops() throws {
        #expect(
            registerBusybox("ticker", script: "i=0; while [ $i -lt 5 ]; do echo tick-$i; i=$((i+1)); sleep 1; done"))
        let arn = try #require(try runTask("ticker").first)
        let follow = berthLogs(["--follow", arn])
        let output = Pipe()
        follow.standardOutput = output
        try follow.run()
        var seen = Data()
        while !seen.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        // The first line arrived while the task was still running.
        #expect(String(decoding: seen, as: UTF8.self).hasPrefix("tick-0\n"))
        #expect(describe(arn)["lastStatus"] as? String == "RUNNING")
        seen.append(output.fileHandleForReading.readDataToEndOfFile())
        follow.waitUntilExit()
        #expect(follow.terminationStatus == 0)
        #expect(String(decoding: seen, as: UTF8.self) == "tick-0\ntick-1\ntick-2\ntick-3\ntick-4\n")
        #expect(describe(arn)["lastStatus"] as? String == "STOPPED")
    }

    /// A raw request to berthd's socket with curl: (HTTP status, body).
    func rawRequest(target: String?, body: String, socket: Bool = true) -> (status: Int, body: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-sS", "-o", "-", "-w", "\n%{http_code}", "-X", "POST"]
        arguments += socket ? ["--unix-socket", socketPath, "http://berthd/"] : ["http://127.0.0.1:\(port)/"]
        arguments += ["-H", "Content-Type: application/x-amz-json-1.1", "--data-binary", "@-"]
        if let target { arguments += ["-H", "X-Amz-Target: AmazonEC2ContainerServiceV20141113.\(target)"] }
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try? process.run()
        input.fileHandleForWriting.write(Data(body.utf8))
        try? input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func badInputGetsA400WithAClearMessageAndChangesNothing() throws {
        #expect(registerBusybox("keeper", script: "true"))
        let before = ecs(["list-task-definitions"]).json["taskDefinitionArns"] as? [String]
        let cases: [(target: String?, body: String, type: String)] = [
            ("RegisterTaskDefinition", "{\"family\": ", "SerializationException"),
            ("RegisterTaskDefinition", "[1, 2]", "InvalidParameterException"),
            ("NoSuchOperation", "{}", "UnknownOperationException"),
            ("RegisterTaskDefinition", "{\"family\": 7, \"containerDefinitions\": []}", ""),
            ("RegisterTaskDefinition", "{\"family\": \"keeper\", \"containerDefinitions\": \"no\"}", ""),
            ("RunTask", "{\"taskDefinition\": \"keeper\", \"count\": \"ten\"}", ""),
            (nil, "{}", ""),
        ]
        for (target, body, type) in cases {
            let reply = rawRequest(target: target, body: body)
            #expect(reply.status == 400, "\(target ?? "no target") \(body): \(reply.status) \(reply.body)")
            let json = (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8))) as? [String: Any]
            let message = json?["message"] as? String ?? json?["Message"] as? String ?? ""
            #expect(!message.isEmpty, "no message for \(body): \(reply.body)")
            if !type.isEmpty { #expect((json?["__type"] as? String)?.hasSuffix(type) == true, "\(reply.body)") }
        }
        // An oversized body is refused without being read whole.
        let huge = "{\"family\": \"" + String(repeating: "x", count: 12 << 20) + "\"}"
        #expect(rawRequest(target: "RegisterTaskDefinition", body: huge).status >= 400)
        // Unsigned loopback TCP.
        let unsigned = rawRequest(target: "ListClusters", body: "{}", socket: false)
        #expect(unsigned.status == 400 || unsigned.status == 403)
        #expect(unsigned.body.contains("MissingAuthenticationToken") || unsigned.body.contains("UnrecognizedClient"))
        // berthd still serves, and nothing it stores changed.
        #expect(ecs(["list-task-definitions"]).json["taskDefinitionArns"] as? [String] == before)
        let tasks = ecs(["list-tasks", "--desired-status", "STOPPED"]).json["taskArns"] as? [String]
        #expect(tasks == [])
    }

    func getJSON(_ path: String) -> (status: Int, json: Any?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "-o", "-", "-w", "\n%{http_code}", "http://\(Self.metadataAddress):\(metadataPort)\(path)",
        ]
        let output = Pipe()
        process.standardOutput = output
        try? process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let body = lines.dropLast().joined(separator: "\n")
        return (Int(lines.last ?? "") ?? 0, try? JSONSerialization.jsonObject(with: Data(body.utf8)))
    }

    /// The task's output so far (`berth logs`), once it contains `marker` (for up to 10 s).
    func output(of arn: String, until marker: String) throws -> String {
        var printed = ""
        for _ in 0..<100 {
            let attempt = berthLogs([arn])
            let pipe = Pipe()
            attempt.standardOutput = pipe
            try attempt.run()
            printed = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            attempt.waitUntilExit()
            if printed.contains(marker) { break }
            usleep(100_000)
        }
        return printed
    }

    /// The endpoint as a task sees it: each container asks with busybox wget from inside its task, one
    /// document a line. A task learns nothing of another task, and the host (not a task) nothing at all.
    @Test func theTaskMetadataEndpointDescribesTheContainerAndTaskToThatTaskAlone() throws {
        #expect(registerBusybox("metapeer", script: "exec sleep 600"))
        let peer = try #require(try runTask("metapeer").first)
        let peerID = try #require((describe(peer)["containers"] as? [[String: Any]])?.first?["runtimeId"] as? String)
        // One line a document, tagged; for the peer's paths wget's error and its exit status.
        let script = """
            echo "uri:$ECS_CONTAINER_METADATA_URI_V4"; echo "env:$AWS_EXECUTION_ENV"
            # The container runs a moment before berthd has recorded it RUNNING.
            for i in $(seq 50); do
              wget -q -O - "$ECS_CONTAINER_METADATA_URI_V4" | grep -q '"KnownStatus":"RUNNING"' && break; sleep 0.1
            done
            for p in me:"" task:/task stats:/stats taskstats:/task/stats; do
              echo "${p%%:*}:$(wget -q -O - "$ECS_CONTAINER_METADATA_URI_V4${p#*:}")"
            done
            out=$(wget -q -O - "${ECS_CONTAINER_METADATA_URI_V4%/*}/\(peerID)" 2>&1); echo "peer:$out exit=$?"
            out=$(wget -q -O - "${ECS_CONTAINER_METADATA_URI_V4%/*}/\(peerID)/task" 2>&1); echo "peertask:$out exit=$?"
            echo done:; exec sleep 600
            """
        #expect(registerBusybox("meta", script: script))
        let arn = try #require(try runTask("meta").first)
        let container = try #require((describe(arn)["containers"] as? [[String: Any]])?.first)
        let runtimeID = try #require(container["runtimeId"] as? String)
        var lines: [String: String] = [:]
        for line in try output(of: arn, until: "done:").split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            lines[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        try #require(lines["done"] != nil, "\(lines)")
        // The container was told where to look.
        #expect(lines["uri"] == "http://\(Self.metadataAddress):\(metadataPort)/v4/\(runtimeID)")
        #expect(lines["env"] == "AWS_ECS_FARGATE")
        func json(_ tag: String) -> [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data((lines[tag] ?? "").utf8))) as? [String: Any]
        }
        let me = try #require(json("me"), "\(lines["me"] ?? "")")
        #expect(me["DockerId"] as? String == runtimeID)
        #expect(me["Name"] as? String == "main")
        #expect(me["KnownStatus"] as? String == "RUNNING")
        #expect((me["Labels"] as? [String: String])?["com.amazonaws.ecs.task-arn"] == arn)
        let task = try #require(json("task"), "\(lines["task"] ?? "")")
        #expect(task["TaskARN"] as? String == arn)
        #expect(task["Family"] as? String == "meta")
        #expect((task["Limits"] as? [String: Any])?["CPU"] as? Double == 0.25)
        #expect((task["Limits"] as? [String: Any])?["Memory"] as? Int == 512)
        #expect((task["Containers"] as? [[String: Any]])?.count == 1)
        let stats = try #require(json("stats"), "\(lines["stats"] ?? "")")
        #expect(((stats["memory_stats"] as? [String: Any])?["usage"] as? Int ?? 0) > 0)
        #expect(((stats["pids_stats"] as? [String: Any])?["current"] as? Int ?? 0) >= 1)
        #expect(json("taskstats")?[runtimeID] != nil)
        // The other task's container and task documents are refused to this one.
        for tag in ["peer", "peertask"] {
            let answer = lines[tag] ?? ""
            #expect(answer.contains("403 Forbidden") && answer.hasSuffix("exit=1"), "\(tag): \(answer)")
        }
        #expect(!lines.values.joined().contains(peer))
        // And the host is no task: refused too, while an unknown container is simply not found.
        let fromHost = getJSON("/v4/\(runtimeID)")
        #expect(fromHost.status == 403)
        #expect(((fromHost.json as? [String: Any])?["error"] as? String)?.contains("only to its own task") == true)
        #expect(getJSON("/v4/\(peerID)/task").status == 403)
        #expect(getJSON("/v4/nosuchcontainer").status == 404)
        for task in [arn, peer] { #expect(ecs(["stop-task", "--task", task]).status == 0) }
        #expect(ecs(["wait", "tasks-stopped", "--tasks", arn, peer]).status == 0)
    }

    /// `berth ec2 ...` against this daemon; stdout parsed as JSON.
    func ec2(_ arguments: [String]) -> (status: Int32, json: [String: Any], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
        process.arguments = ["ec2"] + arguments + ["--socket", socketPath]
        return Self.run(process)
    }

    @Test func securityGroupsAndSubnetsThroughBerthEC2() throws {
        let created = ec2(["create-security-group", "--group-name", "web", "--description", "web servers"])
        #expect(created.status == 0, "\(created.stderr)")
        let group = try #require(created.json["GroupId"] as? String)
        #expect(group.hasPrefix("sg-"))
        let authorized = ec2([
            "authorize-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "8000-8080",
            "--cidr", "10.0.0.0/8",
        ])
        #expect(authorized.status == 0, "\(authorized.stderr)")
        #expect(authorized.json["Return"] as? Bool == true)
        let described = ec2(["describe-security-groups", "--group-ids", group])
        let permissions =
            ((described.json["SecurityGroups"] as? [[String: Any]])?.first?["IpPermissions"]
                as? [[String: Any]]) ?? []
        #expect(permissions.count == 1)
        #expect(permissions.first?["FromPort"] as? Int == 8000 && permissions.first?["ToPort"] as? Int == 8080)
        #expect(((permissions.first?["IpRanges"] as? [[String: Any]])?.first?["CidrIp"] as? String) == "10.0.0.0/8")
        #expect(
            ec2([
                "revoke-security-group-ingress", "--group-id", group, "--protocol", "tcp", "--port", "8000-8080",
                "--cidr", "10.0.0.0/8",
            ]).status == 0)
        let after = ec2(["describe-security-groups", "--group-ids", group])
        #expect(
            (((after.json["SecurityGroups"] as? [[String: Any]])?.first?["IpPermissions"] as? [[String: Any]]) ?? [])
                .isEmpty)

        let subnet = ec2(["create-subnet", "--cidr-block", "10.87.200.0/24"])
        #expect(subnet.status == 0, "\(subnet.stderr)")
        let subnetID = try #require((subnet.json["Subnet"] as? [String: Any])?["SubnetId"] as? String)
        let listed = ec2(["describe-subnets", "--subnet-ids", subnetID])
        #expect(((listed.json["Subnets"] as? [[String: Any]])?.first?["CidrBlock"] as? String) == "10.87.200.0/24")
        let missing = ec2(["describe-security-groups", "--group-ids", "sg-0000nosuch"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("InvalidGroup.NotFound"), "\(missing.stderr)")
    }

    /// Registers "web<hostPort>", a busybox httpd on `hostPort` published as the same host port (awsvpc's rule),
    /// on the daemon at `socket`.
    func registerWeb(hostPort: Int, socket: String, directory: String) throws -> String {
        let family = "web\(hostPort)"
        let definition: [String: Any] = [
            "family": family, "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                [
                    "name": "web", "image": "busybox", "stopTimeout": 2,
                    "portMappings": [["containerPort": hostPort, "hostPort": hostPort, "protocol": "tcp"]],
                    "command": [
                        "sh", "-c",
                        "mkdir -p /www && echo web > /www/index.html && exec httpd -f -p \(hostPort) -h /www",
                    ],
                ]
            ],
        ]
        let path = "\(directory)/\(family).json"
        FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: definition))
        #expect(ecs(["register-task-definition", "--cli-input-json", "file://\(path)"], socket: socket).status == 0)
        return family
    }

    /// Runs `family` on the daemon at `socket` and waits for RUNNING; the task's ARN, or the refusal.
    func runWeb(_ family: String, socket: String) -> (arn: String?, stderr: String) {
        let run = ecs(
            [
                "run-task", "--launch-type", "FARGATE", "--network-configuration", Self.networkConfiguration,
                "--task-definition", family,
            ], socket: socket)
        guard run.status == 0, let arn = ((run.json["tasks"] as? [[String: Any]])?.first)?["taskArn"] as? String
        else { return (nil, run.stderr) }
        #expect(ecs(["wait", "tasks-running", "--tasks", arn], socket: socket).status == 0)
        return (arn, run.stderr)
    }

    /// berthd run to its exit (it is expected to refuse to start); its stderr.
    func berthdRefusal(_ arguments: [String]) -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berthd")
        process.arguments = arguments + ["--registries-conf", offlineRegistriesConf]
        let result = Self.run(process)
        return (result.status, result.stderr)
    }

    @Test func twoBerthdsOnOneMachineKeepToThemselves() throws {
        let otherRoot = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-daemon2-")
        let otherRun = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-run2-")
        defer {
            try? FileManager.default.removeItem(atPath: otherRoot)
            try? FileManager.default.removeItem(atPath: otherRun)
        }
        let pid = daemon?.processIdentifier ?? 0
        let ports = ["--metadata-listen", "127.0.0.1:\(Self.freeLoopbackPort())"]
        // The same state directory, or the same network instance: refused before anything is touched.
        let sameRoot = berthdRefusal(["--root", root, "--run-directory", otherRun] + ports + Self.networkArguments)
        #expect(sameRoot.status != 0)
        #expect(
            sameRoot.stderr.contains(
                "another berthd (pid \(pid)) is using the state directory \(root); give each berthd its own --root"),
            "\(sameRoot.stderr)")
        let sameNetwork = berthdRefusal(
            ["--root", otherRoot, "--run-directory", otherRun] + ports + Self.networkArguments)
        #expect(sameNetwork.status != 0)
        #expect(
            sameNetwork.stderr.contains(
                "another berthd (pid \(pid)) is using the network instance 'e2e' (nft table inet berth-e2e); give "
                    + "each berthd its own --network-name and --vpc-cidr"), "\(sameNetwork.stderr)")

        // With a task running, this berthd's subnet is a route on the host: an overlapping VPC is refused.
        let hostPort = Int.random(in: 20000..<30000)
        let first = try #require(
            runWeb(try registerWeb(hostPort: hostPort, socket: socketPath, directory: root), socket: socketPath).arn)
        let overlapping = berthdRefusal(
            ["--root", otherRoot, "--run-directory", otherRun, "--network-name", "e2eb", "--vpc-cidr", "10.87.0.0/16"]
                + ports)
        #expect(overlapping.status != 0)
        #expect(
            overlapping.stderr.contains(
                "the VPC CIDR 10.87.0.0/16 overlaps the host's route to 10.87.0.0/24 on berth-e2e0"),
            "\(overlapping.stderr)")

        // A second instance of its own: both serve their tasks; a port one publishes is refused to the other.
        #expect(
            harness.berth(
                ["images", "import", "\(harness.fixtures)/busybox", "--name", "busybox:latest"], root: otherRoot
            )
            .status == 0)
        let otherSocket = "\(otherRun)/berth.sock"
        func startOther() throws -> Process {
            try launchBerthd(
                [
                    "--root", otherRoot, "--run-directory", otherRun, "--stop-tasks-on-exit", "--network-name", "e2eb",
                    "--vpc-cidr", "10.86.0.0/16",
                ] + ports, socket: otherSocket)
        }
        var other = try startOther()
        defer {
            if other.isRunning {
                kill(other.processIdentifier, SIGTERM)
                other.waitUntilExit()
            }
        }
        let second = try #require(
            runWeb(
                try registerWeb(hostPort: hostPort + 1, socket: otherSocket, directory: otherRoot), socket: otherSocket
            )
            .arn)
        #expect(Self.curl("http://127.0.0.1:\(hostPort)/").status == 0)
        #expect(Self.curl("http://127.0.0.1:\(hostPort + 1)/").status == 0)
        let clash = runWeb(
            try registerWeb(hostPort: hostPort, socket: otherSocket, directory: otherRoot), socket: otherSocket)
        #expect(clash.arn == nil)
        #expect(
            clash.stderr.contains(
                "host port \(hostPort)/tcp is already published by another berthd (nft table inet berth-e2e)"),
            "\(clash.stderr)")

        // The second berthd is SIGKILLed and restarted: it adopts its task and leaves the first one's alone.
        kill(other.processIdentifier, SIGKILL)
        other.waitUntilExit()
        try? FileManager.default.removeItem(atPath: otherSocket)
        other = try startOther()
        #expect(Self.curl("http://127.0.0.1:\(hostPort)/").status == 0)
        #expect(Self.curl("http://127.0.0.1:\(hostPort + 1)/").status == 0)
        #expect(describe(first)["lastStatus"] as? String == "RUNNING")
        #expect(ecs(["stop-task", "--task", second], socket: otherSocket).status == 0)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", second], socket: otherSocket).status == 0)
        #expect(ecs(["stop-task", "--task", first]).status == 0)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", first]).status == 0)
    }

    /// A network instance's kernel objects go with the last berthd that had a use for them: a berthd that
    /// exits with no task removes them whatever its flags, and one that was killed leaves them stale for
    /// the next berthd of the instance to reclaim (any state directory), unless a live task still uses them.
    @Test func aBerthdThatEndsLeavesNoNetworkAndTheNextOneReclaimsAStaleOne() throws {
        let rootA = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-staleA-")
        let rootB = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-staleB-")
        let run = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-stale-run-")
        defer {
            for directory in [rootA, rootB, run] { try? FileManager.default.removeItem(atPath: directory) }
        }
        let socket = "\(run)/berth.sock"
        let network = ["--network-name", "e2es", "--vpc-cidr", "10.85.0.0/16"]
        let common = ["--run-directory", run, "--metadata-listen", "127.0.0.1:\(Self.freeLoopbackPort())"] + network
        for directory in [rootA, rootB] {
            #expect(
                harness.berth(
                    ["images", "import", "\(harness.fixtures)/busybox", "--name", "busybox:latest"], root: directory
                )
                .status == 0)
        }
        func start(_ root: String) throws -> Process {
            try? FileManager.default.removeItem(atPath: socket)
            return try launchBerthd(["--root", root] + common, socket: socket)
        }
        func end(_ process: Process, _ signal: Int32) {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
        }
        func exists(_ object: [String]) -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = object
            return Self.run(process).status == 0
        }
        let bridge = ["ip", "link", "show", "berth-e2es0"]
        let table = ["nft", "list", "table", "inet", "berth-e2es"]
        var cleanup: Process? = nil
        defer {
            if let cleanup, cleanup.isRunning { end(cleanup, SIGTERM) }
        }

        // 1. Tasks outlive berthd by default, but with none left it takes its bridge and table with it.
        var a = try start(rootA)
        cleanup = a
        let family = try registerWeb(hostPort: Int.random(in: 20000..<30000), socket: socket, directory: rootA)
        let first = try #require(runWeb(family, socket: socket).arn)
        #expect(exists(bridge) && exists(table))
        #expect(ecs(["stop-task", "--task", first], socket: socket).status == 0)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", first], socket: socket).status == 0)
        end(a, SIGTERM)
        #expect(!exists(bridge), "berthd left its bridge behind")
        #expect(!exists(table), "berthd left its nft table behind")

        // 2. Killed with a task running: another state directory's berthd must not take the network from
        // under that task; it refuses, naming the bridge, the task's link and the commands.
        a = try start(rootA)
        cleanup = a
        let survivor = try #require(runWeb(family, socket: socket).arn)
        end(a, SIGKILL)
        let refused = berthdRefusal(["--root", rootB] + common)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("bridge berth-e2es0 (ports ve2es"), "\(refused.stderr)")
        #expect(refused.stderr.contains("ip link delete berth-e2es0"), "\(refused.stderr)")
        #expect(exists(bridge), "the refusing berthd removed a bridge a live task uses")

        // 3. The first berthd adopts and stops its task, then is killed with nothing running: its bridge and
        // table are stale, and a berthd with another state directory reclaims them instead of refusing.
        a = try start(rootA)
        cleanup = a
        #expect(ecs(["stop-task", "--task", survivor], socket: socket).status == 0)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", survivor], socket: socket).status == 0)
        end(a, SIGKILL)
        #expect(exists(bridge) && exists(table))
        let b = try start(rootB)
        cleanup = b
        #expect(b.isRunning, "a berthd refused a stale network instance")
        let familyB = try registerWeb(hostPort: Int.random(in: 20000..<30000), socket: socket, directory: rootB)
        let reclaimed = try #require(runWeb(familyB, socket: socket).arn)
        #expect(ecs(["stop-task", "--task", reclaimed], socket: socket).status == 0)
        #expect(ecs(["wait", "tasks-stopped", "--tasks", reclaimed], socket: socket).status == 0)
        end(b, SIGTERM)
        #expect(!exists(bridge) && !exists(table))
    }

    /// A server on the host bound to every address, asked from inside tasks: out of reach of this suite's
    /// berthd's tasks (the default, as on Fargate), reachable as host.berth.internal from a berthd started
    /// with --host-access.
    @Test func tasksReachTheHostOnlyFromABerthdWithHostAccess() throws {
        let www = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-hostwww-")
        let otherRoot = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-hostaccess-")
        let otherRun = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-hostaccess-run-")
        defer {
            for directory in [www, otherRoot, otherRun] { try? FileManager.default.removeItem(atPath: directory) }
        }
        try "from-the-host\n".write(toFile: "\(www)/index.html", atomically: true, encoding: .utf8)
        let port = Self.freeLoopbackPort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/bin/busybox")
        server.arguments = ["httpd", "-f", "-p", "0.0.0.0:\(port)", "-h", www]
        try server.run()
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        #expect(Self.curl("http://127.0.0.1:\(port)/").status == 0)
        // The two ways a task names the host: its gateway, and (when allowed) host.berth.internal in its
        // /etc/hosts, looked up with awk: Debian's static busybox cannot use glibc's NSS for names (and its
        // wget -T crashes, on the host too, so the waits are bounded by the test instead).
        let script = """
            gw=$(ip route | awk '/^default/ {print $3}'); echo "gw:$gw"
            out=$(wget -q -O - "http://$gw:\(port)/" 2>&1); echo "gateway:$out exit=$?"
            named=$(awk '/host.berth.internal/ {print $1}' /etc/hosts); echo "named:$named"
            if [ -n "$named" ]; then out=$(wget -q -O - "http://$named:\(port)/" 2>&1); echo "name:$out exit=$?"; fi
            echo done:; exec sleep 600
            """
        let definition: [String: Any] = [
            "family": "hostprobe", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512",
            "containerDefinitions": [
                ["name": "main", "image": "busybox", "command": ["sh", "-c", script], "stopTimeout": 2]
            ],
        ]
        let definitionPath = "\(www)/hostprobe.json"
        FileManager.default.createFile(
            atPath: definitionPath, contents: try JSONSerialization.data(withJSONObject: definition))
        func answers(socket: String) throws -> [String: String] {
            let registered = ecs(
                ["register-task-definition", "--cli-input-json", "file://\(definitionPath)"], socket: socket)
            #expect(registered.status == 0, "\(registered.stderr)")
            let run = try #require(runWeb("hostprobe", socket: socket).arn)
            defer {
                _ = ecs(["stop-task", "--task", run], socket: socket)
                _ = ecs(["wait", "tasks-stopped", "--tasks", run], socket: socket)
            }
            var lines: [String: String] = [:]
            for _ in 0..<100 where lines["done"] == nil {
                let attempt = Process()
                attempt.executableURL = URL(fileURLWithPath: "\(harness.binDirectory)/berth")
                attempt.arguments = ["logs", "--socket", socket, run]
                let pipe = Pipe()
                attempt.standardOutput = pipe
                try attempt.run()
                let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                attempt.waitUntilExit()
                for line in text.split(separator: "\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    lines[String(line[..<colon])] = String(line[line.index(after: colon)...])
                }
                if lines["done"] == nil { usleep(100_000) }
            }
            return lines
        }

        let confined = try answers(socket: socketPath)
        #expect(confined["done"] != nil, "\(confined)")
        #expect(confined["gateway"]?.contains("from-the-host") == false, "\(confined)")
        #expect(confined["gateway"]?.hasSuffix("exit=1") == true, "\(confined)")
        #expect(confined["named"] == "", "no berthd flag, no name for the host: \(confined)")

        #expect(
            harness.berth(
                ["images", "import", "\(harness.fixtures)/busybox", "--name", "busybox:latest"], root: otherRoot
            )
            .status == 0)
        let otherSocket = "\(otherRun)/berth.sock"
        let other = try launchBerthd(
            [
                "--root", otherRoot, "--run-directory", otherRun, "--stop-tasks-on-exit", "--host-access",
                "--network-name", "e2eh", "--vpc-cidr", "10.84.0.0/16",
                "--metadata-listen", "127.0.0.1:\(Self.freeLoopbackPort())",
            ], socket: otherSocket)
        defer {
            kill(other.processIdentifier, SIGTERM)
            other.waitUntilExit()
        }
        let open = try answers(socket: otherSocket)
        #expect(open["gateway"] == "from-the-host exit=0", "\(open)")
        #expect(open["named"] == open["gw"] && open["gw"]?.hasPrefix("10.84.") == true, "\(open)")
        #expect(open["name"] == "from-the-host exit=0", "\(open)")
    }
}
