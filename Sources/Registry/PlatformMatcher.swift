import Images

#if canImport(Glibc)
    import Glibc
#endif

/// Picks the manifest of an index that runs on this host, with containerd's platform normalisation
/// (containerd/platforms `Normalize`): `x86_64`→`amd64`, `aarch64`→`arm64` whose variant `v8` is implied,
/// `armhf`→`arm/v7`, `armel`→`arm/v6`.
struct PlatformMatcher: Sendable, Equatable {
    var os: String
    var architecture: String
    var variant: String?

    init(os: String, architecture: String, variant: String? = nil) {
        let normalized = PlatformMatcher.normalize(architecture: architecture, variant: variant)
        self.os = os.lowercased()
        self.architecture = normalized.architecture
        self.variant = normalized.variant
    }

    /// Linux on the architecture `uname -m` reports.
    static var host: PlatformMatcher {
        var names = utsname()
        uname(&names)
        let machine = withUnsafeBytes(of: &names.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return PlatformMatcher(os: "linux", architecture: machine)
    }

    /// `linux/amd64`, `linux/arm64/v8`: how Docker names the platform in "no matching manifest for …".
    var name: String {
        // Docker prints arm64 without its implied v8.
        guard let variant, !(architecture == "arm64" && variant == "v8") else { return "\(os)/\(architecture)" }
        return "\(os)/\(architecture)/\(variant)"
    }

    static func normalize(architecture: String, variant: String?) -> (architecture: String, variant: String?) {
        let variant = variant?.lowercased()
        switch architecture.lowercased() {
        case "i386", "i686": return ("386", nil)
        case "x86_64", "x86-64", "amd64":
            return ("amd64", variant == "v1" ? nil : variant)
        case "aarch64", "arm64":
            return ("arm64", variant == nil || variant == "8" || variant == "v8" ? "v8" : variant)
        case "armhf": return ("arm", "v7")
        case "armel": return ("arm", "v6")
        case "arm", "armv7l": return ("arm", variant == nil || variant == "7" ? "v7" : variant)
        case "armv6l": return ("arm", "v6")
        case let other: return (other, variant)
        }
    }

    func matches(_ platform: Platform) -> Bool {
        let candidate = PlatformMatcher(os: platform.os, architecture: platform.architecture, variant: platform.variant)
        guard candidate.os == os, candidate.architecture == architecture else { return false }
        // An entry without a variant runs on any variant of its architecture (amd64 has none in practice).
        return platform.variant == nil || candidate.variant == variant
    }

    /// The first entry of `manifests` this platform runs: a manifest media type (others are skipped, as the
    /// image spec asks of unknown types), not an attestation, with a matching platform.
    func select(from manifests: [Descriptor]) -> Descriptor? {
        manifests.first { entry in
            guard let mediaType = entry.mediaType, MediaType.manifests.contains(mediaType) else { return false }
            if entry.annotations?[Descriptor.referenceTypeAnnotation] == "attestation-manifest" { return false }
            guard let platform = entry.platform, platform.os != "unknown", platform.architecture != "unknown"
            else { return false }
            return matches(platform)
        }
    }
}
