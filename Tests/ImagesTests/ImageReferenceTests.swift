import Testing

@testable import Images

@Suite("ImageReference follows Docker's parsing and normalization")
struct ImageReferenceTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test(
        "normalizes names",
        arguments: [
            ("nginx", "docker.io/library/nginx:latest", "nginx:latest"),
            ("nginx:1.25", "docker.io/library/nginx:1.25", "nginx:1.25"),
            ("library/nginx", "docker.io/library/nginx:latest", "nginx:latest"),
            ("docker.io/library/nginx:latest", "docker.io/library/nginx:latest", "nginx:latest"),
            ("index.docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"),
            ("docker.io/nginx", "docker.io/library/nginx:latest", "nginx:latest"),
            ("user/app:1.0", "docker.io/user/app:1.0", "user/app:1.0"),
            ("docker.io/library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"),
            ("localhost:5000/x:1", "localhost:5000/x:1", "localhost:5000/x:1"),
            ("localhost/x", "localhost/x:latest", "localhost/x:latest"),
            ("ghcr.io/org/tool", "ghcr.io/org/tool:latest", "ghcr.io/org/tool:latest"),
            ("Registry.Example.com/a", "Registry.Example.com/a:latest", "Registry.Example.com/a:latest"),
            ("[::1]:5000/app:v2", "[::1]:5000/app:v2", "[::1]:5000/app:v2"),
            ("a.b-c/d__e---f/g_h:V_1.-x", "a.b-c/d__e---f/g_h:V_1.-x", "a.b-c/d__e---f/g_h:V_1.-x"),
            ("localhost:5000", "docker.io/library/localhost:5000", "localhost:5000"),
        ])
    func normalizes(text: String, normalized: String, familiar: String) throws {
        let reference = try ImageReference.parse(text)
        #expect(reference.normalized == normalized)
        #expect(reference.familiar == familiar)
        #expect(reference.description == familiar)
    }

    @Test("splits registry, path, tag and digest")
    func components() throws {
        let withPort = try ImageReference.parse("localhost:5000/team/x:1")
        #expect(withPort.domain == "localhost:5000")
        #expect(withPort.path == "team/x")
        #expect(withPort.tag == "1")
        #expect(withPort.digest == nil)
        #expect(withPort.repository == "localhost:5000/team/x")

        let digested = try ImageReference.parse("nginx@" + Self.digest)
        #expect(digested.tag == nil)
        #expect(digested.digest == Self.digest)
        #expect(digested.normalized == "docker.io/library/nginx@" + Self.digest)
        #expect(digested.familiar == "nginx@" + Self.digest)

        let both = try ImageReference.parse("nginx:1.25@" + Self.digest)
        #expect(both.normalized == "docker.io/library/nginx:1.25@" + Self.digest)
    }

    @Test(
        "rejects invalid references with a reason",
        arguments: [
            "", "Nginx", "nginx:", "nginx:-x", "nginx:.x", "nginx@sha256:abc",
            "nginx@md5:" + String(repeating: "a", count: 32),
            "a//b", "-nginx", "nginx-", "nginx..x", "nginx:" + String(repeating: "t", count: 129),
            String(repeating: "a", count: 64), "localhost:abc/x", "UPPER/Case", "ex ample", "nginx@", "/nginx",
            "registry-.io/x", "a/" + String(repeating: "b", count: 250),
        ])
    func rejects(text: String) {
        do {
            let parsed = try ImageReference.parse(text)
            Issue.record("\"\(text)\" parsed as \(parsed.normalized)")
        } catch let ImageError.invalidReference(reported, reason) {
            #expect(reported == text)
            #expect(!reason.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("names the problem")
    func explains() {
        #expect(throws: ImageError.invalidReference("Nginx", "repository name \"library/Nginx\" must be lowercase")) {
            try ImageReference.parse("Nginx")
        }
        let error = ImageError.invalidReference("nginx:", "tag is empty")
        #expect(error.description == "invalid reference \"nginx:\": tag is empty")
    }
}
