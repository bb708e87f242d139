import Foundation
import RegistryLab
import Testing

/// `berth images pull` (no berthd: the CLI's own puller on the store under --root) against Debian's
/// docker-registry on loopback, with images skopeo pushed: TLS from a test CA, token and Basic realms,
/// redirects to a second host, zstd, plain and multi-arch images, and every way a pull fails.
@Suite(
    "berth images pull against a real registry", .serialized,
    .enabled(if: RegistryLab.isAvailable))
final class ImagePullTests {
    let harness: BerthHarness
    let root: String
    let home: String

    init() throws {
        harness = try BerthHarness.get()
        root = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-pull-")
        home = BerthHarness.makeTemporaryDirectory(prefix: "berth-it-pull-home-")
    }

    deinit {
        for directory in [root, home] { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// berth with a home of its own (no ~/.docker of the machine's), no berthd, the lab's CA unless told.
    func berth(
        _ arguments: [String], lab: RegistryLab?, authFile: String? = nil, trustLab: Bool = true,
        registriesConf: String? = nil
    ) -> BerthHarness.Result_ {
        var full = arguments
        // login and logout touch credentials only; every other images verb works on this test's store.
        if arguments.first == "images", !["login", "logout"].contains(arguments[1]) {
            full.insert(contentsOf: ["--root", root], at: min(2, full.count))
        }
        if let lab, trustLab, arguments.first == "images", ["pull", "login"].contains(arguments[1]) {
            full += [
                "--registry-certs-dir", lab.certsDirectory, "--registries-conf",
                registriesConf ?? "\(home)/absent.conf",
            ]
        }
        var environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": home, "BERTH_SOCKET": "\(home)/none.sock"]
        if let authFile { environment["REGISTRY_AUTH_FILE"] = authFile }
        return RunningBerth(executable: "\(harness.binDirectory)/berth", arguments: full, environment: environment)
            .finish()
    }

    func names() -> [String] {
        let listed = harness.berth(["images", "ls", "--format", "json"], root: root).stdout
        let records = (try? JSONSerialization.jsonObject(with: Data(listed.utf8))) as? [[String: Any]] ?? []
        return records.flatMap { $0["names"] as? [String] ?? [] }.sorted()
    }

    func inspect(_ image: String) -> [String: Any] {
        let text = harness.berth(["images", "inspect", image], root: root).stdout
        return ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]])?.first ?? [:]
    }

    func runEcho(_ image: String, _ word: String) -> BerthHarness.Result_ {
        let container = #"{"name":"p","image":"\#(image)","command":["echo","\#(word)"]}"#
        return harness.berth(["run", "--task-definition", BerthHarness.taskDefinition(container)], root: root)
    }

    func stagingIsEmpty() -> Bool {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "\(root)/images/staging")) ?? []
        return entries.isEmpty
    }

    @Test func pullsThroughATokenRealmOverVerifiedTLSThenRunsTheImage() throws {
        let lab = try RegistryLab.start(.init(auth: .token(user: "berth", password: "s3cret-pw")))
        defer { lab.stop() }
        let digest = try lab.push(layout: LabImages.busybox, tag: "r/busybox:1")
        let authFile = "\(home)/auth.json"
        try lab.writeAuthFile(to: authFile)
        let name = "\(lab.host)/r/busybox:1"

        // Without the lab's CA the registry is not trusted, and the message says where a CA goes.
        let untrusted = berth(["images", "pull", name], lab: lab, authFile: authFile, trustLab: false)
        #expect(untrusted.status != 0)
        #expect(untrusted.stderr.contains("certs.d/\(lab.host)/ca.crt"), "\(untrusted.stderr)")
        #expect(names().isEmpty)

        let pulled = berth(["images", "pull", name], lab: lab, authFile: authFile)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stdout.contains("1: Pulling from r/busybox"), "\(pulled.stdout)")
        #expect(pulled.stdout.contains(": Pull complete"), "\(pulled.stdout)")
        #expect(pulled.stdout.contains("Digest: \(digest)"), "\(pulled.stdout)")
        #expect(pulled.stdout.contains("Status: Downloaded newer image for \(name)"), "\(pulled.stdout)")
        #expect(!pulled.stdout.contains("s3cret-pw") && !pulled.stderr.contains("s3cret-pw"))
        // One token for the repository's pull scope, reused for the manifest, the config and the layers.
        // (skopeo's push asked for pull,push.)
        let pulls = lab.tokenRequests.filter { $0.scopes == ["repository:r/busybox:pull"] }
        #expect(pulls.count == 1 && pulls[0].hadCredentials, "\(lab.tokenRequests)")
        #expect(names() == [name])
        let record = inspect(name)
        #expect(record["repoDigests"] as? [String] == ["\(lab.host)/r/busybox@\(digest)"])
        #expect(stagingIsEmpty())

        let again = berth(["images", "pull", name], lab: lab, authFile: authFile)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Status: Image is up to date for \(name)"), "\(again.stdout)")
        #expect(again.stdout.contains(": Already exists"), "\(again.stdout)")

        let ran = runEcho(name, "from-the-registry")
        #expect(ran.status == 0 && ran.stdout.contains("from-the-registry"), "\(ran.stderr)")

        let quiet = berth(["images", "pull", "--quiet", name], lab: lab, authFile: authFile)
        #expect(quiet.stdout == name + "\n", "\(quiet.stdout)")
    }

    @Test func wrongCredentialsAreRefusedWithoutPrintingThemAndStoreNothing() throws {
        let lab = try RegistryLab.start(.init(auth: .htpasswd(user: "berth", password: "right-pw")))
        defer { lab.stop() }
        _ = try lab.push(layout: LabImages.busybox, tag: "r/private:1")
        let authFile = "\(home)/wrong.json"
        let wrong = Data("berth:Wr0ng-Secret".utf8).base64EncodedString()
        try #"{"auths":{"\#(lab.host)":{"auth":"\#(wrong)"}}}"#.write(
            toFile: authFile, atomically: true, encoding: .utf8)
        let refused = berth(["images", "pull", "\(lab.host)/r/private:1"], lab: lab, authFile: authFile)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("401 Unauthorized"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("Wr0ng-Secret") && !refused.stderr.contains(wrong), "\(refused.stderr)")
        #expect(names().isEmpty && stagingIsEmpty())

        // `login` checks before it stores: a wrong password writes nothing, the right one what docker writes.
        let loginFile = "\(home)/login.json"
        let badLogin = berth(
            ["images", "login", lab.host, "--username", "berth", "--password", "nope"], lab: lab, authFile: loginFile)
        #expect(badLogin.status != 0 && !FileManager.default.fileExists(atPath: loginFile), "\(badLogin.stderr)")
        let login = berth(
            ["images", "login", lab.host, "--username", "berth", "--password", "right-pw"], lab: lab,
            authFile: loginFile)
        #expect(login.status == 0 && login.stdout.contains("Login Succeeded"), "\(login.stderr)")
        let pulled = berth(["images", "pull", "\(lab.host)/r/private:1"], lab: lab, authFile: loginFile)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        let logout = berth(["images", "logout", lab.host], lab: lab, authFile: loginFile)
        #expect(logout.status == 0 && logout.stdout.contains("Removing login credentials for \(lab.host)"))
        let text = (try? String(contentsOfFile: loginFile, encoding: .utf8)) ?? ""
        #expect(!text.contains(lab.host), "\(text)")
    }

    @Test func aMultiArchIndexPullsThisHostsManifestAndAnswersToItsDigest() throws {
        let lab = try RegistryLab.start()
        defer { lab.stop() }
        let multi = try LabImages.multiArch(in: "\(home)/multi")
        let pushed = try lab.push(layout: multi.layout, tag: "r/multi:1", all: true)
        #expect(pushed == multi.indexDigest)
        let name = "\(lab.host)/r/multi:1"
        let pulled = berth(["images", "pull", name], lab: lab)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(pulled.stdout.contains("Digest: \(multi.indexDigest)"), "\(pulled.stdout)")
        let record = inspect(name)
        #expect(record["manifestDigest"] as? String == multi.hostManifest)
        #expect(record["repoDigests"] as? [String] == ["\(lab.host)/r/multi@\(multi.indexDigest)"])
        let byDigest = berth(["images", "pull", "\(lab.host)/r/multi@\(multi.indexDigest)"], lab: lab)
        #expect(byDigest.status == 0, "\(byDigest.stderr)")
        #expect(byDigest.stdout.contains("Status: Image is up to date"), "\(byDigest.stdout)")
        #expect(runEcho("\(lab.host)/r/multi@\(multi.indexDigest)", "multi-ok").stdout.contains("multi-ok"))
    }

    @Test func zstdAndUncompressedLayersPullAndRun() throws {
        // zstd in a lab of its own: skopeo would reuse a gzip blob the registry already has.
        let zstdLab = try RegistryLab.start()
        defer { zstdLab.stop() }
        _ = try zstdLab.push(layout: LabImages.busybox, tag: "r/zstd:1", compression: .zstd)
        let manifest = try zstdLab.inspectRaw("r/zstd:1")
        #expect(String(decoding: manifest, as: UTF8.self).contains("tar+zstd"))
        let zstd = berth(["images", "pull", "\(zstdLab.host)/r/zstd:1"], lab: zstdLab)
        #expect(zstd.status == 0, "\(zstd.stderr)")
        #expect(runEcho("\(zstdLab.host)/r/zstd:1", "zstd-ok").stdout.contains("zstd-ok"))

        let plainLab = try RegistryLab.start()
        defer { plainLab.stop() }
        let plain = try LabImages.uncompressed(in: "\(home)/plain")
        _ = try plainLab.push(layout: plain.layout, tag: "r/plain:1")
        let pulled = berth(["images", "pull", "\(plainLab.host)/r/plain:1"], lab: plainLab)
        #expect(pulled.status == 0, "\(pulled.stderr)")
        #expect(runEcho("\(plainLab.host)/r/plain:1", "plain-ok").stdout.contains("plain-ok"))
    }

    @Test func redirectedBlobsNeverCarryAuthorizationAndSurviveAnExpiredURLAndACutBody() throws {
        let lab = try RegistryLab.start(.init(auth: .token(user: "berth", password: "pw-2"), redirectBlobs: true))
        defer { lab.stop() }
        _ = try lab.push(layout: LabImages.busybox, tag: "r/redirected:1")
        let authFile = "\(home)/auth.json"
        try lab.writeAuthFile(to: authFile)
        let name = "\(lab.host)/r/redirected:1"
        func pull(_ fault: () -> Void) throws -> [BlobServerRequest] {
            let before = lab.blobServerRequests.count
            fault()
            let pulled = berth(["images", "pull", name], lab: lab, authFile: authFile)
            #expect(pulled.status == 0, "\(pulled.stderr)")
            return Array(lab.blobServerRequests.dropFirst(before))
        }
        // A body cut short is resumed where the verified prefix ends (at most the 4096 bytes sent). Two
        // cuts: the config (smaller than 4096 bytes, so whole) and the layer come through the same server.
        let cut = try pull { lab.cutNextBlobBodies(count: 2, afterBytes: 4096) }
        #expect(cut.contains { ($0.range?.hasPrefix("bytes=") ?? false) && $0.status == 206 }, "\(cut)")
        // An expired presigned URL (403 from the storage host) sends the client back to the registry.
        #expect(harness.berth(["images", "rm", name], root: root).status == 0)
        let expired = try pull { lab.failNextBlobRequestsWith403(count: 1) }
        #expect(expired.contains { $0.status == 403 }, "\(expired)")
        for seen in [cut, expired] {
            #expect(!seen.isEmpty && seen.allSatisfy { !$0.hadAuthorization }, "\(seen)")
        }
        #expect(runEcho("\(lab.host)/r/redirected:1", "redirect-ok").stdout.contains("redirect-ok"))
    }

    @Test func aCorruptBlobAnUnknownTagAndAnUnreachableRegistryFailClearlyAndLoseNothing() throws {
        let lab = try RegistryLab.start()
        defer { lab.stop() }
        _ = try lab.push(layout: LabImages.busybox, tag: "r/good:1")
        // An image of other layers, imported: it must come through every failure below untouched.
        #expect(
            harness.berth(["images", "import", "\(harness.fixtures)/nginx", "--name", "nginx:kept"], root: root).status
                == 0)
        let plain = try LabImages.uncompressed(in: "\(home)/plain")
        _ = try lab.push(layout: plain.layout, tag: "r/bad:1")
        try lab.corruptBlob(digest: plain.layerDigest)

        let corrupt = berth(["images", "pull", "\(lab.host)/r/bad:1"], lab: lab)
        #expect(corrupt.status != 0)
        #expect(corrupt.stderr.contains(plain.layerDigest), "\(corrupt.stderr)")
        #expect(corrupt.stderr.lowercased().contains("digest"), "\(corrupt.stderr)")
        #expect(names() == ["docker.io/library/nginx:kept"])
        #expect(stagingIsEmpty())
        let kept = harness.berth(
            [
                "run", "--task-definition",
                BerthHarness.taskDefinition(#"{"name":"p","image":"nginx:kept","command":["true"]}"#),
            ],
            root: root)
        #expect(kept.status == 0, "\(kept.stderr)")

        let unknown = berth(["images", "pull", "\(lab.host)/r/good:nope"], lab: lab)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("\(lab.host)/r/good:nope: not found"), "\(unknown.stderr)")

        let malformed = berth(["images", "pull", "Not A Name"], lab: lab)
        #expect(malformed.status != 0 && malformed.stderr.contains("invalid reference"), "\(malformed.stderr)")

        let refused = berth(["images", "pull", "127.0.0.1:1/r/x:1"], lab: lab)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("connection refused"), "\(refused.stderr)")
        #expect(names() == ["docker.io/library/nginx:kept"])
    }

    @Test func onATerminalTheLayerLinesAreRedrawnInPlace() throws {
        let lab = try RegistryLab.start()
        defer { lab.stop() }
        _ = try lab.push(layout: LabImages.busybox, tag: "r/tty:1")
        // script(1) gives berth a pseudo-terminal as its standard output.
        let command = [
            "\(harness.binDirectory)/berth", "images", "pull", "--root", root, "--registry-certs-dir",
            lab.certsDirectory, "--registries-conf", "\(home)/absent.conf", "\(lab.host)/r/tty:1",
        ].joined(separator: " ")
        let terminal = RunningBerth(
            executable: "/usr/bin/script", arguments: ["-qefc", command, "/dev/null"],
            environment: [
                "PATH": "/usr/bin:/bin", "HOME": home, "BERTH_SOCKET": "\(home)/none.sock", "TERM": "xterm",
            ]
        ).finish()
        let text = terminal.stdout
        #expect(terminal.status == 0, "\(text)")
        #expect(text.contains("\u{1B}[2K"), "lines are cleared and rewritten: \(text.debugDescription)")
        #expect(text.contains(": Pull complete") && text.contains("Status: Downloaded newer image"), "\(text)")
        // A pipe gets no escapes at all.
        let piped = berth(["images", "pull", "\(lab.host)/r/tty:1"], lab: lab)
        #expect(!piped.stdout.contains("\u{1B}"), "\(piped.stdout.debugDescription)")
    }

    @Test func aMirrorServesDigestsAndAnswersTagsOnlyWhereRegistriesConfSaysSo() throws {
        let lab = try RegistryLab.start()
        defer { lab.stop() }
        let digest = try lab.push(layout: LabImages.busybox, tag: "library/mirrored:1")
        // Docker Hub's entry points at a closed loopback port: nothing can reach the real one.
        func conf(_ setting: String) throws -> String {
            let path = "\(home)/registries-\(setting.isEmpty ? "default" : "tags").conf"
            try """
            [[registry]]
            prefix = "docker.io"
            location = "127.0.0.1:1"
            \(setting)
            [[registry.mirror]]
            location = "\(lab.host)"
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        // By default a tag is resolved on the primary only (here: refused), never on the mirror.
        let digestOnly = berth(["images", "pull", "mirrored:1"], lab: lab, registriesConf: try conf(""))
        #expect(digestOnly.status != 0)
        #expect(
            digestOnly.stderr.contains("127.0.0.1:1") && digestOnly.stderr.contains("connection refused"),
            "\(digestOnly.stderr)")

        // Content by digest comes from the mirror under either setting.
        let byDigest = berth(["images", "pull", "mirrored@\(digest)"], lab: lab, registriesConf: try conf(""))
        #expect(byDigest.status == 0, "\(byDigest.stderr)")
        #expect(harness.berth(["images", "rm", "mirrored@\(digest)"], root: root).status == 0)

        let tags = berth(
            ["images", "pull", "mirrored:1"], lab: lab, registriesConf: try conf("mirror-by-digest-only = false"))
        #expect(tags.status == 0, "\(tags.stderr)")
        #expect(names() == ["docker.io/library/mirrored:1"])
        #expect(runEcho("mirrored:1", "from-the-mirror").stdout.contains("from-the-mirror"))
    }
}
