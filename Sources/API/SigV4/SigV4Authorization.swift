import ECSModel

/// The `Authorization` header of a SigV4 request:
/// `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ecs/aws4_request, SignedHeaders=host;x-amz-date, Signature=…`
struct SigV4Authorization: Equatable {
    var accessKeyId: Substring
    var scopeDate: Substring
    var region: Substring
    var service: Substring
    var terminator: Substring
    /// As written in the header: it is part of the canonical request verbatim.
    var signedHeaders: Substring
    var signature: Substring

    /// The lowercased header names the signature covers, in the order the client listed them.
    var signedHeaderNames: [String] {
        signedHeaders.split(separator: ";").map { $0.lowercased() }
    }

    static let algorithm = "AWS4-HMAC-SHA256"

    init(parsing header: String) throws(ECSError) {
        let trimmed = header.drop { $0 == " " }
        let algorithm = trimmed.prefix { $0 != " " }
        guard algorithm == Self.algorithm else { throw SigV4Rejection.unsupportedAlgorithm(algorithm) }

        // "Key=value" parameters separated by commas; clients differ on spaces after the commas.
        var parameters: [Substring: Substring] = [:]
        for parameter in trimmed.dropFirst(algorithm.count).split(separator: ",") {
            let parameter = parameter.drop { $0 == " " }
            guard let equals = parameter.firstIndex(of: "=") else { continue }
            parameters[parameter[..<equals]] = parameter[parameter.index(after: equals)...]
        }
        let missing = ["Credential", "Signature", "SignedHeaders"].filter { parameters[Substring($0)] == nil }
        guard let credential = parameters["Credential"], let signedHeaders = parameters["SignedHeaders"],
            let signature = parameters["Signature"], missing.isEmpty
        else {
            throw SigV4Rejection.incomplete(requirements: missing.map { "'\($0)' parameter" }, authorization: header)
        }

        let scope = credential.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, !scope[0].isEmpty, !scope[1].isEmpty else {
            throw SigV4Rejection.malformedCredential(credential)
        }
        self.accessKeyId = scope[0]
        self.scopeDate = scope[1]
        self.region = scope[2]
        self.service = scope[3]
        self.terminator = scope[4]
        self.signedHeaders = signedHeaders
        self.signature = signature
        guard signedHeaderNames.contains("host") || signedHeaderNames.contains(":authority") else {
            throw SigV4Rejection.hostNotSigned
        }
    }
}
