import Foundation
import Images
import Logging

/// A manifest (or index) as one registry served it, verified against its digest.
struct FetchedManifest {
    var bytes: [UInt8]
    var digest: Digest
    var contentType: String?
    var endpoint: RegistryEndpoint
}

/// The fields that tell the kind of a manifest document apart.
private struct ManifestProbe: Decodable {
    var schemaVersion: Int?
    var mediaType: String?
    var manifests: [AnyJSON]?
    var config: AnyJSON?

    /// Any value: only whether the key is there matters.
    struct AnyJSON: Decodable {
        init(from decoder: Decoder) throws {}
    }
}

/// The Accept list containerd sends, in its order. distribution answers a tag GET without the Docker v2
/// type with the ancient schema 1, and one without the OCI types with MANIFEST_UNKNOWN, so all go always.
let manifestAccept = [
    MediaType.dockerManifest, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.ociIndex, "*/*",
].joined(separator: ", ")

extension RegistryClient {
    func resolveOnce(_ reference: ImageReference) async throws -> RemoteImage {
        let route = try conf.route(for: reference)
        let name = reference.normalized
        let top: FetchedManifest
        if let digestText = reference.digest {
            guard let digest = Digest(digestText) else {
                throw RegistryError.invalidManifest(reference: name, reason: "only sha256 digests are supported")
            }
            top = try await fetchManifest(digest: digest, from: route.forDigests, name: name)
        } else {
            top = try await resolveTag(reference.tag ?? ImageReference.defaultTag, route: route, name: name)
        }

        var platformManifest = top
        var kind = try manifestKind(top, name: name)
        if case .index(let index) = kind {
            guard let entry = platform.select(from: index.manifests) else {
                throw RegistryError.noMatchingPlatform(platform: platform.name)
            }
            guard let digest = Digest(entry.digest) else {
                throw RegistryError.invalidManifest(
                    reference: name, reason: "index entry digest \"\(entry.digest)\" is not sha256")
            }
            platformManifest = try await fetchManifest(digest: digest, from: route.forDigests, name: name)
            kind = try manifestKind(platformManifest, name: name)
        }
        guard case .manifest(let manifest, let mediaType) = kind else {
            throw RegistryError.invalidManifest(reference: name, reason: "an index entry is itself an index")
        }
        let config = try await fetchConfig(manifest.config, route: route, name: name)
        logger.debug(
            "resolved image",
            metadata: [
                "reference": "\(name)", "digest": "\(top.digest)", "manifest": "\(platformManifest.digest)",
                "registry": "\(platformManifest.endpoint.registry)",
            ])
        return RemoteImage(
            reference: reference, registry: platformManifest.endpoint.registry, digest: top.digest,
            manifestDigest: platformManifest.digest, manifestMediaType: mediaType,
            manifestBytes: platformManifest.bytes, manifest: manifest, configBytes: config)
    }

    /// HEAD on the primary (Docker Hub does not count it against the rate limit); its digest and length are
    /// trusted and the manifest is then fetched by digest. Without them the tag is fetched and hashed.
    /// The tag on each endpoint `route.forTags` names, in order (the primary alone unless registries.conf
    /// lets mirrors answer tags).
    private func resolveTag(_ tag: String, route: RegistryRoute, name: String) async throws -> FetchedManifest {
        let endpoints = route.forTags
        var lastError: Error = RegistryError.notFound(reference: name)
        for endpoint in endpoints {
            do {
                return try await resolveTag(tag, on: endpoint, route: route, name: name)
            } catch let error as RegistryError where endpoint != endpoints.last {
                logger.info(
                    "mirror failed; trying the next", metadata: ["mirror": "\(endpoint.registry)", "error": "\(error)"])
                lastError = error
            }
        }
        throw lastError
    }

