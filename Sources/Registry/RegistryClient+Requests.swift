import Foundation
import Logging
import NIOSSL

/// What a request is for, which decides the credentials and token scopes it carries.
enum RegistryAccess: Sendable {
    /// Pulling from a repository, with the stored credentials for the registry (if any).
    case pull(repository: String)
    /// `login`: the credentials being checked, never cached.
    case login(RegistryCredential)
}

extension RegistryClient {
    /// Sends to a registry's API, answering its challenge: a 401 teaches the challenge, a fresh token (or the
    /// Basic credentials) is fetched and the request sent again once; a 401 to fresh credentials is final.
    /// An insecure registry whose TLS fails is asked again over plain HTTP.
    func send(
        _ method: String, _ pathAndQuery: String, to endpoint: RegistryEndpoint, access: RegistryAccess,
        headers: HeaderFields
    ) async throws -> (TransportResponse, RequestURL) {
        var fresh = false
        while true {
            let url = registryURL(endpoint, pathAndQuery)
            let authorization = try await authorization(for: endpoint, access: access, fresh: fresh)
            var request = headers
            if let header = authorization.header { request.add("Authorization", header) }
            let response: TransportResponse
            do {
                response = try await transport.send(
                    TransportRequest(method: method, url: url, headers: request, tls: tlsConfiguration(endpoint)))
            } catch let error where error.kind == .tls && endpoint.insecure && url.scheme == "https" {
                logger.debug(
                    "insecure registry refused TLS; using plain HTTP",
                    metadata: ["registry": "\(endpoint.registry)", "error": "\(error.reason)"])
                markPlainHTTP(endpoint)
                continue
            } catch {
                throw requestError(error, method: method, url: url, registry: endpoint.registry)
            }
            guard response.status == 401 else { return (response, url) }
            let challenges = AuthChallenge.parse(response.headers.values("WWW-Authenticate"))
            let serverMessage = await errorMessage(of: response, method: method)
            guard !fresh, !authorization.isFresh, let challenge = preferredChallenge(challenges) else {
                throw RegistryError.unauthorized(method: method, url: url.description, serverMessage: serverMessage)
            }
            authorizer.remember(challenge, for: endpoint.serverAuthority)
            fresh = true
        }
    }

    /// Sends to a URL outside the registry's API (a redirect target, a foreign layer's URL): no credentials.
    func sendPlain(_ method: String, _ url: RequestURL, headers: HeaderFields, body: [UInt8]? = nil) async throws
        -> TransportResponse
    {
        let tls = certificates.tlsConfiguration(for: url.authority, insecure: false)
        do {
            return try await transport.send(
                TransportRequest(method: method, url: url, headers: headers, tls: tls, body: body))
        } catch {
            throw requestError(error, method: method, url: url.redactingQuery, registry: url.authority)
        }
    }

    func registryURL(_ endpoint: RegistryEndpoint, _ pathAndQuery: String) -> RequestURL {
        let scheme = scheme(for: endpoint)
        // serverAuthority was validated as a host[:port] when the reference was parsed.
        return RequestURL.parse("\(scheme)://\(endpoint.serverAuthority)\(pathAndQuery)")
            ?? RequestURL(scheme: scheme, host: endpoint.serverAuthority, pathAndQuery: pathAndQuery)
    }

    func tlsConfiguration(_ endpoint: RegistryEndpoint) -> TLSConfiguration {
        certificates.tlsConfiguration(for: endpoint.registry, insecure: endpoint.insecure)
    }

    func requestError(_ error: TransportError, method: String, url: RequestURL, registry: String) -> RegistryError {
        if error.kind == .tls {
            return .tls(host: registry, method: method, url: url.description, reason: error.reason)
        }
        return .transport(method: method, url: url.description, reason: error.reason)
    }

    /// The error for a status the caller did not expect: 429 as Docker Hub's rate limit, the rest with the
    /// registry's JSON error text when it sent one.
    func statusError(_ method: String, _ url: String, _ response: TransportResponse) async -> RegistryError {
        let body = await errorBody(of: response, method: method)
        if response.status == 429 {
            let entry = RegistryErrorBody.entries(body).first { $0.code.uppercased() == "TOOMANYREQUESTS" }
            return .tooManyRequests(message: entry?.message ?? "Too Many Requests.")
        }
        return .unexpectedStatus(
            method: method, url: url, status: response.status, reason: response.reason,
            serverMessage: RegistryErrorBody.message(body))
    }

    func errorMessage(of response: TransportResponse, method: String) async -> String? {
        RegistryErrorBody.message(await errorBody(of: response, method: method))
    }

    private func errorBody(of response: TransportResponse, method: String) async -> [UInt8] {
        guard method != "HEAD" else { return [] }
        // An error body that breaks off or is huge only loses the server's message, not the status.
        let body = (try? await response.body.collect(upTo: RegistryErrorBody.limit)) ?? nil
        return body ?? []
    }

    private func preferredChallenge(_ challenges: [AuthChallenge]) -> AuthChallenge? {
        challenges.first { $0.scheme == "bearer" && $0.realm != nil } ?? challenges.first { $0.scheme == "basic" }
    }

