import ECSModel
import Foundation

/// Verifies AWS Signature Version 4 (`AWS4-HMAC-SHA256` in the `Authorization` header) against the
/// credentials berthd knows. Pure: the clock is a parameter, nothing is cached or logged.
///
/// Checks, in AWS's order: the header is there and complete; a timestamp (`X-Amz-Date`, else `Date`);
/// the credential scope (`<date>/<any region>/<service>/aws4_request`, its date the timestamp's day);
/// a known access key id; the timestamp within `allowedClockSkew` of now; the payload hash (the body
/// is always hashed, and an `X-Amz-Content-SHA256` header must agree with it: berthd never accepts an
/// unsigned payload); then the signature itself, compared in constant time.
public struct SigV4Verifier: Sendable {
    public var service: String
    /// AWS allows 15 minutes either way.
    public var allowedClockSkew: TimeInterval
    private let secretsByAccessKeyId: [String: String]

    public init(credentials: [DaemonCredential], service: String = "ecs", allowedClockSkew: TimeInterval = 15 * 60) {
        self.service = service
        self.allowedClockSkew = allowedClockSkew
        self.secretsByAccessKeyId = Dictionary(
            credentials.map { ($0.accessKeyId, $0.secretAccessKey) }, uniquingKeysWith: { first, _ in first })
    }

    /// The signer's identity, or the `ECSError` to answer with (`MissingAuthenticationTokenException`,
    /// `IncompleteSignatureException`, `UnrecognizedClientException` or `InvalidSignatureException`).
    public func verify(_ request: SigV4Request, now: Date = Date()) throws(ECSError) -> SigV4Identity {
        guard let header = request.value(of: "authorization") else { throw SigV4Rejection.missingAuthentication }
        let authorization = try SigV4Authorization(parsing: header)
        let timestamp = try signingTimestamp(of: request, authorization: header)
        try checkScope(authorization, timestamp: timestamp.text)
        guard let secret = secretsByAccessKeyId[String(authorization.accessKeyId)] else {
            throw SigV4Rejection.unknownAccessKey
        }
        try checkClockSkew(timestamp.date, text: timestamp.text, now: now)

        let payloadHash = SigV4Crypto.sha256Hex(request.body)
        if let claimed = request.value(of: "x-amz-content-sha256"), claimed.lowercased() != payloadHash {
            throw SigV4Rejection.payloadHashMismatch
        }
        let canonicalRequest = SigV4Canonicalization.canonicalRequest(
            method: request.method, uri: request.uri,
            headerValues: authorization.signedHeaderNames.map { ($0, request.values(of: $0)) },
            signedHeaders: String(authorization.signedHeaders), payloadHash: payloadHash)
        let scope = "\(authorization.scopeDate)/\(authorization.region)/\(authorization.service)/aws4_request"
        let stringToSign = [
            SigV4Authorization.algorithm, timestamp.text, scope, SigV4Crypto.sha256Hex(Data(canonicalRequest.utf8)),
        ].joined(separator: "\n")
        let signingKey = SigV4Crypto.signingKey(
            secret: secret, date: String(authorization.scopeDate), region: String(authorization.region),
            service: String(authorization.service))
        let expected = SigV4Crypto.signature(signingKey: signingKey, stringToSign: stringToSign)
        guard SigV4Crypto.constantTimeEquals(Array(expected.utf8), Array(authorization.signature.utf8)) else {
            throw SigV4Rejection.signatureMismatch(canonicalRequest: canonicalRequest, stringToSign: stringToSign)
        }
        return SigV4Identity(accessKeyId: String(authorization.accessKeyId), region: String(authorization.region))
    }

    /// The instant the client signed at and its ISO 8601 basic form (the form the string to sign uses).
    private func signingTimestamp(of request: SigV4Request, authorization: String) throws(ECSError) -> (
        date: Date, text: String
    ) {
        if let amzDate = request.value(of: "x-amz-date") {
            guard let date = SigV4Timestamp.parse(amzDate: amzDate) else {
                throw SigV4Rejection.malformedDate(header: "x-amz-date", value: amzDate)
            }
            return (date, amzDate)
        }
        if let httpDate = request.value(of: "date") {
            guard let date = SigV4Timestamp.parse(httpDate: httpDate) else {
                throw SigV4Rejection.malformedDate(header: "date", value: httpDate)
            }
            return (date, SigV4Timestamp.format(date))
        }
        throw SigV4Rejection.incomplete(
            requirements: ["existence of either a 'X-Amz-Date' or a 'Date' header"], authorization: authorization)
    }

    private func checkScope(_ authorization: SigV4Authorization, timestamp: String) throws(ECSError) {
        guard authorization.terminator == "aws4_request" else {
            throw SigV4Rejection.wrongTerminator(authorization.terminator)
        }
        guard authorization.service == service else { throw SigV4Rejection.wrongService(expected: service) }
        guard !authorization.region.isEmpty else { throw SigV4Rejection.emptyRegion }
        guard authorization.scopeDate == timestamp.prefix(8) else {
            throw SigV4Rejection.scopeDateMismatch(scopeDate: authorization.scopeDate, timestamp: timestamp)
        }
    }

    private func checkClockSkew(_ signedAt: Date, text: String, now: Date) throws(ECSError) {
        let minutes = Int(allowedClockSkew / 60)
        let nowText = SigV4Timestamp.format(now)
        if signedAt < now - allowedClockSkew {
            throw SigV4Rejection.expired(
                timestamp: text, earliest: SigV4Timestamp.format(now - allowedClockSkew), now: nowText,
                skewMinutes: minutes)
        }
        if signedAt > now + allowedClockSkew {
            throw SigV4Rejection.notYetCurrent(
                timestamp: text, latest: SigV4Timestamp.format(now + allowedClockSkew), now: nowText,
                skewMinutes: minutes)
        }
    }
}
