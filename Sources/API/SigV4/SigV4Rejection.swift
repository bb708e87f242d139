import ECSModel

extension ECSErrorType {
    // The authentication errors of AWS's JSON services (not shapes of the ECS model). Each answers
    // HTTP 400, as ECS does: `ECSErrorType.httpStatusCode` gives 400 for any type outside the model.
    /// The request carries no SigV4 `Authorization` header at all.
    public static let missingAuthenticationTokenException = ECSErrorType(
        rawValue: "MissingAuthenticationTokenException")
    /// The `Authorization` header or its date is malformed or incomplete.
    public static let incompleteSignatureException = ECSErrorType(rawValue: "IncompleteSignatureException")
    /// The access key id is not the daemon's.
    public static let unrecognizedClientException = ECSErrorType(rawValue: "UnrecognizedClientException")
    /// The signature does not verify, is out of date, or is scoped to another service.
    public static let invalidSignatureException = ECSErrorType(rawValue: "InvalidSignatureException")
}

/// Why a TCP request's signature was refused, worded as AWS words it where AWS's text is known, so
/// what the aws CLI prints for berthd matches what it prints for the real service.
enum SigV4Rejection {
    static let missingAuthentication = ECSError(
        .missingAuthenticationTokenException, "Request is missing Authentication Token")

    static let unknownAccessKey = ECSError(
        .unrecognizedClientException, "The security token included in the request is invalid.")

    static func unsupportedAlgorithm(_ algorithm: Substring) -> ECSError {
        ECSError(
            .incompleteSignatureException,
            "Unsupported authorization type '\(algorithm)': berthd accepts AWS Signature Version 4 "
                + "(AWS4-HMAC-SHA256) only.")
    }

    /// AWS lists every missing part, then echoes the header.
    static func incomplete(requirements: [String], authorization: String) -> ECSError {
        ECSError(
            .incompleteSignatureException,
            requirements.map { "Authorization header requires \($0)." }.joined(separator: " ")
                + " Authorization=\(authorization)")
    }

    static func malformedCredential(_ credential: Substring) -> ECSError {
        ECSError(
            .incompleteSignatureException,
            "Credential must be <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request; got '\(credential)'.")
    }

    static let hostNotSigned = ECSError(
        .incompleteSignatureException, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.")

    static func malformedDate(header: String, value: String) -> ECSError {
        ECSError(
            .incompleteSignatureException,
            header == "x-amz-date"
                ? "X-Amz-Date '\(value)' is not an ISO 8601 basic timestamp like 20150830T123600Z."
                : "Date '\(value)' is not an HTTP date like 'Sun, 30 Aug 2015 12:36:00 GMT'.")
    }

    static func wrongService(expected: String) -> ECSError {
        ECSError(.invalidSignatureException, "Credential should be scoped to correct service: '\(expected)'. ")
    }

    static func wrongTerminator(_ terminator: Substring) -> ECSError {
        ECSError(
            .invalidSignatureException,
            "Credential should be scoped with a valid terminator: 'aws4_request', not '\(terminator)'. ")
    }

    static let emptyRegion = ECSError(
        .invalidSignatureException, "Credential should be scoped to a valid region, not ''. ")

    static func scopeDateMismatch(scopeDate: Substring, timestamp: String) -> ECSError {
        ECSError(
            .invalidSignatureException,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + "'\(scopeDate)' != '\(timestamp.prefix(8))', from '\(timestamp)'.")
    }

    static func expired(timestamp: String, earliest: String, now: String, skewMinutes: Int) -> ECSError {
        ECSError(
            .invalidSignatureException,
            "Signature expired: \(timestamp) is now earlier than \(earliest) (\(now) - \(skewMinutes) min.)")
    }

    static func notYetCurrent(timestamp: String, latest: String, now: String, skewMinutes: Int) -> ECSError {
        ECSError(
            .invalidSignatureException,
            "Signature not yet current: \(timestamp) is still later than \(latest) (\(now) + \(skewMinutes) min.)")
    }

    static let payloadHashMismatch = ECSError(
        .invalidSignatureException, "The provided 'x-amz-content-sha256' header does not match what was computed.")

    /// AWS appends what it computed, which is what anyone debugging a signer needs; none of it is
    /// secret (both strings are derived from the request the client itself sent).
    static func signatureMismatch(canonicalRequest: String, stringToSign: String) -> ECSError {
        ECSError(
            .invalidSignatureException,
            "The request signature we calculated does not match the signature you provided. Check your AWS "
                + "Secret Access Key and signing method. Consult the service documentation for details.\n\n"
                + "The Canonical String for this request should have been\n'\(canonicalRequest)'\n\n"
                + "The String-to-Sign should have been\n'\(stringToSign)'\n")
    }
}