    private func resolveTag(_ tag: String, on endpoint: RegistryEndpoint, route: RegistryRoute, name: String)
        async throws -> FetchedManifest
    {
        let path = "/v2/\(endpoint.repository)/manifests/\(tag)"
        let answer = try await sendFollowingRedirects(
            "HEAD", path, to: endpoint, access: .pull(repository: endpoint.repository),
            headers: ["Accept": manifestAccept])
        let (head, url) = (answer.response, answer.onRegistry ? answer.url : answer.url.redactingQuery)
        head.body.discard()
        if let remaining = head.headers["ratelimit-remaining"] {
            // Docker Hub's pull budget ("100;w=21600"); a HEAD does not spend it, the GET that follows does.
            logger.debug(
                "registry rate limit", metadata: ["registry": "\(endpoint.registry)", "remaining": "\(remaining)"])
        }
        switch head.status {
        case 200:
            let length = head.headers["Content-Length"].flatMap { Int($0.trimmingSpaces) }
            if let length, length > settings.maximumManifestBytes {
                throw RegistryError.manifestTooLarge(
                    reference: name, size: length, limit: settings.maximumManifestBytes)
            }
            if let digest = head.headers["Docker-Content-Digest"].flatMap({ Digest($0.trimmingSpaces) }), length != nil
            {
                return try await fetchManifest(digest: digest, from: route.forDigests, name: name)
            }
        case 404:
            throw RegistryError.notFound(reference: name)
        case 405, 501:
            // A registry (or proxy) without HEAD: the GET below answers the same question.
            break
        default:
            throw await statusError("HEAD", url.description, head)
        }
        return try await getManifest(tag, expected: nil, from: endpoint, name: name)
    }

    /// The manifest `digest` from the first endpoint that has it (mirrors first, then the primary).
    private func fetchManifest(digest: Digest, from endpoints: [RegistryEndpoint], name: String) async throws
        -> FetchedManifest
    {
        var lastError: Error = RegistryError.notFound(reference: name)
        for endpoint in endpoints {
            do {
                return try await getManifest(digest.description, expected: digest, from: endpoint, name: name)
            } catch let error as RegistryError where endpoint != endpoints.last {
                logger.info(
                    "mirror failed; trying the next", metadata: ["mirror": "\(endpoint.registry)", "error": "\(error)"])
                lastError = error
            }
        }
        throw lastError
    }

    /// GET by tag or digest, reading at most `maximumManifestBytes` (chunked bodies included), verified
    /// against the digest asked for and against Docker-Content-Digest when the registry sends it.
    private func getManifest(_ tagOrDigest: String, expected: Digest?, from endpoint: RegistryEndpoint, name: String)
        async throws -> FetchedManifest
    {
        let limit = settings.maximumManifestBytes
        let answer = try await sendFollowingRedirects(
            "GET", "/v2/\(endpoint.repository)/manifests/\(tagOrDigest)", to: endpoint,
            access: .pull(repository: endpoint.repository), headers: ["Accept": manifestAccept])
        let (response, url) = (answer.response, answer.onRegistry ? answer.url : answer.url.redactingQuery)
        guard response.status == 200 else {
            if response.status == 404 {
                response.body.discard()
                throw RegistryError.notFound(reference: name)
            }
            throw await statusError("GET", url.description, response)
        }
        if let length = response.headers["Content-Length"].flatMap({ Int($0.trimmingSpaces) }), length > limit {
            response.body.discard()
            throw RegistryError.manifestTooLarge(reference: name, size: length, limit: limit)
        }
        let bytes: [UInt8]
        do {
            guard let body = try await response.body.collect(upTo: limit) else {
                throw RegistryError.manifestTooLarge(reference: name, size: nil, limit: limit)
            }
            bytes = body
        } catch let error as TransportError {
            throw requestError(error, method: "GET", url: url, registry: endpoint.registry)
        }
        let actual = Digest(of: Data(bytes))
        if let expected, actual != expected {
            throw RegistryError.digestMismatch(what: "manifest \(url)", expected: "\(expected)", actual: "\(actual)")
        }
        if let header = response.headers["Docker-Content-Digest"]?.trimmingSpaces, header != actual.description {
            throw RegistryError.digestMismatch(what: "manifest \(url)", expected: header, actual: "\(actual)")
        }
        return FetchedManifest(
            bytes: bytes, digest: actual, contentType: response.headers["Content-Type"], endpoint: endpoint)
    }

