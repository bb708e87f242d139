import Crypto
import Images
import Logging

/// Where one attempt at a blob may come from.
enum BlobSource: Sendable {
    /// A foreign layer's own URL (https, or http to an insecure host), asked without credentials.
    case url(RequestURL)
    case registry(RegistryEndpoint)

    var name: String {
        switch self {
        case .url(let url): url.redactingQuery.description
        case .registry(let endpoint): endpoint.registry
        }
    }
}

extension RegistryClient {
    /// Opens blob `digest` on `endpoint`, following redirects (`sendFollowingRedirects`), and a 403 from a redirect target (an expired presigned URL) sends us back to the
    /// registry for a fresh redirect. Returns a 200 or 206 response and the URL that gave it.
    func openBlob(_ digest: Images.Digest, on endpoint: RegistryEndpoint, offset: Int64) async throws
        -> (TransportResponse, RequestURL)
    {
        var headers = HeaderFields()
        if offset > 0 { headers.add("Range", "bytes=\(offset)-") }
        let access = RegistryAccess.pull(repository: endpoint.repository)
        var freshRedirects = 0
        while true {
            let answer = try await sendFollowingRedirects(
                "GET", "/v2/\(endpoint.repository)/blobs/\(digest)", to: endpoint, access: access, headers: headers)
            let (response, url, onRegistry) = (answer.response, answer.url, answer.onRegistry)
            if response.status == 403, !onRegistry, freshRedirects < RedirectRules.maximumFreshRedirects {
                response.body.discard()
                freshRedirects += 1
                logger.info(
                    "redirect target refused the blob; asking the registry again",
                    metadata: ["digest": "\(digest)", "target": "\(url.redactingQuery)"])
                continue
            }
            guard response.status == 200 || response.status == 206 else {
                throw await statusError("GET", (onRegistry ? url : url.redactingQuery).description, response)
            }
            return (response, url)
        }
    }

    func downloadOnce(
        layer: Descriptor, of image: RemoteImage, to path: String, progress: @escaping @Sendable (Int64) -> Void
    ) async throws {
        guard let digest = Digest(layer.digest) else {
            throw RegistryError.invalidManifest(
                reference: image.reference.normalized, reason: "blob digest \"\(layer.digest)\" is not sha256")
        }
        let route = try conf.route(for: image.reference)
        let foreign = foreignSources(of: layer)
        let sources = foreign + route.forDigests.map(BlobSource.registry)
        let file = try BlobFile(path: path)
        defer { file.close() }
        var lastError: Error?
        for source in sources {
            do {
                try await fetch(digest, size: layer.size, from: source, into: file, progress: progress)
                return
            } catch let error as RegistryError {
                lastError = error
                if case .digestMismatch = error { try file.truncate() }
                if case .sizeMismatch = error { try file.truncate() }
                logger.info(
                    "blob source failed",
                    metadata: ["source": "\(source.name)", "digest": "\(digest)", "error": "\(error)"])
            }
        }
        throw lastError ?? RegistryError.notFound(reference: "\(image.reference.repository)@\(digest)")
    }

    /// The descriptor's `urls` that may be fetched, tried before the registry: only for foreign layers.
    private func foreignSources(of layer: Descriptor) -> [BlobSource] {
        guard ForeignLayerRules.usesURLs(mediaType: layer.mediaType) else {
            if let urls = layer.urls, !urls.isEmpty {
                logger.debug(
                    "ignoring urls of a layer that is not foreign",
                    metadata: ["digest": "\(layer.digest)", "mediaType": "\(layer.mediaType ?? "")"])
            }
            return []
        }
        return (layer.urls ?? []).compactMap { text -> BlobSource? in
            guard let url = RequestURL.parse(text), mayFetchForeign(url) else {
                logger.info(
                    "skipping a foreign layer URL that is not https or names a link-local address",
                    metadata: [
                        "digest": "\(layer.digest)",
                        "url": "\(RequestURL.parse(text)?.redactingQuery.description ?? "-")",
                    ])
                return nil
            }
            return .url(url)
        }
    }

