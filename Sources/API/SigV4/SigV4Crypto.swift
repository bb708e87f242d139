import Crypto
import Foundation

/// The hashing steps of Signature Version 4: payload and canonical-request hashes, the HMAC chain
/// that derives the signing key, and the final signature.
enum SigV4Crypto {
    static func sha256Hex(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    static func hmac(key: some ContiguousBytes, _ message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: key)))
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
    static func signingKey(secret: String, date: String, region: String, service: String) -> [UInt8] {
        let dateKey = hmac(key: Array("AWS4\(secret)".utf8), date)
        let regionKey = hmac(key: dateKey, region)
        let serviceKey = hmac(key: regionKey, service)
        return hmac(key: serviceKey, "aws4_request")
    }

    /// The lowercase hex signature of `stringToSign`.
    static func signature(signingKey: [UInt8], stringToSign: String) -> String {
        hex(hmac(key: signingKey, stringToSign))
    }

    /// Equality whose running time depends only on the lengths, so a client probing signatures
    /// byte by byte learns nothing from how long a rejection takes.
    static func constantTimeEquals(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) { difference |= a ^ b }
        return difference == 0
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
