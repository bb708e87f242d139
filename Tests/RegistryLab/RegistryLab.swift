// RegistryLab: a real registry on loopback for tests (Debian's docker-registry, distribution 2.8.2).
//
//     let lab = try RegistryLab.start(.init(auth: .token(user: "berth", password: "s3cret")))
//     defer { lab.stop() }
//     let digest = try lab.push(layout: LabImages.busybox, tag: "r/plain:1")  // skopeo, oci: → docker://
//     let before = lab.tokenRequests.count  // skopeo's push asked the realm too
//     // point the client under test at lab.host ("127.0.0.1:PORT"), trusting lab.caCertificatePath or
//     // lab.certsDirectory (certs.d layout), with lab.username / lab.password; pull r/plain:1 twice
//     #expect(lab.tokenRequests.count == before + 1)  // the token was cached
//
// - `start` runs `/usr/bin/docker-registry serve` on 127.0.0.1 at a free port with its own storage under
//   a temporary directory, TLS from a CA the lab makes with openssl (server certificate for IP:127.0.0.1
//   and DNS:localhost), and returns once `/v2/` answers. `stop()` (also run by deinit) kills exactly that
//   process and the lab's servers and removes every file, the registry's log included.
// - `Options.auth`: `.none`; `.htpasswd` (bcrypt, Basic challenges); `.token`, Docker's Bearer flow with
//   the realm served by the lab on http://127.0.0.1 (see TokenRealm: the user gets pull and push, wrong
//   credentials get 401, anonymous requests get a token granting nothing). `tokenRequests` records what
//   the realm was asked, to assert token caching.
// - `Options.redirectBlobs`: blob GETs and HEADs answer 307 to a blob server on 127.0.0.2 (another host)
//   that serves the registry's blob files, refuses requests carrying Authorization with 400 like S3, and
//   takes faults: `failNextBlobRequestsWith403(count:)`, `cutNextBlobBodies(count:afterBytes:)`. It
//   answers `Range: bytes=N-` with 206. `blobServerRequests` records what it saw.
// - `push` copies an OCI layout into the registry with skopeo and returns the manifest digest;
//   `inspectRaw` and `pull` read back through the registry the same way; `corruptBlob` damages a blob
//   on disk so a verifying pull must fail.
// - `LabImages` builds layouts from the fixtures (`make fixtures`): a multi-arch index with an
//   attestation entry, and an image with an uncompressed layer.
// Needs root (like the other suites on real programs) and the programs `RegistryLab.isAvailable` checks
// (docker-registry, skopeo, htpasswd, openssl, curl, gzip); `scripts/install-deps.sh` installs them.
import Foundation
import NIOCore
import NIOPosix

public final class RegistryLab: @unchecked Sendable {
    public enum Auth: Sendable, Equatable {
        case none
        case htpasswd(user: String, password: String)
        case token(user: String, password: String)
    }

    public struct Options: Sendable {
        public var auth: Auth
        public var tls: Bool
        public var redirectBlobs: Bool
        /// The realm's `expires_in`, seconds (clients treat less than 60 as 60).
        public var tokenLifetime: Int

        public init(auth: Auth = .none, tls: Bool = true, redirectBlobs: Bool = false, tokenLifetime: Int = 300) {
            self.auth = auth
            self.tls = tls
            self.redirectBlobs = redirectBlobs
            self.tokenLifetime = tokenLifetime
        }
    }

    public enum Compression: Sendable {
        /// Blobs as the layout has them, digests preserved (skopeo `--preserve-digests`).
        case keep
        case gzip
        case zstd
    }

    /// Whose credentials a skopeo call sends.
    public enum Credentials: Sendable {
        /// The lab user's, when the lab has one.
        case lab
        case anonymous
        case given(username: String, password: String)
    }

    static let registryProgram = "/usr/bin/docker-registry"
    static let skopeoProgram = "/usr/bin/skopeo"
    static let htpasswdProgram = "/usr/bin/htpasswd"
    static let curlProgram = "/usr/bin/curl"
    static let gzipProgram = "/usr/bin/gzip"
    /// The service name the registry and the token realm agree on (the JWT's `aud`).
    public static let tokenService = "berth-registry-lab"

    /// Root. Suites gate on this: `.enabled(if: RegistryLab.isAvailable)`. A missing program is no reason to
    /// skip: `start` fails naming it, so a machine that lacks one (an install step forgotten) fails loudly.
    public static var isAvailable: Bool { getuid() == 0 }

    static var programs: [String] {
        [registryProgram, skopeoProgram, htpasswdProgram, LabCertificates.openssl, curlProgram, gzipProgram]
    }

