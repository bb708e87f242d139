/// The Registry target: pulling images from OCI distribution registries. See docs/ARCHITECTURE.md.
///
/// The surface the rest of berth uses (the puller in Engine, the CLI, the tests):
///
/// - `RegistrySettings`: where configuration comes from (registries.conf, certs.d directories, the auth
///   files of the user the process runs as, the retry policy, limits). `RegistrySettings.standard(environment:)`
///   gives what Docker/Podman users expect.
/// - `RegistryClient`: `resolve(_:)` (HEAD then GET of the manifest, an index narrowed to this host's platform,
///   the config fetched and verified), `download(layer:of:to:progress:)` (a verified, resumable blob download into
///   a file), `login(registry:username:password:)` (checks credentials against the registry's /v2/).
/// - `RegistryCredentials`: reads credentials (REGISTRY_AUTH_FILE, containers' auth.json, Docker's
///   config.json with auths, credHelpers, credsStore) and writes them for `berth images login/logout`.
/// - `RegistryError`: every failure, described in containerd's words, so a task's stoppedReason reads
///   `CannotPullContainerError: <description>` as it does on Fargate.
public enum Registry {}
