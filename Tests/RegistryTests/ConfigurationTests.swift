import Foundation
import Images
import NIOSSL
import Testing

@testable import Registry

@Suite struct RegistriesConfTests {
    let file = "/etc/containers/registries.conf"

    @Test func longestPrefixWinsAndLocationReplacesThePrefix() throws {
        let conf = try RegistriesConf.parse(
            """
            unqualified-search-registries = ["docker.io"]
            [[registry]]
            prefix = "docker.io"
            location = "hub-cache.internal:5000/dockerhub"
            [[registry]]
            prefix = "docker.io/library"
            location = "official.internal/library"
            insecure = true
            [[registry.mirror]]
            location = "mirror-a.internal/lib"
            [[registry.mirror]]
            location = "mirror-b.internal/lib"
            insecure = true
            """, file: file)
        let nginx = try conf.route(for: ImageReference.parse("nginx"))
        #expect(nginx.primary == RegistryEndpoint(location: "official.internal/library/nginx", insecure: true))
        #expect(nginx.mirrors.map(\.registry) == ["mirror-a.internal", "mirror-b.internal"])
        #expect(nginx.mirrors.map(\.repository) == ["lib/nginx", "lib/nginx"])
        #expect(nginx.mirrors.map(\.insecure) == [false, true])
        #expect(nginx.forTags == [nginx.primary])
        #expect(nginx.forDigests.map(\.registry) == ["mirror-a.internal", "mirror-b.internal", "official.internal"])

        let user = try conf.route(for: ImageReference.parse("someone/app:1"))
        #expect(user.primary.registry == "hub-cache.internal:5000")
        #expect(user.primary.repository == "dockerhub/someone/app")

        // "docker.io/lib" is not a prefix of "docker.io/library/…" at a component boundary.
        let other = try conf.route(for: ImageReference.parse("quay.io/x/y"))
        #expect(other.primary == RegistryEndpoint(location: "quay.io/x/y", insecure: false) && other.mirrors.isEmpty)
    }

