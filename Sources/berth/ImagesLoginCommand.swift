import ArgumentParser
import Foundation
import Images
import Registry

extension ImagesCommand {
    struct Login: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Log in to a registry, like `docker login`: checks the credentials, then stores them.",
            discussion: """
                Credentials go where `docker login` puts them: REGISTRY_AUTH_FILE if set, else \
                $DOCKER_CONFIG/config.json or ~/.docker/config.json (through its credsStore or credHelpers \
                when it names one). berthd reads the files of the user it runs as. For ECR: \
                aws ecr get-login-password | berth images login --username AWS --password-stdin ACCOUNT.dkr.ecr.REGION.amazonaws.com
                """
        )

        @Argument(help: "The registry host[:port] (default Docker Hub).")
        var registry: String = "docker.io"

        @Option(name: .shortAndLong, help: "The user name.")
        var username: String?

        @Option(name: .shortAndLong, help: "The password (visible to other processes; prefer --password-stdin).")
        var password: String?

        @Flag(help: "Read the password from standard input.")
        var passwordStdin = false

        @Option(help: "registries.conf (for insecure registries).")
        var registriesConf: String?

        @Option(help: "A certs.d directory; repeatable.")
        var registryCertsDir: [String] = []

        func validate() throws {
            if password != nil, passwordStdin { throw ValidationError("--password and --password-stdin are exclusive") }
            if passwordStdin, username == nil { throw ValidationError("--password-stdin needs --username") }
        }

        func run() throws {
            let user = try username ?? prompt("Username: ")
            var secret: String
            if passwordStdin {
                let data = FileHandle.standardInput.readDataToEndOfFile()
                secret = String(decoding: data, as: UTF8.self)
                while secret.hasSuffix("\n") || secret.hasSuffix("\r") { secret.removeLast() }
            } else if let password {
                secret = password
            } else {
                guard let typed = getpass("Password: ") else { throw ValidationError("no password given") }
                secret = String(cString: typed)
            }
            guard !user.isEmpty, !secret.isEmpty else {
                throw ValidationError("the user name and password must not be empty")
            }
            let host = try RegistryHostName.normalize(registry)
            let password = secret
            let credential = RegistryCredential(username: user, password: password)
            let client = try ImageBackend.localClient(
                registriesConf: registriesConf, certsDirectories: registryCertsDir)
            do {
                try waitFor {
                    defer { Task { try? await client.shutdown() } }
                    try await client.login(registry: host, username: user, password: password)
                }
            } catch {
                printError("login to \(host) failed: \(error)")
                throw ExitCode.failure
            }
            let place = try RegistryCredentials(environment: ProcessInfo.processInfo.environment)
                .store(registry: host, credential)
            print("Login Succeeded (credentials stored in \(place))")
        }

        private func prompt(_ text: String) throws -> String {
            FileHandle.standardError.write(Data(text.utf8))
            guard let line = readLine(), !line.isEmpty else { throw ValidationError("no user name given") }
            return line
        }
    }

    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logout", abstract: "Remove a registry's stored credentials, like `docker logout`.")

        @Argument(help: "The registry host[:port] (default Docker Hub).")
        var registry: String = "docker.io"

        func run() throws {
            let host = try RegistryHostName.normalize(registry)
            if try RegistryCredentials(environment: ProcessInfo.processInfo.environment).erase(registry: host) {
                print("Removing login credentials for \(host)")
            } else {
                print("Not logged in to \(host)")
            }
        }
    }
}

/// `docker login`'s registry argument: a host[:port], with or without a scheme or path; Docker Hub's names
/// all mean docker.io.
enum RegistryHostName {
    static func normalize(_ text: String) throws -> String {
        var host = Substring(text)
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host = host.dropFirst(scheme.count) }
        if let slash = host.firstIndex(of: "/") { host = host[..<slash] }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "@" }) else {
            throw ValidationError("\"\(text)\" is not a registry host[:port]")
        }
        let lower = host.lowercased()
        if ["docker.io", "index.docker.io", "registry-1.docker.io"].contains(lower) { return "docker.io" }
        return String(host)
    }
}
