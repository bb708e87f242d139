import Foundation

/// A token from a Bearer realm (the distribution token spec): `access_token` is preferred over `token`
/// (OAuth2 clients get the former, old clients the latter, and some servers send both), and it lives
/// `expires_in` seconds, 60 when missing or smaller (the spec's minimum).
struct BearerToken: Sendable, Equatable {
    static let minimumLifetime: Double = 60

    var token: String
    /// Seconds since the epoch after which the token must not be reused.
    var expiresAt: Double

    /// Nil if the answer holds no token. `now` is when the request was sent, so clock skew against
    /// `issued_at` cannot extend a token's life.
    static func parse(_ body: [UInt8], now: Double) -> BearerToken? {
        struct Answer: Decodable {
            var token: String?
            var accessToken: String?
            var expiresIn: Double?

            enum CodingKeys: String, CodingKey {
                case token
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)) else { return nil }
        guard let token = [answer.accessToken, answer.token].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            return nil
        }
        let lifetime = max(answer.expiresIn ?? minimumLifetime, minimumLifetime)
        return BearerToken(token: token, expiresAt: now + lifetime)
    }
}

/// What a token is good for: one realm, service and set of scopes.
struct TokenKey: Sendable, Hashable {
    var realm: String
    var service: String
    var scopes: [String]
}

/// The scopes to ask for: ours (`repository:<repo>:pull`) and any the challenge names for that same
/// repository, once each. A challenge is remembered per registry, so the one at hand may have been issued
/// for another repository; its scopes would widen every token (and split the token cache) for this one.
enum TokenScopes {
    static func pull(repository: String, challenge: AuthChallenge) -> [String] {
        var scopes = ["repository:\(repository):pull"]
        for scope in (challenge.parameters["scope"] ?? "").split(separator: " ").map(String.init)
        where !scopes.contains(scope) && repositoryName(of: scope) == repository {
            scopes.append(scope)
        }
        return scopes
    }

    /// "team/app" for "repository:team/app:pull,push" (a name may hold ":" only before a port, so the
    /// actions start after the last one); nil for other resource types.
    static func repositoryName(of scope: String) -> String? {
        let prefix = "repository:"
        guard scope.hasPrefix(prefix), let actions = scope.lastIndex(of: ":") else { return nil }
        let start = scope.index(scope.startIndex, offsetBy: prefix.count)
        guard actions >= start else { return nil }
        return String(scope[start..<actions])
    }

    /// `realm?service=…&scope=…&scope=…`: one scope parameter per scope, as the token spec requires.
    static func tokenURL(realm: String, service: String?, scopes: [String]) -> String {
        var query: [String] = []
        if let service, !service.isEmpty { query.append("service=" + percentEncoded(service)) }
        query += scopes.map { "scope=" + percentEncoded($0) }
        guard !query.isEmpty else { return realm }
        return realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
    }

    /// The form body of the OAuth2 refresh-token exchange for an identity token.
    static func refreshForm(token: String, service: String, scopes: [String]) -> String {
        var fields = [
            "grant_type=refresh_token", "refresh_token=" + formEncoded(token), "service=" + formEncoded(service),
            "client_id=berth",
        ]
        fields += scopes.map { "scope=" + formEncoded($0) }
        return fields.joined(separator: "&")
    }

    static func formEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