    public let options: Options
    /// `127.0.0.1:PORT`, as an image reference's registry part.
    public let host: String
    /// The lab's own directory (storage, certificates, config, log); removed by `stop()`.
    public let directory: String
    /// The registry's `storage.filesystem.rootdirectory`.
    public let storageDirectory: String
    public let caCertificatePath: String
    /// A directory laid out as certs.d: `<certsDirectory>/127.0.0.1:PORT/ca.crt`.
    public let certsDirectory: String
    public let registryLogPath: String
    public let username: String?
    public let password: String?

    private let process: Process
    private let tokenRealm: TokenRealm?
    private let blobServer: BlobServer?
    private let lock = NSLock()
    private var stopped = false

    /// `https://127.0.0.1:PORT` (or `http://` without TLS).
    public var baseURL: String { "\(options.tls ? "https" : "http")://\(host)" }
    /// The token realm's URL, with `.token` auth.
    public var tokenRealmURL: String? { tokenRealm?.realm }
    /// What the token realm was asked, in order (empty without `.token` auth).
    public var tokenRequests: [TokenRequest] { tokenRealm?.requests ?? [] }
    /// What the 127.0.0.2 blob server saw, in order (empty without `redirectBlobs`).
    public var blobServerRequests: [BlobServerRequest] { blobServer?.requests ?? [] }
    /// The blob server's base URL (`http://127.0.0.2:PORT`), with `redirectBlobs`.
    public var blobServerURL: String? { blobServer?.baseURL }

    /// The next `count` blob server requests get 403, as an expired presigned URL does.
    public func failNextBlobRequestsWith403(count: Int) { blobServer?.failNextRequestsWith403(count: count) }
    /// The next `count` blob GETs announce their full Content-Length, send `afterBytes` bytes and close.
    /// Every blob answer from now on comes `seconds` late: a pull stays in flight long enough to be joined.
    public func delayBlobResponses(seconds: Double) {
        blobServer?.delayResponses(by: .milliseconds(Int64(seconds * 1000)))
    }

    public func cutNextBlobBodies(count: Int, afterBytes: Int) {
        blobServer?.cutNextBodies(count: count, afterBytes: afterBytes)
    }

