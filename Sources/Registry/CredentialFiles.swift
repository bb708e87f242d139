/// Where credentials live and under which key, as Podman and Docker users expect (containers-auth.json(5),
/// docker/cli `config/configfile`). Pure: the environment in, paths and keys out.
enum CredentialFiles {
    /// Docker Hub's key in config.json and the server URL its credential helpers are asked about.
    static let dockerHubKey = "https://index.docker.io/v1/"

    /// The files to read, in order: REGISTRY_AUTH_FILE; $XDG_RUNTIME_DIR/containers/auth.json; Docker's
    /// config.json ($DOCKER_CONFIG or ~/.docker). The first that has an entry for the registry wins.
    static func searchPaths(environment: [String: String]) -> [String] {
        var paths: [String] = []
        if let path = nonEmpty(environment["REGISTRY_AUTH_FILE"]) { paths.append(path) }
        if let runtime = nonEmpty(environment["XDG_RUNTIME_DIR"]) { paths.append(runtime + "/containers/auth.json") }
        if let docker = dockerConfigPath(environment: environment) { paths.append(docker) }
        return paths
    }

    /// Where `login` writes: REGISTRY_AUTH_FILE if set (as `podman login` does), else Docker's config.json.
    static func storePath(environment: [String: String]) -> String? {
        nonEmpty(environment["REGISTRY_AUTH_FILE"]) ?? dockerConfigPath(environment: environment)
    }

    static func dockerConfigPath(environment: [String: String]) -> String? {
        if let directory = nonEmpty(environment["DOCKER_CONFIG"]) { return directory + "/config.json" }
        if let home = nonEmpty(environment["HOME"]) { return home + "/.docker/config.json" }
        return nil
    }

    /// The key `docker login` writes for `registry`.
    static func storeKey(for registry: String) -> String {
        isDockerHub(registry) ? dockerHubKey : registry
    }

    /// Whether an `auths` key names `registry`: keys may carry a scheme and a path ("https://host/v1/"),
    /// as old Docker versions wrote them; Docker Hub goes by several names.
    static func key(_ key: String, names registry: String) -> Bool {
        let host = hostPart(of: key)
        if isDockerHub(registry) { return isDockerHub(host) }
        return host == registry.lowercased()
    }

    static func isDockerHub(_ registry: String) -> Bool {
        ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(hostPart(of: registry))
    }

    private static func hostPart(of key: String) -> String {
        var text = Substring(key.lowercased())
        if let scheme = text.range(of: "://") { text = text[scheme.upperBound...] }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        return String(text)
    }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }
}
