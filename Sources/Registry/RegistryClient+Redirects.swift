import Logging

/// A registry API answer after its redirects were followed.
struct RedirectedResponse {
    var response: TransportResponse
    /// The URL that gave the answer.
    var url: RequestURL
    /// Whether that URL is the registry's own scheme, host and port (so it may show in errors unredacted).
    var onRegistry: Bool
}

extension RegistryClient {
    /// `send`, then its redirects (at most `RedirectRules.maximumRedirects`), for every API request: blob
    /// GETs are sent to object storage, and registry.k8s.io answers manifest requests and the /v2/ ping
    /// with a 307 to another registry. A hop to the registry's own scheme, host and port goes through `send`
    /// again (with its Authorization and challenge handling); any other target is asked without
    /// credentials, as the distribution spec requires.
    func sendFollowingRedirects(
        _ method: String, _ pathAndQuery: String, to endpoint: RegistryEndpoint, access: RegistryAccess,
        headers: HeaderFields
    ) async throws -> RedirectedResponse {
        var (response, url) = try await send(method, pathAndQuery, to: endpoint, access: access, headers: headers)
        let registryURL = url
        var onRegistry = true
        var hops = 0
        while RedirectRules.followedStatuses.contains(response.status) {
            response.body.discard()
            hops += 1
            guard hops <= RedirectRules.maximumRedirects else {
                throw RegistryError.tooManyRedirects(url: registryURL.description)
            }
            guard let location = response.headers["Location"], let target = url.resolving(location: location) else {
                throw RegistryError.invalidResponse(
                    url: (onRegistry ? url : url.redactingQuery).description,
                    reason: "redirect without a usable Location")
            }
            logger.debug(
                "following registry redirect",
                metadata: [
                    "method": "\(method)", "from": "\(url.redactingQuery)", "to": "\(target.redactingQuery)",
                    "status": "\(response.status)",
                ])
            if RedirectRules.mayForwardAuthorization(from: registryURL, to: target) {
                (response, url) = try await send(
                    method, target.pathAndQuery, to: endpoint, access: access, headers: headers)
                onRegistry = true
            } else {
                response = try await sendPlain(method, target, headers: headers)
                url = target
                onRegistry = false
            }
        }
        return RedirectedResponse(response: response, url: url, onRegistry: onRegistry)
    }
}
