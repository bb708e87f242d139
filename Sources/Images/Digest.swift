import Crypto
import Foundation

/// A validated "sha256:<64 lowercase hex>" digest. Only this type builds store paths, so a crafted digest
/// such as "sha256:../../x" can never reach the filesystem.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let algorithmPrefix = "sha256:"

    /// 64 lowercase hex characters.
    public let hex: String

    public var description: String { Digest.algorithmPrefix + hex }

    /// The 12-hex short form `docker images` shows.
    public var shortID: String { String(hex.prefix(12)) }

    /// Nil unless `text` is exactly "sha256:" followed by 64 lowercase hex characters.
    public init?(_ text: String) {
        guard text.hasPrefix(Digest.algorithmPrefix) else { return nil }
        let hex = String(text.dropFirst(Digest.algorithmPrefix.count))
        guard Digest.isHex(hex), hex.utf8.count == 64 else { return nil }
        self.hex = hex
    }

    public init(hex: String) {
        precondition(Digest.isHex(hex) && hex.utf8.count == 64, "not a sha256 hex digest: \(hex)")
        self.hex = hex
    }

    public init(of data: Data) {
        self.init(finalizing: SHA256.hash(data: data))
    }

    public init(finalizing digest: SHA256.Digest) {
        let hexDigits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        self.hex = String(decoding: text, as: UTF8.self)
    }

    /// Like `init?` but throws an error naming what carried the bad digest.
    static func parse(_ text: String, in what: String, source: String) throws -> Digest {
        if let digest = Digest(text) { return digest }
        if text.hasPrefix(Digest.algorithmPrefix) {
            throw ImageError.invalidLayout(source, "\(what) has malformed digest \"\(text)\"")
        }
        throw ImageError.invalidLayout(
            source, "\(what) uses digest \"\(text)\"; only sha256 digests are supported")
    }

    /// True for a non-empty string of lowercase hex digits only.
    public static func isHex(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }
}
