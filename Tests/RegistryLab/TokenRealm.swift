import Crypto
import Foundation
import NIOCore
import NIOHTTP1

/// What the token realm was asked, one value per request, in order.
public struct TokenRequest: Sendable, Equatable {
    /// Each `scope` parameter as sent, e.g. `repository:r/plain:pull`.
    public var scopes: [String]
    public var service: String?
    /// Whether the request carried Basic credentials (right or wrong).
    public var hadCredentials: Bool
    /// The HTTP status the realm answered: 200, or 401 for wrong credentials.
    public var status: Int
}

/// Docker's token endpoint (the `realm` of a `Bearer` challenge), served over plain HTTP on 127.0.0.1.
///
/// The lab user's Basic credentials get a token granting the pull and push actions they asked for;
/// wrong credentials get 401; no credentials get an anonymous token that grants nothing, so the registry
/// refuses every repository to it (all lab repositories are private).
///
/// The token is a JWT signed ES256 by the lab's token-signing key; its header names the signing
/// certificate in `x5c`, and the registry trusts that certificate through `rootcertbundle`.
final class TokenRealm: Sendable {
    static let issuer = "berth-registry-lab"

    let service: String
    let username: String
    let password: String
    let lifetime: Int
    private let log = LabLog<TokenRequest>()
    private let server: LabHTTPServer

    init(service: String, username: String, password: String, lifetime: Int, certificates: LabCertificates) throws {
        self.service = service
        self.username = username
        self.password = password
        self.lifetime = lifetime
        let pem = try String(contentsOfFile: certificates.tokenSigningKey, encoding: .utf8)
        let key: P256.Signing.PrivateKey
        do { key = try P256.Signing.PrivateKey(pemRepresentation: pem) } catch {
            throw RegistryLabError(step: "token signing key \(certificates.tokenSigningKey)", detail: "\(error)")
        }
        let context = RealmContext(
            service: service, username: username, password: password, lifetime: lifetime,
            key: key.rawRepresentation,
            certificateDER: try LabCertificates.der(ofPEMCertificate: certificates.tokenSigningCertificate), log: log)
        server = try LabHTTPServer.start(host: "127.0.0.1") { context.respond(to: $0) }
    }

    var realm: String { "\(server.baseURL)/token" }
    var requests: [TokenRequest] { log.entries }

    func stop() { server.stop() }
}

/// The realm's state the event loop reads: immutable but for the request log.
private struct RealmContext: Sendable {
    let service: String
    let username: String
    let password: String
    let lifetime: Int
    /// The signing key's raw scalar (swift-crypto's key type is not Sendable).
    let key: Data
    let certificateDER: Data
    let log: LabLog<TokenRequest>

    func respond(to request: LabHTTPRequest) -> LabHTTPResponse {
        let query = URLComponents(string: request.uri)?.queryItems ?? []
        let scopes = query.filter { $0.name == "scope" }.compactMap(\.value).filter { !$0.isEmpty }
        let requestedService = query.first { $0.name == "service" }?.value
        let credentials = Self.basicCredentials(request.headers)
        var entry = TokenRequest(
            scopes: scopes, service: requestedService, hadCredentials: credentials != nil, status: 200)
        defer { log.append(entry) }
        var subject = ""
        if let credentials {
            guard credentials == (username, password) else {
                entry.status = 401
                var headers = HTTPHeaders()
                headers.add(name: "content-type", value: "application/json")
                headers.add(name: "www-authenticate", value: #"Basic realm="berth registry lab""#)
                return LabHTTPResponse(
                    status: .unauthorized, headers: headers,
                    body: #"{"errors":[{"code":"UNAUTHORIZED","message":"wrong username or password"}]}"#)
            }
            subject = username
        }
        let now = Date()
        let token = signedToken(subject: subject, access: subject.isEmpty ? [] : Self.access(for: scopes), now: now)
        let issuedAt = ISO8601DateFormatter().string(from: now)
        let body: [String: Any] = [
            "token": token, "access_token": token, "expires_in": lifetime, "issued_at": issuedAt,
        ]
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return LabHTTPResponse(status: .ok, headers: headers, body: String(decoding: data, as: UTF8.self))
    }

    /// `repository:NAME:ACTIONS` scopes, granted as asked but only pull and push. Other scope types
    /// (`registry:catalog:*`) get nothing.
    static func access(for scopes: [String]) -> [[String: Any]] {
        scopes.compactMap { scope in
            let parts = scope.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count >= 3, parts[0] == "repository" else { return nil }
            let name = parts[1..<(parts.count - 1)].joined(separator: ":")
            let actions = parts[parts.count - 1].split(separator: ",").map(String.init)
                .filter { $0 == "pull" || $0 == "push" }
            return ["type": "repository", "name": name, "actions": actions]
        }
    }

    static func basicCredentials(_ headers: HTTPHeaders) -> (String, String)? {
        guard let value = headers.first(name: "authorization"), value.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(value.dropFirst(6)).trimmingCharacters(in: .whitespaces))
        else { return nil }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// A JWS in compact form. distribution 2.8 wants `aud` as one string and checks `nbf`/`exp` with a
    /// minute of leeway; the signature is ES256's raw r‖s, 64 bytes.
    func signedToken(subject: String, access: [[String: Any]], now: Date) -> String {
        let seconds = Int(now.timeIntervalSince1970)
        let header: [String: Any] = [
            "typ": "JWT", "alg": "ES256", "x5c": [certificateDER.base64EncodedString()],
        ]
        let claims: [String: Any] = [
            "iss": TokenRealm.issuer, "sub": subject, "aud": service, "exp": seconds + lifetime,
            "nbf": seconds - 1, "iat": seconds, "jti": UUID().uuidString, "access": access,
        ]
        let signingInput = "\(Self.base64URL(json: header)).\(Self.base64URL(json: claims))"
        // Signing a valid key cannot fail but for allocation; a token that verifies nowhere would show it.
        let signature =
            (try? P256.Signing.PrivateKey(rawRepresentation: key).signature(for: Data(signingInput.utf8))
                .rawRepresentation) ?? Data()
        return "\(signingInput).\(Self.base64URL(signature))"
    }

    static func base64URL(json: [String: Any]) -> String {
        base64URL((try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data())
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// An append-only, lock-guarded log the servers write from their event loops and tests read.
final class LabLog<Entry: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Entry] = []

    func append(_ entry: Entry) { lock.withLock { storage.append(entry) } }
    var entries: [Entry] { lock.withLock { storage } }
}
