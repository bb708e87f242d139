import Foundation
import Testing

/// User-visible behaviour of `berth run`: filesystems, users, precedence, init, exit codes, signals.
@Suite("berth run: what a container gets")
struct ContainerBehaviourTests {
    let harness: BerthHarness

    init() throws { harness = try BerthHarness.get() }

    @Test func writesLandInTheContainerLayerNeverInTheImage() throws {
        let marker = "written-\(UUID().uuidString)"
        let running = harness.start([
            "run", "--task-definition",
            BerthHarness.taskDefinition(
                #"{"name":"p","image":"probe","entryPoint":["/bin/sh","-c","/probe write /\#(marker) hello && echo wrote && exec sleep 30"],"linuxParameters":{"initProcessEnabled":true}}"#
            ),
        ])
        #expect(running.waitForOutput("wrote"))
        let overlay = "\(harness.root)/overlay"
        let containers = (try? FileManager.default.contentsOfDirectory(atPath: overlay)) ?? []
        let holders = containers.filter { FileManager.default.fileExists(atPath: "\(overlay)/\($0)/upper/\(marker)") }
        #expect(holders.count == 1, "the write is not in exactly one container's upper dir")
        let layers = "\(harness.root)/images/layers"
        let inImage = FileManager.default.enumerator(atPath: layers)?.contains {
            ($0 as? String)?.hasSuffix(marker) == true
        }
        #expect(inImage == false)
        // The host's mount table never shows the container's rootfs: it lives in the task's mount namespace.
        let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        #expect(!mountinfo.contains(harness.root))
        running.signal(SIGTERM)
        #expect(running.finish().status == 128 + SIGTERM)
        // A new container starts from the image again.
        let again = harness.run(container: #"{"name":"p","image":"probe","command":["exists","/\#(marker)"]}"#)
        #expect(again.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
    }

    @Test func devicesTheContainerMakesCannotBeOpened() throws {
        // CAP_MKNOD is one of Docker's 14, but every filesystem the container can write is nodev; only
        // the default devices, bound from the host, open.
        let result = harness.run(
            container: #"""
                {"name":"p","image":"probe","entryPoint":["/bin/sh","-c",
                 "echo ok > /dev/null && echo null-ok; mknod /tmp/n c 1 3 && echo made; echo x > /tmp/n || echo tmp-refused; mknod /dev/n2 c 1 3; echo x > /dev/n2 || echo dev-refused"]}
                """#)
        #expect(result.stdout.contains("null-ok"))
        #expect(result.stdout.contains("made"))
        #expect(result.stdout.contains("tmp-refused"))
        #expect(result.stdout.contains("dev-refused"))
        let report = try ProbeReport.parse(harness.run(container: #"{"name":"p","image":"probe"}"#).stdout)
        #expect(report.mount(at: "/")?.options.contains("nodev") == true)
        #expect(report.mount(at: "/dev")?.options.contains("nodev") == true)
    }

    @Test func readonlyRootStillGetsAMissingWorkingDirectory() throws {
        let result = harness.run(
            container: #"{"name":"p","image":"probe","readonlyRootFilesystem":true,"workingDirectory":"/app/work"}"#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try ProbeReport.parse(result.stdout).cwd == "/app/work")
    }

    @Test func readonlyRootFilesystemRefusesWrites() throws {
        let result = harness.run(
            container: #"{"name":"p","image":"probe","readonlyRootFilesystem":true,"command":["write","/etc/x"]}"#)
        #expect(result.status == 1)
        #expect(result.stdout.contains("EROFS"))
        let writable = harness.run(container: #"{"name":"p","image":"probe","command":["write","/etc/x"]}"#)
        #expect(writable.status == 0)
    }

    @Test(arguments: [
        ("", 0, 0, [0]),
        ("app", 1000, 1000, [1000, 50, 2000]),
        ("app:staff", 1000, 50, [50]),
        ("1000", 1000, 1000, [1000, 50, 2000]),
        ("1000:2000", 1000, 2000, [2000]),
        ("app:2000", 1000, 2000, [2000]),
        ("1000:staff", 1000, 50, [50]),
        ("31337", 31337, 0, [0]),
    ])
    func userForms(user: String, uid: Int, gid: Int, groups: [Int]) throws {
        let userField = user.isEmpty ? "" : #","user":"\#(user)""#
        let result = harness.run(container: #"{"name":"p","image":"probe"\#(userField)}"#)
        #expect(result.status == 0, "\(result.stderr)")
        let report = try ProbeReport.parse(result.stdout)
        #expect(report.uid == uid && report.euid == uid)
        #expect(report.gid == gid && report.egid == gid)
        #expect(report.groups.sorted() == groups.sorted())
        if uid != 0 { #expect(report.caps["eff"] == "0000000000000000") }
    }

    @Test func environmentEntryPointAndCommandPrecedence() throws {
        let defaults = try ProbeReport.parse(harness.run(container: #"{"name":"p","image":"probe"}"#).stdout)
        #expect(defaults.argv == ["/probe", "report"])
        #expect(defaults.env.contains("FROM_IMAGE=image") && defaults.env.contains("OVERRIDE_ME=image"))
        #expect(defaults.env.contains("HOME=/root"))
        #expect(defaults.cwd == "/")

        let overridden = try ProbeReport.parse(
            harness.run(
                container: #"""
                    {"name":"p","image":"probe","command":["report","extra"],"workingDirectory":"/tmp",
                     "environment":[{"name":"OVERRIDE_ME","value":"definition"},{"name":"ADDED","value":"1"}]}
                    """#
            ).stdout)
        #expect(overridden.argv == ["/probe", "report", "extra"])
        #expect(overridden.env.contains("OVERRIDE_ME=definition") && !overridden.env.contains("OVERRIDE_ME=image"))
        #expect(overridden.env.contains("ADDED=1") && overridden.env.contains("FROM_IMAGE=image"))
        #expect(overridden.cwd == "/tmp")

        // entryPoint replaces the image's Entrypoint and drops its Cmd, as docker --entrypoint does.
        let shell = harness.run(
            container:
                #"{"name":"p","image":"probe","entryPoint":["/bin/sh","-c","echo entry:$0:$1"],"command":["a","b"]}"#)
        #expect(shell.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "entry:a:b")
        let noCmd = harness.run(container: #"{"name":"p","image":"probe","entryPoint":["/probe"]}"#)
        #expect(noCmd.stdout.contains("\"argv\":[\"/probe\"]"))
    }

    @Test func initProcessReapsOrphansAndABarePidOneDoesNot() throws {
        let withInit = harness.run(
            container:
                #"{"name":"p","image":"probe","command":["orphans","3"],"linuxParameters":{"initProcessEnabled":true}}"#
        )
        #expect(withInit.stdout.contains("\"zombies\":0"), "\(withInit.stdout)")
        let bare = harness.run(container: #"{"name":"p","image":"probe","command":["orphans","3"]}"#)
        #expect(bare.stdout.contains("\"zombies\":3"), "\(bare.stdout)")
        let report = try ProbeReport.parse(
            harness.run(container: #"{"name":"p","image":"probe","linuxParameters":{"initProcessEnabled":true}}"#)
                .stdout)
        #expect(report.pid == 2 && report.ppid == 1)
    }

    @Test func exitCodesAndSignalDeathsAreReportedExactly() throws {
        #expect(harness.run(container: #"{"name":"p","image":"probe","command":["exit","7"]}"#).status == 7)
        #expect(harness.run(container: #"{"name":"p","image":"probe","command":["exit","0"]}"#).status == 0)
        let term = harness.run(
            container:
                #"{"name":"p","image":"probe","command":["kill-self","TERM"],"linuxParameters":{"initProcessEnabled":true}}"#
        )
        #expect(term.status == 128 + SIGTERM)
        let killed = harness.run(
            container:
                #"{"name":"p","image":"probe","command":["kill-self","KILL"],"linuxParameters":{"initProcessEnabled":true}}"#
        )
        #expect(killed.status == 137)
    }

    @Test(arguments: [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")])
    func signalsToBerthReachTheContainer(signal: Int32, name: String) throws {
        let running = harness.start([
            "run", "--task-definition",
            BerthHarness.taskDefinition(#"{"name":"p","image":"probe","command":["signals","20"]}"#),
        ])
        #expect(running.waitForOutput("ready"))
        running.signal(signal)
        let result = running.finish()
        #expect(result.stdout.contains("got \(name)"), "\(result.stdout) \(result.stderr)")
        #expect(result.status == 0)
    }

    @Test func aContainerNeverOutlivesAKilledBerth() throws {
        let root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-kill-")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(
            harness.berth(["images", "import", "\(harness.fixtures)/probe", "--name", "probe"], root: root).status == 0)
        let running = harness.start(
            [
                "run", "--task-definition",
                BerthHarness.taskDefinition(#"{"name":"p","image":"probe","command":["signals","30"]}"#),
            ],
            root: root)
        #expect(running.waitForOutput("ready"))
        let shim = try #require(NginxImageTests.children(of: running.process.processIdentifier).first)
        let container = try #require(NginxImageTests.children(of: shim).first)
        running.signal(SIGKILL)
        _ = running.finish()
        var alive = true
        for _ in 0..<100 where alive {
            alive = kill(shim, 0) == 0 || kill(container, 0) == 0
            if alive { usleep(50_000) }
        }
        #expect(!alive, "berth-shim \(shim) or the container \(container) survived berth's SIGKILL")
    }

    @Test func nothingIsLeftBehindAfterARun() throws {
        let root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-clean-")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(
            harness.berth(["images", "import", "\(harness.fixtures)/probe", "--name", "probe"], root: root).status == 0)
        let ok = harness.berth(
            ["run", "--task-definition", BerthHarness.taskDefinition(#"{"name":"p","image":"probe"}"#)], root: root)
        #expect(ok.status == 0)
        #expect(harness.leftovers(root: root).isEmpty, "\(harness.leftovers(root: root))")
    }
}
