import Foundation
import RegistryLab
import Testing

/// The lab itself, against the real programs: each option does what berth-pull tests will rely on.
@Suite(
    "RegistryLab on docker-registry and skopeo", .serialized,
    .enabled(if: RegistryLab.isAvailable, "needs root, docker-registry, skopeo, htpasswd, openssl, curl, gzip"),
    .enabled(if: LabImages.haveFixtures, "needs the fixtures: run `make fixtures`"))
struct RegistryLabTests {
    static let user = "berth"
    static let password = "lab-\(UInt32.random(in: 0...UInt32.max))"

    @Test func pushAndInspectOverTLSWithTheLabCA() throws {
        let lab = try RegistryLab.start(.init())
        defer { lab.stop() }
        #expect(lab.baseURL.hasPrefix("https://127.0.0.1:"))
        let pushed = try lab.push(layout: LabImages.busybox, tag: "r/plain:1")
        #expect(try pushed == busyboxManifestDigest())
        let manifest = try json(lab.inspectRaw("r/plain:1"))
        #expect(manifest["mediaType"] as? String == "application/vnd.oci.image.manifest.v1+json")
        #expect(FileManager.default.fileExists(atPath: "\(lab.certsDirectory)/\(lab.host)/ca.crt"))
        // Without the lab's CA, the server's certificate is from an unknown authority.
        #expect(throws: RegistryLabError.self) {
            try lab.skopeo(["inspect", "--raw", "docker://\(lab.host)/r/plain:1"])
        }
        // The lab removes what it made.
        lab.stop()
        #expect(!FileManager.default.fileExists(atPath: lab.directory))
    }

    @Test func plainHTTPWhenTLSIsOff() throws {
        let lab = try RegistryLab.start(.init(tls: false))
        defer { lab.stop() }
        #expect(lab.baseURL.hasPrefix("http://127.0.0.1:"))
        try lab.push(layout: LabImages.busybox, tag: "r/http:1")
        #expect(try !lab.inspectRaw("r/http:1").isEmpty)
        #expect(try curl(["\(lab.baseURL)/v2/"]).code == "200")
    }

    @Test func htpasswdTakesTheUserAndRefusesOthers() throws {
        let lab = try RegistryLab.start(.init(auth: .htpasswd(user: Self.user, password: Self.password)))
        defer { lab.stop() }
        try lab.push(layout: LabImages.busybox, tag: "r/basic:1")
        #expect(try !lab.inspectRaw("r/basic:1").isEmpty)
        #expect(throws: RegistryLabError.self) { try lab.inspectRaw("r/basic:1", credentials: .anonymous) }
        #expect(throws: RegistryLabError.self) {
            try lab.inspectRaw("r/basic:1", credentials: .given(username: Self.user, password: "wrong"))
        }
    }

    @Test func tokenRealmIssuesJWTsTheRegistryAccepts() throws {
        let lab = try RegistryLab.start(.init(auth: .token(user: Self.user, password: Self.password)))
        defer { lab.stop() }
        try lab.push(layout: LabImages.busybox, tag: "r/token:1")
        #expect(try !lab.inspectRaw("r/token:1").isEmpty)
        let asked = lab.tokenRequests
        #expect(!asked.isEmpty)
        #expect(asked.allSatisfy { $0.hadCredentials && $0.status == 200 && $0.service == RegistryLab.tokenService })
        #expect(asked.contains { $0.scopes.contains { $0.hasPrefix("repository:r/token:") && $0.contains("push") } })

        let before = lab.tokenRequests.count
        #expect(throws: RegistryLabError.self) {
            try lab.inspectRaw("r/token:1", credentials: .given(username: Self.user, password: "wrong"))
        }
        #expect(lab.tokenRequests.dropFirst(before).contains { $0.hadCredentials && $0.status == 401 })
        // Anonymous tokens grant nothing: the registry refuses the repository.
        #expect(throws: RegistryLabError.self) { try lab.inspectRaw("r/token:1", credentials: .anonymous) }
        #expect(lab.tokenRequests.contains { !$0.hadCredentials && $0.status == 200 })
    }

    @Test func redirectedBlobsComeFromAnotherHostWithoutAuthorization() throws {
        let lab = try RegistryLab.start(
            .init(auth: .htpasswd(user: Self.user, password: Self.password), redirectBlobs: true))
        defer { lab.stop() }
        try lab.push(layout: LabImages.busybox, tag: "r/redirect:1")
        let layer = try busyboxLayerDigest()
        let layerBytes = try blob(layer)
        let pulled = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: pulled) }
        try lab.pull("r/redirect:1", to: pulled)
        let hex = layer.dropFirst(7)
        #expect(FileManager.default.contents(atPath: "\(pulled)/blobs/sha256/\(hex)") == layerBytes)
        let layerGets = lab.blobServerRequests.filter { $0.method == "GET" && $0.path.contains(hex) }
        #expect(layerGets.contains { $0.status == 200 })
        #expect(!lab.blobServerRequests.isEmpty && lab.blobServerRequests.allSatisfy { !$0.hadAuthorization })

        let url = try #require(lab.blobServerURL) + "/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
        #expect(lab.blobServerURL?.hasPrefix("http://127.0.0.2:") == true)
        #expect(try curl(["-H", "Authorization: Bearer x", url]).code == "400")
        let size = layerBytes.count
        let head = try curl(["-I", url])
        let announced = String(decoding: head.body, as: UTF8.self).lowercased()
        #expect(head.code == "200" && announced.contains("content-length: \(size)\r\n"))
        let ranged = try curl(["-r", "1000-", url])
        #expect(ranged.code == "206" && ranged.body == layerBytes.dropFirst(1000))
        lab.failNextBlobRequestsWith403(count: 1)
        #expect(try curl([url]).code == "403")
        #expect(try curl([url]).code == "200")
        lab.cutNextBlobBodies(count: 1, afterBytes: 4096)
        let cut = try curl([url])
        #expect(cut.status == 18 && cut.body.count == 4096)  // curl 18: transfer closed with bytes remaining
        #expect(try curl([url]).body.count == size)
    }

    @Test func zstdPushRecompressesTheLayers() throws {
        let lab = try RegistryLab.start(.init())
        defer { lab.stop() }
        try lab.push(layout: LabImages.busybox, tag: "r/zstd:1", compression: .zstd)
        let manifest = try json(lab.inspectRaw("r/zstd:1"))
        let layers = manifest["layers"] as? [[String: Any]] ?? []
        #expect(!layers.isEmpty && layers.allSatisfy { ($0["mediaType"] as? String)?.hasSuffix("+zstd") == true })
    }

    @Test func multiArchIndexWithAttestationPushesWhole() throws {
        let lab = try RegistryLab.start(.init())
        defer { lab.stop() }
        let layout = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: layout) }
        let image = try LabImages.multiArch(in: layout)
        let pushed = try lab.push(layout: image.layout, tag: "r/multi:1", all: true)
        #expect(pushed == image.indexDigest)
        let index = try json(lab.inspectRaw("r/multi:1"))
        let entries = index["manifests"] as? [[String: Any]] ?? []
        #expect(entries.count == 3)
        #expect(
            entries.map { $0["digest"] as? String } == [
                image.hostManifest, image.arm64Manifest, image.attestationManifest,
            ])
        let attestation = entries.last?["annotations"] as? [String: String]
        #expect(attestation?["vnd.docker.reference.type"] == "attestation-manifest")
        #expect((entries.last?["platform"] as? [String: String])?["os"] == "unknown")
        let arm64 = try json(lab.inspectRaw("r/multi@\(image.arm64Manifest)"))
        #expect(arm64["layers"] != nil)
    }

    @Test func uncompressedLayerStaysUncompressed() throws {
        let lab = try RegistryLab.start(.init())
        defer { lab.stop() }
        let layout = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: layout) }
        let image = try LabImages.uncompressed(in: layout)
        #expect(try lab.push(layout: image.layout, tag: "r/tar:1") == image.manifestDigest)
        let layers = try json(lab.inspectRaw("r/tar:1"))["layers"] as? [[String: Any]] ?? []
        #expect(layers.first?["mediaType"] as? String == "application/vnd.oci.image.layer.v1.tar")
        #expect(layers.first?["digest"] as? String == image.layerDigest)
    }

    @Test func corruptBlobMakesAPullFail() throws {
        let lab = try RegistryLab.start(.init())
        defer { lab.stop() }
        try lab.push(layout: LabImages.busybox, tag: "r/bad:1")
        let pulled = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: pulled) }
        try lab.pull("r/bad:1", to: pulled)  // whole before the damage
        let layer = try busyboxLayerDigest()
        let size = try blob(layer).count
        try lab.corruptBlob(digest: layer)
        #expect(FileManager.default.contents(atPath: lab.blobPath(digest: layer))?.count == size)
        let again = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: again) }
        #expect(throws: RegistryLabError.self) { try lab.pull("r/bad:1", to: again) }
    }
}

// MARK: Helpers

private func json(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func busyboxManifestDigest() throws -> String {
    let index = try json(try #require(FileManager.default.contents(atPath: "\(LabImages.busybox)/index.json")))
    return try #require((index["manifests"] as? [[String: Any]])?.first?["digest"] as? String)
}

private func busyboxLayerDigest() throws -> String {
    let manifest = try json(blob(busyboxManifestDigest()))
    return try #require((manifest["layers"] as? [[String: Any]])?.first?["digest"] as? String)
}

private func blob(_ digest: String) throws -> Data {
    try #require(FileManager.default.contents(atPath: "\(LabImages.busybox)/blobs/sha256/\(digest.dropFirst(7))"))
}

private func temporaryDirectory() throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("berth-lab-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// curl against the lab's plain-HTTP blob server: exit status, HTTP code, body.
private func curl(_ arguments: [String]) throws -> (status: Int32, code: String, body: Data) {
    let output = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: output) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["-s", "-o", "\(output)/body", "-w", "%{http_code}", "--max-time", "10"] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let code = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, code, FileManager.default.contents(atPath: "\(output)/body") ?? Data())
}
