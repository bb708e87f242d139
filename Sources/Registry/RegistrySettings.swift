/// Where the registry client takes its configuration from. `standard(environment:)` is what Docker and
/// Podman users expect; tests point every path somewhere of their own.
public struct RegistrySettings: Sendable {
    public static let defaultRegistriesConfPath = "/etc/containers/registries.conf"
    public static let defaultCertsDirectories = ["/etc/containers/certs.d", "/etc/docker/certs.d"]
    /// Docker's and containerd's limit; a manifest is a few KiB, so anything near this is not one.
    public static let defaultMaximumManifestBytes = 4 << 20

    /// nil: `$CONTAINERS_REGISTRIES_CONF`, else /etc/containers/registries.conf. An absent file is no configuration.
    public var registriesConfPath: String?
    /// `<dir>/<host[:port]>/*.crt` are trusted, beside the system roots, for that registry.
    public var certsDirectories: [String]
    /// HOME, REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, DOCKER_CONFIG for auth files; PATH for docker-credential-*.
    public var environment: [String: String]
    public var retry: RetryPolicy
    public var maximumManifestBytes: Int

    public init(
        registriesConfPath: String? = nil, certsDirectories: [String] = RegistrySettings.defaultCertsDirectories,
        environment: [String: String], retry: RetryPolicy = .ecsAgent,
        maximumManifestBytes: Int = RegistrySettings.defaultMaximumManifestBytes
    ) {
        self.registriesConfPath = registriesConfPath
        self.certsDirectories = certsDirectories
        self.environment = environment
        self.retry = retry
        self.maximumManifestBytes = maximumManifestBytes
    }

    public static func standard(environment: [String: String]) -> RegistrySettings {
        RegistrySettings(environment: environment)
    }

    /// The registries.conf this configuration reads.
    var effectiveRegistriesConfPath: String {
        if let registriesConfPath { return registriesConfPath }
        if let path = environment["CONTAINERS_REGISTRIES_CONF"], !path.isEmpty { return path }
        return RegistrySettings.defaultRegistriesConfPath
    }
}
