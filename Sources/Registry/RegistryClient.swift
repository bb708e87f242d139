import Foundation
import Images
import Logging
import Synchronization

/// Pulls from OCI distribution registries: resolves references to verified manifests and configs,
/// downloads verified blobs, checks logins. Thread-safe; one per process is enough (it pools connections
/// and caches tokens). Call `shutdown()` before dropping it.
public final class RegistryClient: Sendable {
    let settings: RegistrySettings
    let logger: Logger
    let transport: any HTTPTransport
    let conf: RegistriesConf
    let certificates: CertificateDirectories
    let credentials: RegistryCredentials
    let storedCredentials: CredentialCache
    let authorizer: RegistryAuthorizer
    let platform: PlatformMatcher
    private let sleep: @Sendable (Double) async -> Void
    private let random: @Sendable () -> Double
    /// Insecure registries found to speak plain HTTP; they are asked over HTTPS (unverified) first, as Docker does.
    private let plainHTTPRegistries = Mutex<Set<String>>([])

    /// Reads registries.conf now, so a malformed or unreadable file fails here, naming the file.
    public convenience init(settings: RegistrySettings, logger: Logger) throws {
        let conf = try RegistriesConf.load(path: settings.effectiveRegistriesConfPath) ?? .empty
        self.init(
            settings: settings, logger: logger, conf: conf, transport: AsyncHTTPTransport(), platform: .host,
            clock: { Date().timeIntervalSince1970 },
            sleep: { seconds in
                // Cancellation ends the wait early; the retry loop then sees the cancelled task fail.
                try? await Task.sleep(nanoseconds: UInt64(max(seconds, 0) * 1_000_000_000))
            },
            random: { Double.random(in: 0..<1) })
    }

    init(
        settings: RegistrySettings, logger: Logger, conf: RegistriesConf, transport: any HTTPTransport,
        platform: PlatformMatcher, clock: @escaping @Sendable () -> Double,
        sleep: @escaping @Sendable (Double) async -> Void, random: @escaping @Sendable () -> Double
    ) {
        self.settings = settings
        self.logger = logger
        self.conf = conf
        self.transport = transport
        self.platform = platform
        self.certificates = CertificateDirectories(directories: settings.certsDirectories)
        let credentials = RegistryCredentials(environment: settings.environment)
        self.credentials = credentials
        self.storedCredentials = CredentialCache(clock: clock) { try credentials.lookup(registry: $0) }
        self.authorizer = RegistryAuthorizer(clock: clock)
        self.sleep = sleep
        self.random = random
    }

    public func shutdown() async throws { try await transport.shutdown() }

    /// The manifest for this host's platform and its config, from the tag's (or digest's) registry,
    /// retried per the settings' policy. Errors read `failed to resolve reference "<ref>": …`.
    public func resolve(_ reference: ImageReference) async throws -> RemoteImage {
        do {
            return try await withRetries("resolve", reference.normalized) { try await self.resolveOnce(reference) }
        } catch let error as RegistryError {
            if case .failedToResolve = error { throw error }
            throw RegistryError.failedToResolve(reference: reference.normalized, error)
        }
    }

    /// Downloads one layer (or any blob) of `image` into `path`, verified against the descriptor's digest
    /// and size. A prefix already in `path` (an interrupted earlier attempt) is continued with a Range
    /// request. `progress(bytesSoFar)` is called as bytes arrive. On failure `path` may hold a prefix.
    public func download(
        layer: Descriptor, of image: RemoteImage, to path: String, progress: @escaping @Sendable (Int64) -> Void
    ) async throws {
        try await withRetries("download", layer.digest) {
            try await self.downloadOnce(layer: layer, of: image, to: path, progress: progress)
        }
    }

    /// `docker login`: checks the credentials against `https://<registry>/v2/`, following its challenge.
    /// Throws `RegistryError.unauthorized` if the registry refuses them.
    public func login(registry: String, username: String, password: String) async throws {
        let registry = registry == "index.docker.io" ? ImageReference.defaultDomain : registry
        let endpoint = RegistryEndpoint(
            location: registry, insecure: conf.entry(for: registry)?.insecure ?? false)
        let credential = RegistryCredential(username: username, password: password)
        let answer = try await sendFollowingRedirects(
            "GET", "/v2/", to: endpoint, access: .login(credential), headers: HeaderFields())
        let (response, url) = (answer.response, answer.onRegistry ? answer.url : answer.url.redactingQuery)
        response.body.discard()
        guard response.status == 200 else { throw await statusError("GET", url.description, response) }
        logger.info("login succeeded", metadata: ["registry": "\(registry)", "username": "\(username)"])
    }

    /// Runs `body` up to `settings.retry.attempts` times while it fails with a retryable error.
    func withRetries<T>(_ operation: String, _ subject: String, _ body: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await body()
            } catch let error as RegistryError where error.isRetryable && attempt < settings.retry.attempts {
                attempt += 1
                let delay = settings.retry.delay(beforeAttempt: attempt, random: random())
                logger.warning(
                    "retrying registry request",
                    metadata: [
                        "operation": "\(operation)", "subject": "\(subject)", "attempt": "\(attempt)",
                        "delay": "\(delay)", "error": "\(error)",
                    ])
                await sleep(delay)
                try Task.checkCancellation()
            }
        }
    }

    /// https, or http for an insecure registry found to speak plain HTTP.
    func scheme(for endpoint: RegistryEndpoint) -> String {
        guard endpoint.insecure else { return "https" }
        return plainHTTPRegistries.withLock { $0.contains(endpoint.serverAuthority) } ? "http" : "https"
    }

    func markPlainHTTP(_ endpoint: RegistryEndpoint) {
        _ = plainHTTPRegistries.withLock { $0.insert(endpoint.serverAuthority) }
    }
}