    /// The Authorization header for the registry's known challenge; `isFresh` when it was just obtained,
    /// so a 401 to it means the credentials (or their lack) are refused.
    private func authorization(
        for endpoint: RegistryEndpoint, access: RegistryAccess, fresh: Bool
    ) async throws -> (header: String?, isFresh: Bool) {
        guard let challenge = authorizer.challenge(for: endpoint.serverAuthority) else { return (nil, false) }
        switch challenge.scheme {
        case "basic":
            let credential = try await credential(for: endpoint, access: access)
            return (credential.map { "Basic " + $0.basicAuthorization }, true)
        case "bearer":
            guard let realm = challenge.realm else { return (nil, true) }
            let scopes: [String]
            switch access {
            case .pull(let repository): scopes = TokenScopes.pull(repository: repository, challenge: challenge)
            case .login: scopes = challenge.parameters["scope"].map { [$0] } ?? []
            }
            let key = TokenKey(realm: realm, service: challenge.parameters["service"] ?? "", scopes: scopes)
            if case .pull = access, !fresh, let token = authorizer.cachedToken(key) {
                return ("Bearer " + token, false)
            }
            let credential = try await credential(for: endpoint, access: access)
            let token = try await fetchToken(key, credential: credential, endpoint: endpoint)
            if case .pull = access { authorizer.store(token, for: key) }
            return ("Bearer " + token.token, true)
        default:
            return (nil, true)
        }
    }

    /// The credentials a request carries: the registry's stored ones (looked up once a minute at most), or
    /// those `login` is checking.
    private func credential(for endpoint: RegistryEndpoint, access: RegistryAccess) async throws
        -> RegistryCredential?
    {
        switch access {
        case .pull: return try await storedCredentials.credential(for: endpoint.registry)
        case .login(let given): return given
        }
    }

    /// GET realm?service=…&scope=…, with Basic credentials when there are any, anonymous otherwise.
    /// Credentials go to a plain-HTTP realm only for a registry that is itself insecure: the realm is the
    /// registry's say, and anyone on the path would read them there.
    private func fetchToken(_ key: TokenKey, credential: RegistryCredential?, endpoint: RegistryEndpoint)
        async throws -> BearerToken
    {
        let registry = endpoint.registry
        let text = TokenScopes.tokenURL(realm: key.realm, service: key.service, scopes: key.scopes)
        guard let url = RequestURL.parse(text) else {
            throw RegistryError.invalidResponse(
                url: registry, reason: "token realm \"\(key.realm)\" is not an http(s) URL")
        }
        // Loopback is exempt: what goes to 127.0.0.0/8 or ::1 never leaves this machine to be read on the way.
        if credential != nil, url.scheme == "http", !endpoint.insecure, !Self.isLoopbackHost(url.host) {
            throw RegistryError.invalidResponse(
                url: url.redactingQuery.description,
                reason:
                    "the token realm is plain HTTP, so credentials for \(registry) would be sent unencrypted; refused"
                    + " (mark the registry insecure in registries.conf to allow it)")
        }
        var headers = HeaderFields()
        var method = "GET"
        var requestURL = url
        var body: [UInt8]?
        if let credential, credential.username == RegistryCredential.identityTokenUsername {
            // An identity token (an OAuth2 refresh token) is exchanged by POSTing it to the realm, as the
            // distribution token spec's OAuth2 flow and containerd do; it never goes into a URL.
            method = "POST"
            requestURL = RequestURL.parse(key.realm) ?? url
            headers.add("Content-Type", "application/x-www-form-urlencoded")
            body = Array(
                TokenScopes.refreshForm(token: credential.password, service: key.service, scopes: key.scopes).utf8)
        } else if let credential {
            headers.add("Authorization", "Basic " + credential.basicAuthorization)
        }
        let sentAt = authorizer.now
        let response = try await sendPlain(method, requestURL, headers: headers, body: body)
        guard response.status == 200 else {
            if response.status == 401 {
                let message = await errorMessage(of: response, method: method)
                throw RegistryError.unauthorized(method: method, url: requestURL.description, serverMessage: message)
            }
            throw await statusError(method, requestURL.description, response)
        }
        guard let body = try? await response.body.collect(upTo: 1 << 20),
            let token = BearerToken.parse(body, now: sentAt)
        else {
            throw RegistryError.invalidResponse(
                url: url.redactingQuery.description, reason: "the answer holds no token")
        }
        logger.debug("obtained registry token", metadata: ["realm": "\(key.realm)", "scopes": "\(key.scopes)"])
        return token
    }
}

/// Runs blocking work (a credential helper: posix_spawn, then waitpid) on a thread of its own, so it does not
/// hold one of the few threads Swift concurrency runs every task on.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

extension RequestURL {
    /// Without the query: presigned redirect URLs carry signatures there, which are credentials.
    var redactingQuery: RequestURL {
        var copy = self
        if let question = pathAndQuery.firstIndex(of: "?") { copy.pathAndQuery = String(pathAndQuery[..<question]) }
        return copy
    }
}

extension RegistryClient {
    /// A literal loopback address or "localhost" (not a name that merely starts with "127.").
    static func isLoopbackHost(_ host: String) -> Bool {
        var bare = host
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = String(bare.dropFirst().dropLast()) }
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
