import Foundation

/// Which of a descriptor's `urls` may be fetched. The manifest, and so every URL in it, is chosen by whoever
/// controls the registry or the image, and berthd runs on a host whose link-local addresses answer with
/// secrets (the EC2 instance metadata service, ECS's task metadata and credentials endpoint): a URL is a
/// request berthd makes on the image author's behalf. So only the layer types whose content lives
/// elsewhere by design (Docker's foreign layers, OCI's deprecated nondistributable ones) are fetched from
/// their URLs, over https (http only for a host registries.conf marks insecure), and never from a
/// link-local or metadata address. Other layers come from the registry alone, as containerd does.
enum ForeignLayerRules {
    static let foreignMediaTypes: Set<String> = [
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
    ]

    /// Whether the layer's content is meant to be fetched from its `urls`.
    static func usesURLs(mediaType: String?) -> Bool {
        guard let mediaType else { return false }
        return foreignMediaTypes.contains(mediaType)
            || mediaType.hasPrefix("application/vnd.oci.image.layer.nondistributable.")
    }

    /// Whether `url` (a descriptor's URL, or a redirect from one) may be asked. `insecure` says whether
    /// registries.conf marks the URL's host insecure.
    static func mayFetch(_ url: RequestURL, insecure: (String) -> Bool) -> Bool {
        guard !isLinkLocalOrMetadata(host: url.host) else { return false }
        switch url.scheme {
        case "https": return true
        case "http": return insecure(url.authority) || insecure(url.host)
        default: return false
        }
    }

    /// 169.254.0.0/16 (which holds EC2's 169.254.169.254 and ECS's 169.254.170.2), fe80::/10, and EC2's
    /// IPv6 metadata address fd00:ec2::254; in any spelling the resolver would accept as that address.
    static func isLinkLocalOrMetadata(host: String) -> Bool {
        var name = host.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if name == "instance-data" || name == "instance-data.ec2.internal" || name == "metadata.google.internal" {
            return true
        }
        if let address = IPv4Literal.parse(name) { return address >> 16 == 0xA9FE }
        if name.hasPrefix("["), name.hasSuffix("]") {
            guard let address = IPv6Literal.parse(String(name.dropFirst().dropLast())) else { return true }
            if address[0] & 0xFFC0 == 0xFE80 { return true }
            if address == [0xFD00, 0x0EC2, 0, 0, 0, 0, 0, 0x0254] { return true }
            // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address.
            if address[0..<5].allSatisfy({ $0 == 0 }), address[5] == 0xFFFF { return address[6] == 0xA9FE }
        }
        return false
    }
}

/// An IPv4 address as inet_aton reads it (what getaddrinfo accepts too): one to four parts, each decimal,
/// octal (leading 0) or hex (0x), so "2852039170" and "0xa9.0376.170.2" are caught as well as the dotted quad.
enum IPv4Literal {
    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = number(part) else { return nil }
            values.append(value)
        }
        var address: UInt64 = 0
        for (index, value) in values.enumerated() {
            if index == values.count - 1 {
                let remainingBits = UInt64(8 * (4 - index))
                guard value < (1 << remainingBits) else { return nil }
                address |= value
            } else {
                guard value < 256 else { return nil }
                address |= value << UInt64(8 * (3 - index))
            }
        }
        return UInt32(address)
    }

    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 12 else { return nil }
        if part.hasPrefix("0x") || part.hasPrefix("0X") {
            return part.count == 2 ? 0 : UInt64(part.dropFirst(2), radix: 16)
        }
        if part.hasPrefix("0"), part.count > 1 { return UInt64(part.dropFirst(), radix: 8) }
        return UInt64(part, radix: 10)
    }
}

/// An IPv6 address as eight 16-bit groups; "::" and a trailing dotted IPv4 part are understood; a zone
/// ("%eth0") is dropped.
enum IPv6Literal {
    static func parse(_ text: String) -> [UInt16]? {
        var text = Substring(text)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ half: String) -> [UInt16]? {
            guard !half.isEmpty else { return [] }
            var result: [UInt16] = []
            let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = IPv4Literal.parse(String(piece)), piece.split(separator: ".").count == 4 else {
                        return nil
                    }
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xFFFF)]
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    result.append(value)
                }
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
    }
}
