import Foundation
import Logging
import Synchronization

/// What a registry asked for, remembered per registry so later requests carry credentials up front
/// instead of collecting a 401 each, and the tokens it issued, per (realm, service, scopes) until expiry.
final class RegistryAuthorizer: Sendable {
    private struct State {
        var challenges: [String: AuthChallenge] = [:]
        var tokens: [TokenKey: BearerToken] = [:]
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Double

    init(clock: @escaping @Sendable () -> Double) { self.clock = clock }

    func challenge(for authority: String) -> AuthChallenge? {
        state.withLock { $0.challenges[authority] }
    }

    func remember(_ challenge: AuthChallenge, for authority: String) {
        state.withLock { $0.challenges[authority] = challenge }
    }

    func cachedToken(_ key: TokenKey) -> String? {
        let now = clock()
        return state.withLock { state in
            guard let token = state.tokens[key] else { return nil }
            guard token.expiresAt > now else {
                state.tokens.removeValue(forKey: key)
                return nil
            }
            return token.token
        }
    }

    func store(_ token: BearerToken, for key: TokenKey) {
        state.withLock { $0.tokens[key] = token }
    }

    func forget(_ key: TokenKey) {
        _ = state.withLock { $0.tokens.removeValue(forKey: key) }
    }

    var now: Double { clock() }
}