    @Test(
        "mirrors answer tags only where the file says mirror-by-digest-only = false",
        arguments: [("", false), ("mirror-by-digest-only = true\n", false), ("mirror-by-digest-only = false\n", true)])
    func mirrorsAndTags(setting: String, mirrorsAnswerTags: Bool) throws {
        let conf = try RegistriesConf.parse(
            """
            [[registry]]
            prefix = "docker.io"
            location = "docker.io"
            \(setting)
            [[registry.mirror]]
            location = "cache.internal:5000"
            """, file: file)
        let route = try conf.route(for: ImageReference.parse("nginx"))
        #expect(
            route.forTags.map(\.registry) == (mirrorsAnswerTags ? ["cache.internal:5000", "docker.io"] : ["docker.io"]))
        #expect(route.forDigests.map(\.registry) == ["cache.internal:5000", "docker.io"])
    }

    @Test func withoutAnEntryDockerHubGoesToRegistryOne() throws {
        let route = try RegistriesConf.empty.route(for: ImageReference.parse("nginx"))
        #expect(route.primary.registry == "docker.io" && route.primary.serverAuthority == "registry-1.docker.io")
        #expect(route.primary.repository == "library/nginx" && !route.primary.insecure)
        // Loopback registries are verified too (containers/image's rule, not Docker's 127.0.0.0/8 exception).
        #expect(!RegistryEndpoint(location: "127.0.0.1:5000/x", insecure: false).insecure)
        #expect(!RegistryEndpoint(location: "localhost/x", insecure: false).insecure)
        #expect(!RegistryEndpoint(location: "[::1]:5000/x", insecure: false).insecure)
        #expect(!RegistryEndpoint(location: "127.evil.example/x", insecure: false).insecure)
    }

    @Test func blockedRegistryErrorNamesTheFile() throws {
        let conf = try RegistriesConf.parse(
            """
            [[registry]]
            location = "evil.example"
            blocked = true
            """, file: file)
        #expect(throws: RegistryError.self) { try conf.route(for: ImageReference.parse("evil.example/x")) }
        do {
            _ = try conf.route(for: ImageReference.parse("evil.example/x"))
        } catch {
            #expect("\(error)" == "registry evil.example/x is blocked in /etc/containers/registries.conf")
        }
    }

    @Test func wildcardPrefixMatchesSubdomains() throws {
        let conf = try RegistriesConf.parse(
            """
            [[registry]]
            prefix = "*.internal.example"
            insecure = true
            """, file: file)
        let route = try conf.route(for: ImageReference.parse("a.internal.example/app"))
        #expect(route.primary.registry == "a.internal.example" && route.primary.insecure)
        #expect(!(try conf.route(for: ImageReference.parse("internal.example.com/app"))).primary.insecure)
    }

    @Test func malformedTOMLErrorNamesTheFileAndTheProblem() {
        do {
            _ = try RegistriesConf.parse("[[registry]\nlocation = ", file: file)
            Issue.record("parsed malformed TOML")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("/etc/containers/registries.conf: invalid TOML: "), "\(text)")
        }
    }

    @Test func clientInitReportsABadRegistriesConf() throws {
        let directory = Fixture.temporaryDirectory()
        let path = directory + "/registries.conf"
        try Data("[[registry]]\nprefix = 3\n".utf8).write(to: URL(fileURLWithPath: path))
        var settings = Fixture.settings()
        settings.registriesConfPath = path
        #expect {
            _ = try RegistryClient(settings: settings, logger: CapturedLog().logger)
        } throws: { "\($0)".hasPrefix(path + ": ") }
    }

    @Test func registriesConfPathComesFromTheEnvironment() {
        #expect(
            RegistrySettings.standard(environment: ["CONTAINERS_REGISTRIES_CONF": "/x.conf"])
                .effectiveRegistriesConfPath == "/x.conf")
        #expect(
            RegistrySettings.standard(environment: [:]).effectiveRegistriesConfPath == "/etc/containers/registries.conf"
        )
        #expect(RegistrySettings.standard(environment: [:]).maximumManifestBytes == 4 << 20)
    }

    @Test func certsDirectoriesAddEveryCrtForTheHostPort() throws {
        let root = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: root + "/reg.example:5000", withIntermediateDirectories: true)
        for name in ["ca.crt", "extra.crt", "client.key"] {
            FileManager.default.createFile(atPath: root + "/reg.example:5000/" + name, contents: Data())
        }
        let certificates = CertificateDirectories(directories: [root, root + "/absent"])
        #expect(
            certificates.caFiles(for: "reg.example:5000") == [
                root + "/reg.example:5000/ca.crt", root + "/reg.example:5000/extra.crt",
            ])
        #expect(certificates.caFiles(for: "reg.example").isEmpty)
        #expect(certificates.tlsConfiguration(for: "reg.example:5000", insecure: false).additionalTrustRoots.count == 2)
        #expect(certificates.tlsConfiguration(for: "reg.example:5000", insecure: true).certificateVerification == .none)
    }

    @Test(arguments: ["..", "a/../..", "a/..", ".", "/", "a/b", "..:443", "a..b", "[..]", "x\u{0}y", ""])
    func anAuthorityThatNamesAnotherDirectoryGetsNoCA(authority: String) throws {
        // certs.d/<authority>/ for these would reach base/, which holds a CA: none may be trusted.
        let base = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base + "/certs.d/a", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: base + "/evil.crt", contents: Data())
        FileManager.default.createFile(atPath: base + "/certs.d/a/evil.crt", contents: Data())
        FileManager.default.createFile(atPath: base + "/certs.d/evil.crt", contents: Data())
        let certificates = CertificateDirectories(directories: [base + "/certs.d"])
        #expect(certificates.caFiles(for: authority).isEmpty)
        #expect(certificates.tlsConfiguration(for: authority, insecure: false).additionalTrustRoots.isEmpty)
    }

    @Test func aRedirectToDotDotGetsNoCA() throws {
        let base = Fixture.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: base + "/certs.d", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: base + "/evil.crt", contents: Data())
        let target = try #require(RequestURL.parse("https://..")?.resolving(location: "https://../v2/"))
        #expect(target.authority == "..")
        #expect(CertificateDirectories(directories: [base + "/certs.d"]).caFiles(for: target.authority).isEmpty)
    }

    @Test(arguments: ["reg.example", "reg.example:5000", "localhost", "127.0.0.1:5000", "[::1]:5000", "my_reg.local"])
    func hostsAndPortsAreDirectoryNames(authority: String) {
        #expect(CertificateDirectories.isDirectoryName(authority))
    }
}