    public static func start(_ options: Options = Options()) throws -> RegistryLab {
        for program in programs where !FileManager.default.isExecutableFile(atPath: program) {
            throw RegistryLabError(
                step: "start", detail: "\(program) is missing: scripts/install-deps.sh installs what the lab runs")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-registry-lab-\(UUID().uuidString.prefix(8))").path
        let storage = "\(directory)/storage"
        try FileManager.default.createDirectory(atPath: storage, withIntermediateDirectories: true)
        var servers: [() -> Void] = []
        do {
            let certificates = try LabCertificates.make(in: directory)
            var user: (String, String)?
            // The config as YAML lines; each section adds its own.
            var config = [
                "version: 0.1",
                "log:", "  level: info",
                "storage:",
                "  filesystem:", "    rootdirectory: \(storage)",
                "  delete:", "    enabled: true",
                "  maintenance:", "    uploadpurging:", "      enabled: false",
            ]
            var realm: TokenRealm?
            switch options.auth {
            case .none: break
            case .htpasswd(let name, let password):
                user = (name, password)
                let entry = try LabCommand.check(htpasswdProgram, ["-Bbn", name, password])
                try entry.write(to: URL(fileURLWithPath: "\(directory)/htpasswd"))
                config += ["auth:", "  htpasswd:", "    realm: berth registry lab", "    path: \(directory)/htpasswd"]
            case .token(let name, let password):
                user = (name, password)
                let tokenRealm = try TokenRealm(
                    service: tokenService, username: name, password: password, lifetime: options.tokenLifetime,
                    certificates: certificates)
                servers.append(tokenRealm.stop)
                realm = tokenRealm
                config += [
                    "auth:", "  token:", "    realm: \(tokenRealm.realm)", "    service: \(tokenService)",
                    "    issuer: \(TokenRealm.issuer)", "    rootcertbundle: \(certificates.tokenSigningCertificate)",
                ]
            }
            var blobServer: BlobServer?
            if options.redirectBlobs {
                let server = try BlobServer(storageDirectory: storage)
                servers.append(server.stop)
                blobServer = server
                config += [
                    "middleware:", "  storage:", "    - name: redirect", "      options:",
                    "        baseurl: \(server.baseURL)",
                ]
            }
            let logPath = "\(directory)/registry.log"
            let (process, port) = try launchRegistry(
                directory: directory, logPath: logPath, caCertificate: certificates.caCertificate, tls: options.tls,
                config: { port in
                    var http = ["http:", "  addr: 127.0.0.1:\(port)", "  secret: \(UUID().uuidString)"]
                    if options.tls {
                        http += [
                            "  tls:", "    certificate: \(certificates.serverCertificate)",
                            "    key: \(certificates.serverKey)",
                        ]
                    }
                    return (config + http).joined(separator: "\n") + "\n"
                })
            let host = "127.0.0.1:\(port)"
            let certsDirectory = "\(directory)/certs.d"
            try FileManager.default.createDirectory(
                atPath: "\(certsDirectory)/\(host)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(
                atPath: certificates.caCertificate, toPath: "\(certsDirectory)/\(host)/ca.crt")
            return RegistryLab(
                options: options, host: host, directory: directory, storageDirectory: storage,
                caCertificatePath: certificates.caCertificate, certsDirectory: certsDirectory,
                registryLogPath: logPath, username: user?.0, password: user?.1, process: process,
                tokenRealm: realm, blobServer: blobServer)
        } catch {
            for stop in servers { stop() }
            try? FileManager.default.removeItem(atPath: directory)  // best effort; the error is what matters
            throw error
        }
    }

    private init(
        options: Options, host: String, directory: String, storageDirectory: String, caCertificatePath: String,
        certsDirectory: String, registryLogPath: String, username: String?, password: String?, process: Process,
        tokenRealm: TokenRealm?, blobServer: BlobServer?
    ) {
        self.options = options
        self.host = host
        self.directory = directory
        self.storageDirectory = storageDirectory
        self.caCertificatePath = caCertificatePath
        self.certsDirectory = certsDirectory
        self.registryLogPath = registryLogPath
        self.username = username
        self.password = password
        self.process = process
        self.tokenRealm = tokenRealm
        self.blobServer = blobServer
    }

    deinit { stop() }

    /// Kills the registry process this lab started (SIGTERM, then SIGKILL after 5 s), stops the lab's
    /// servers and removes the lab's directory. Idempotent.
    public func stop() {
        let first = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        tokenRealm?.stop()
        blobServer?.stop()
        // Only the lab's own temporary directory; a leftover would be harmless.
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The registry's log so far (for a failing test's message).
    public func registryLog() -> String {
        (try? String(contentsOfFile: registryLogPath, encoding: .utf8)) ?? ""
    }

    // MARK: The registry process

    /// Picks a free port, writes the config for it and starts the registry; retries with another port when
    /// the registry exits early (another process took the port between the pick and the bind).
    private static func launchRegistry(
        directory: String, logPath: String, caCertificate: String, tls: Bool, config: (Int) -> String
    ) throws -> (Process, Int) {
        var lastFailure = ""
        for _ in 0..<3 {
            let port = try freePort()
            let configPath = "\(directory)/config.yml"
            try config(port).write(toFile: configPath, atomically: true, encoding: .utf8)
            _ = FileManager.default.createFile(atPath: logPath, contents: nil)
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            defer { try? log.close() }  // the child has its own copy of the descriptor
            let process = Process()
            process.executableURL = URL(fileURLWithPath: registryProgram)
            process.arguments = ["serve", configPath]
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            do { try process.run() } catch {
                throw RegistryLabError(step: registryProgram, detail: "cannot start: \(error)")
            }
            let url = "\(tls ? "https" : "http")://127.0.0.1:\(port)/v2/"
            let deadline = Date().addingTimeInterval(15)
            while process.isRunning, Date() < deadline {
                let probe = try LabCommand.run(
                    curlProgram,
                    ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "2", "--cacert", caCertificate, url])
                let code = String(decoding: probe.stdout, as: UTF8.self)
                if code == "200" || code == "401" { return (process, port) }
                usleep(50_000)
            }
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
                throw RegistryLabError(step: "\(registryProgram) serve", detail: "\(url) did not answer within 15 s")
            }
            process.waitUntilExit()
            lastFailure = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        }
        throw RegistryLabError(step: "\(registryProgram) serve", detail: "exited early:\n\(lastFailure)")
    }

    /// A port on 127.0.0.1 nobody listens on now, from the kernel (bind to port 0).
    private static func freePort() throws -> Int {
        let channel = try ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).wait()
        defer { try? channel.close().wait() }  // a listener we made only to learn the port
        guard let port = channel.localAddress?.port else {
            throw RegistryLabError(step: "free port", detail: "no local address")
        }
        return port
    }
}