    private func mayFetchForeign(_ url: RequestURL) -> Bool {
        ForeignLayerRules.mayFetch(url) { authority in self.conf.entry(for: authority)?.insecure ?? false }
    }

    /// One request for the blob, continuing what `file` holds when the answer allows it.
    private func fetch(
        _ digest: Images.Digest, size: Int64, from source: BlobSource, into file: BlobFile,
        progress: @escaping @Sendable (Int64) -> Void
    ) async throws {
        var offset = try file.size()
        if offset > size {
            try file.truncate()
            offset = 0
        }
        var hasher = try file.hashPrefix(offset)
        if offset == size {
            if Digest(finalizing: hasher.finalize()) == digest {
                progress(offset)
                return
            }
            try file.truncate()
            offset = 0
            hasher = SHA256()
        }

        var (response, url) = try await open(digest, from: source, offset: offset)
        if offset > 0 {
            switch ResumeAnswer.judge(
                status: response.status, contentRange: response.headers["Content-Range"], requestedOffset: offset)
            {
            case .continues:
                logger.debug("resuming blob", metadata: ["digest": "\(digest)", "offset": "\(offset)"])
            case .startsOver:
                try file.truncate()
                offset = 0
                hasher = SHA256()
            case .unusable(let reason):
                logger.info(
                    "range answer unusable; starting over", metadata: ["digest": "\(digest)", "reason": "\(reason)"])
                response.body.discard()
                try file.truncate()
                offset = 0
                hasher = SHA256()
                (response, url) = try await open(digest, from: source, offset: 0)
            }
        }
        let shownURL = url.redactingQuery
        if let header = response.headers["Docker-Content-Digest"]?.trimmingSpaces, Digest(header) != nil,
            header != digest.description
        {
            response.body.discard()
            throw RegistryError.digestMismatch(what: "blob \(shownURL)", expected: "\(digest)", actual: header)
        }
        while true {
            let chunk: [UInt8]?
            do throws(TransportError) {
                chunk = try await response.body.next()
            } catch {
                throw requestError(error, method: "GET", url: shownURL, registry: url.authority)
            }
            guard let chunk else { break }
            guard offset + Int64(chunk.count) <= size else {
                response.body.discard()
                throw RegistryError.sizeMismatch(
                    digest: "\(digest)", expected: size, actual: offset + Int64(chunk.count))
            }
            try file.write(chunk, at: offset)
            hasher.update(data: chunk)
            offset += Int64(chunk.count)
            progress(offset)
        }
        guard offset == size else {
            // A body that ended early is an interrupted transfer: retried, resuming from here.
            throw RegistryError.transport(method: "GET", url: shownURL.description, reason: "unexpected EOF")
        }
        let actual = Digest(finalizing: hasher.finalize())
        guard actual == digest else {
            throw RegistryError.digestMismatch(what: "blob \(shownURL)", expected: "\(digest)", actual: "\(actual)")
        }
    }

    private func open(_ digest: Images.Digest, from source: BlobSource, offset: Int64) async throws
        -> (TransportResponse, RequestURL)
    {
        switch source {
        case .registry(let endpoint):
            return try await openBlob(digest, on: endpoint, offset: offset)
        case .url(let start):
            var headers = HeaderFields()
            if offset > 0 { headers.add("Range", "bytes=\(offset)-") }
            var url = start
            var response = try await sendPlain("GET", url, headers: headers)
            var hops = 0
            while RedirectRules.followedStatuses.contains(response.status) {
                response.body.discard()
                hops += 1
                guard hops <= RedirectRules.maximumRedirects,
                    let location = response.headers["Location"], let target = url.resolving(location: location)
                else { throw RegistryError.tooManyRedirects(url: start.redactingQuery.description) }
                // A redirect is as much the image author's choice as the URL itself.
                guard mayFetchForeign(target) else {
                    throw RegistryError.invalidResponse(
                        url: url.redactingQuery.description,
                        reason: "redirect to \(target.redactingQuery), which is not https or is a link-local address")
                }
                url = target
                response = try await sendPlain("GET", url, headers: headers)
            }
            guard response.status == 200 || response.status == 206 else {
                throw await statusError("GET", url.redactingQuery.description, response)
            }
            return (response, url)
        }
    }
}
