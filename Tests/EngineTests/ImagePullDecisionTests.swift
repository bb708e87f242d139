import Images
import Registry
import Testing

@testable import Engine

@Suite("Image pull behaviours and docker pull's output")
struct ImagePullDecisionTests {
    @Test(
        "each ECS_IMAGE_PULL_BEHAVIOR decides as the ECS agent does",
        arguments: [
            // behaviour, cached, pulled before, decision
            (PullBehavior.default, false, false, PullBehavior.Decision.pull(fallBackToCached: false)),
            (.default, true, false, .pull(fallBackToCached: true)),
            (.default, true, true, .pull(fallBackToCached: true)),
            (.always, false, false, .pull(fallBackToCached: false)),
            (.always, true, true, .pull(fallBackToCached: false)),
            (.once, false, false, .pull(fallBackToCached: false)),
            (.once, true, false, .pull(fallBackToCached: false)),
            (.once, true, true, .useCached),
            (.preferCached, false, false, .pull(fallBackToCached: false)),
            (.preferCached, true, false, .useCached),
            (.preferCached, true, true, .useCached),
        ])
    func decisions(behavior: PullBehavior, cached: Bool, pulledBefore: Bool, expected: PullBehavior.Decision) {
        #expect(behavior.decide(cached: cached, pulledBefore: pulledBefore) == expected)
    }

    @Test("berthd's default runs what the store holds without asking a registry")
    func berthdDefault() {
        #expect(PullBehavior.berthdDefault == .preferCached)
        #expect(PullBehavior(rawValue: "prefer-cached") == .preferCached)
        #expect(PullBehavior.allCases.map(\.rawValue) == ["default", "always", "once", "prefer-cached"])
    }

    @Test(
        "sizes read as go-units prints them",
        arguments: [
            (Int64(0), 4, "0B"), (512, 4, "512B"), (1234567, 4, "1.235MB"), (27_150_000, 4, "27.15MB"),
            (187_000_000, 3, "187MB"), (7_800_000, 3, "7.8MB"),
        ])
    func sizes(bytes: Int64, precision: Int, text: String) {
        #expect(PullProgressText.humanSize(bytes, precision: precision) == text)
    }

    @Test("a downloading layer has Docker's fifty-column bar; others their state")
    func terminalLines() {
        let half = ImagePullReport.Layer(id: "a1b2c3d4e5f6", state: .downloading, currentBytes: 500, totalBytes: 1000)
        #expect(
            PullProgressText.terminalLine(half)
                == "a1b2c3d4e5f6: Downloading [" + String(repeating: "=", count: 25) + ">"
                + String(repeating: " ", count: 24) + "]  500B/1kB")
        let done = ImagePullReport.Layer(id: "a1b2c3d4e5f6", state: .complete, currentBytes: 1000, totalBytes: 1000)
        #expect(PullProgressText.terminalLine(done) == "a1b2c3d4e5f6: Pull complete")
        #expect(
            PullProgressText.bar(current: 1000, total: 1000).hasPrefix("[" + String(repeating: "=", count: 50) + "]"))
    }

    @Test("a pipe gets each state once, then Digest, Status and the full name")
    func eventLines() {
        var report = ImagePullReport(image: "nginx:latest")
        report.header = "latest: Pulling from library/nginx"
        report.layers = [
            .init(id: "aaaaaaaaaaaa", state: .waiting, currentBytes: 0, totalBytes: 10),
            .init(id: "bbbbbbbbbbbb", state: .alreadyExists, currentBytes: 0, totalBytes: 10),
        ]
        var seen = Set<String>()
        #expect(
            PullProgressText.eventLines(report, seen: &seen) == [
                "latest: Pulling from library/nginx", "aaaaaaaaaaaa: Pulling fs layer", "bbbbbbbbbbbb: Already exists",
            ])
        report.layers[0].state = .downloading
        report.layers[0].currentBytes = 5
        #expect(PullProgressText.eventLines(report, seen: &seen) == ["aaaaaaaaaaaa: Downloading"])
        report.layers[0].currentBytes = 7
        #expect(PullProgressText.eventLines(report, seen: &seen).isEmpty)
        report.layers[0].state = .complete
        report.outcome = .downloaded
        report.digest = "sha256:" + String(repeating: "c", count: 64)
        #expect(PullProgressText.eventLines(report, seen: &seen) == ["aaaaaaaaaaaa: Pull complete"])
        #expect(
            PullProgressText.closingLines(report, normalizedName: "docker.io/library/nginx:latest") == [
                "Digest: sha256:" + String(repeating: "c", count: 64),
                "Status: Downloaded newer image for nginx:latest", "docker.io/library/nginx:latest",
            ])
        report.outcome = .upToDate
        #expect(
            PullProgressText.closingLines(report, normalizedName: "x")[1]
                == "Status: Image is up to date for nginx:latest")
        report.outcome = .failed
        #expect(PullProgressText.closingLines(report, normalizedName: "x").isEmpty)
    }
}

@Suite("A failed pull in Fargate's words")
struct ImagePullReasonTests {
    @Test func resolutionFailuresCarryTheManifestRetryPrefixAndContainerdsWords() {
        let name = "docker.io/library/nginx:nope"
        let failure = ImagePullFailure(
            reference: try! ImageReference.parse(name), message: "",
            underlying: RegistryError.failedToResolve(reference: name, .notFound(reference: name)))
        #expect(
            ImagePullReason.stoppedReason(image: "nginx:nope", container: "web", error: failure)
                == "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref"
                + " docker.io/library/nginx:nope: docker.io/library/nginx:nope: not found")
    }

    @Test func otherFailuresNameTheImageAndContainer() {
        let reason = ImagePullReason.stoppedReason(
            image: "app:1", container: "web", error: ImageError.notFound("app:1"))
        #expect(reason == "CannotPullContainerError: pull image 'app:1' for container 'web': no such image: app:1")
    }
}
