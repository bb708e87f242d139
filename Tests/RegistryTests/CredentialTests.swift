import Foundation
import Testing

@testable import Registry

@Suite struct CredentialFilesTests {
    @Test func searchOrderIsAuthFileThenRuntimeAuthThenDockerConfig() {
        let all = [
            "REGISTRY_AUTH_FILE": "/a.json", "XDG_RUNTIME_DIR": "/run/user/1", "DOCKER_CONFIG": "/d", "HOME": "/h",
        ]
        #expect(
            CredentialFiles.searchPaths(environment: all) == [
                "/a.json", "/run/user/1/containers/auth.json", "/d/config.json",
            ])
        #expect(CredentialFiles.searchPaths(environment: ["HOME": "/h"]) == ["/h/.docker/config.json"])
        #expect(CredentialFiles.storePath(environment: all) == "/a.json")
        #expect(CredentialFiles.storePath(environment: ["HOME": "/h"]) == "/h/.docker/config.json")
    }

    @Test(arguments: [
        ("https://index.docker.io/v1/", "docker.io", true), ("docker.io", "docker.io", true),
        ("index.docker.io", "docker.io", true), ("registry-1.docker.io", "docker.io", true),
        ("https://localhost:5000", "localhost:5000", true), ("localhost:5000", "localhost:5000", true),
        ("localhost:5001", "localhost:5000", false), ("https://index.docker.io/v1/", "quay.io", false),
    ])
    func authKeysNameRegistriesWithOrWithoutSchemeAndDockerHubsAliases(key: String, registry: String, matches: Bool) {
        #expect(CredentialFiles.key(key, names: registry) == matches)
    }

    @Test func dockerHubIsStoredUnderTheV1Key() {
        #expect(CredentialFiles.storeKey(for: "docker.io") == "https://index.docker.io/v1/")
        #expect(CredentialFiles.storeKey(for: "localhost:5000") == "localhost:5000")
    }
}