    enum ManifestKind {
        case index(ImageIndex)
        case manifest(ImageManifest, mediaType: String)
    }

    /// What the document is: its own `mediaType` first (the content is verified; the header is not), then
    /// Content-Type, then its shape (old OCI documents may carry no media type at all).
    func manifestKind(_ fetched: FetchedManifest, name: String) throws -> ManifestKind {
        let decoder = JSONDecoder()
        let probe: ManifestProbe
        do {
            probe = try decoder.decode(ManifestProbe.self, from: Data(fetched.bytes))
        } catch {
            throw RegistryError.invalidManifest(reference: name, reason: "not JSON: \(error)")
        }
        let contentType = fetched.contentType.map {
            String($0.split(separator: ";").first ?? "").trimmingSpaces.lowercased()
        }
        if let version = probe.schemaVersion, version != 2 {
            throw RegistryError.unsupportedSchemaVersion(reference: name, version: version)
        }
        let declared = probe.mediaType ?? contentType.flatMap { $0.isEmpty || $0 == "application/json" ? nil : $0 }
        let mediaType: String
        if let declared {
            mediaType = declared
        } else if probe.manifests != nil {
            mediaType = MediaType.ociIndex
        } else if probe.config != nil {
            mediaType = MediaType.ociManifest
        } else {
            throw RegistryError.invalidManifest(reference: name, reason: "neither a manifest nor an index")
        }
        guard probe.schemaVersion == 2 else {
            throw RegistryError.unsupportedSchemaVersion(reference: name, version: probe.schemaVersion ?? 0)
        }
        do {
            if MediaType.indexes.contains(mediaType) {
                return .index(try decoder.decode(ImageIndex.self, from: Data(fetched.bytes)))
            }
            if MediaType.manifests.contains(mediaType) {
                return .manifest(
                    try decoder.decode(ImageManifest.self, from: Data(fetched.bytes)), mediaType: mediaType)
            }
        } catch {
            throw RegistryError.invalidManifest(reference: name, reason: "\(error)")
        }
        throw RegistryError.unsupportedMediaType(reference: name, mediaType: mediaType)
    }

    /// The config blob, in memory (configs are KiB), verified.
    private func fetchConfig(_ descriptor: Descriptor, route: RegistryRoute, name: String) async throws -> [UInt8] {
        guard let digest = Digest(descriptor.digest) else {
            throw RegistryError.invalidManifest(
                reference: name, reason: "config digest \"\(descriptor.digest)\" is not sha256")
        }
        let limit = Int64(RegistryClient.maximumConfigBytes)
        guard descriptor.size >= 0, descriptor.size <= limit else {
            throw RegistryError.invalidManifest(
                reference: name, reason: "config of \(descriptor.size) bytes is over the \(limit) byte limit")
        }
        var lastError: Error = RegistryError.notFound(reference: name)
        for endpoint in route.forDigests {
            do {
                let (response, url) = try await openBlob(digest, on: endpoint, offset: 0)
                let body: [UInt8]?
                do throws(TransportError) {
                    body = try await response.body.collect(upTo: Int(descriptor.size))
                } catch {
                    throw requestError(error, method: "GET", url: url.redactingQuery, registry: url.authority)
                }
                guard let body, body.count == Int(descriptor.size) else {
                    throw RegistryError.sizeMismatch(
                        digest: "\(digest)", expected: descriptor.size,
                        actual: Int64(body?.count ?? Int(descriptor.size) + 1))
                }
                let actual = Digest(of: Data(body))
                guard actual == digest else {
                    throw RegistryError.digestMismatch(what: "config", expected: "\(digest)", actual: "\(actual)")
                }
                return body
            } catch let error as RegistryError where endpoint != route.forDigests.last {
                logger.info(
                    "mirror failed; trying the next", metadata: ["mirror": "\(endpoint.registry)", "error": "\(error)"])
                lastError = error
            }
        }
        throw lastError
    }

    /// Image configs are a few KiB; this bound only stops a hostile registry from filling memory.
    static let maximumConfigBytes = 32 << 20
}