@Suite struct RegistryCredentialsTests {
    func write(_ json: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func lookupReadsDockerHubAuthAndPrefersTheEarlierFile() throws {
        let home = Fixture.temporaryDirectory()
        let auth = Data("hubuser:hubpass".utf8).base64EncodedString()
        try write(#"{"auths":{"https://index.docker.io/v1/":{"auth":"\#(auth)"}}}"#, to: home + "/.docker/config.json")
        let credentials = RegistryCredentials(environment: ["HOME": home])
        #expect(
            try credentials.lookup(registry: "docker.io")
                == RegistryCredential(username: "hubuser", password: "hubpass"))
        #expect(try credentials.lookup(registry: "quay.io") == nil)

        let other = Data("podman:secret".utf8).base64EncodedString()
        try write(#"{"auths":{"docker.io":{"auth":"\#(other)"}}}"#, to: home + "/auth.json")
        let withAuthFile = RegistryCredentials(environment: ["HOME": home, "REGISTRY_AUTH_FILE": home + "/auth.json"])
        #expect(try withAuthFile.lookup(registry: "docker.io")?.username == "podman")
    }

    @Test func storeWritesWhatDockerLoginWritesKeepingOtherKeys() throws {
        let home = Fixture.temporaryDirectory()
        let path = home + "/.docker/config.json"
        try write(#"{"auths":{"quay.io":{"auth":"eDp5"}},"psFormat":"table"}"#, to: path)
        let credentials = RegistryCredentials(environment: ["HOME": home])
        let written = try credentials.store(registry: "docker.io", RegistryCredential(username: "u", password: "p"))
        #expect(written == path)
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        #expect(json["psFormat"] as? String == "table")
        let auths = json["auths"] as! [String: [String: String]]
        #expect(auths["quay.io"]?["auth"] == "eDp5")
        #expect(auths["https://index.docker.io/v1/"]?["auth"] == Data("u:p".utf8).base64EncodedString())
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
        #expect(mode == 0o600)

        #expect(try credentials.erase(registry: "docker.io"))
        #expect(try credentials.lookup(registry: "docker.io") == nil)
        #expect(try !credentials.erase(registry: "docker.io"))
        #expect(try credentials.lookup(registry: "quay.io") == RegistryCredential(username: "x", password: "y"))
    }

    /// A docker-credential-* helper, run with posix_spawn: `get` answers for one server, stores append to a file.
    func installHelper(in directory: String) throws {
        let script = """
            #!/bin/sh
            input=$(cat)
            case "$1" in
            get)
              if [ "$input" = "helped.example" ]; then
                echo '{"ServerURL":"helped.example","Username":"helper-user","Secret":"helper-secret"}'
              else
                echo "credentials not found in native keychain"; exit 1
              fi ;;
            store) printf '%s' "$input" > "\(directory)/stored.json" ;;
            erase) printf '%s' "$input" > "\(directory)/erased.txt" ;;
            esac
            """
        let path = directory + "/docker-credential-fake"
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    @Test func credentialHelpersAreAskedThroughPosixSpawn() throws {
        let home = Fixture.temporaryDirectory()
        try installHelper(in: home)
        try write(#"{"credHelpers":{"helped.example":"fake"},"credsStore":"fake"}"#, to: home + "/.docker/config.json")
        let credentials = RegistryCredentials(environment: ["HOME": home, "PATH": home + ":/usr/bin:/bin"])
        #expect(
            try credentials.lookup(registry: "helped.example")
                == RegistryCredential(username: "helper-user", password: "helper-secret"))
        #expect(try credentials.lookup(registry: "elsewhere.example") == nil)

        let written = try credentials.store(
            registry: "elsewhere.example", RegistryCredential(username: "a", password: "b"))
        #expect(written == "docker-credential-fake")
        let stored = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: home + "/stored.json")))
        #expect(stored as? [String: String] == ["ServerURL": "elsewhere.example", "Username": "a", "Secret": "b"])
        #expect(try credentials.erase(registry: "docker.io"))
        #expect(try String(contentsOfFile: home + "/erased.txt", encoding: .utf8) == "https://index.docker.io/v1/")
    }

    @Test func helperSecretsPassThroughMemoryNeverATemporaryFile() throws {
        let home = Fixture.temporaryDirectory()
        let temporary = home + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        // The helper answers as the real ones do and notes what its stdin and stdout are.
        let script = """
            #!/bin/sh
            streams=$(readlink /proc/$$/fd/0 /proc/$$/fd/1)
            echo "$streams" >> "\(home)/streams"
            input=$(cat)
            case "$1" in
            get) echo '{"Username":"helper-user","Secret":"helper-secret"}' ;;
            store) printf '%s' "$input" > "\(home)/stored.json" ;;
            esac
            """
        try Data(script.utf8).write(to: URL(fileURLWithPath: home + "/docker-credential-memory"))
        try FileManager.default.setAttributes(
            [.posixPermissions: 0o755], ofItemAtPath: home + "/docker-credential-memory")
        try write(#"{"credsStore":"memory"}"#, to: home + "/.docker/config.json")
        let credentials = RegistryCredentials(
            environment: ["HOME": home, "PATH": home + ":/usr/bin:/bin", "TMPDIR": temporary])

        _ = try credentials.store(registry: "registry.example", RegistryCredential(username: "a", password: "b"))
        let stored = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: home + "/stored.json")))
        #expect(stored as? [String: String] == ["ServerURL": "registry.example", "Username": "a", "Secret": "b"])
        #expect(
            try credentials.lookup(registry: "registry.example")
                == RegistryCredential(username: "helper-user", password: "helper-secret"))

        let streams = try String(contentsOfFile: home + "/streams", encoding: .utf8).split(separator: "\n")
        #expect(streams.count == 4)
        for stream in streams { #expect(stream.hasPrefix("/memfd:berth-credential-"), "\(stream)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test func credentialDescriptionHidesThePassword() {
        #expect(!"\(RegistryCredential(username: "u", password: "hunter2"))".contains("hunter2"))
    }
}
