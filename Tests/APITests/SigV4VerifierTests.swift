import ECSModel
import Foundation
import Testing

@testable import API

/// The verifier against AWS's published SigV4 test vector, and its parts one by one. The comparison
/// with botocore's own signatures is in BotocoreSignatureTests.
@Suite("SigV4 verifier")
struct SigV4VerifierTests {
    /// AWS's sigv4 test suite, "get-vanilla": the example credential, service "service".
    static let exampleCredential = DaemonCredential(
        accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    static let vanillaTime = SigV4Timestamp.parse(amzDate: "20150830T123600Z")!

    static func vanillaRequest(signature: String = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
        -> SigV4Request
    {
        SigV4Request(
            method: "GET", uri: "/",
            headers: [
                ("Host", "example.amazonaws.com"), ("X-Amz-Date", "20150830T123600Z"),
                (
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=\(signature)"
                ),
            ],
            body: Data())
    }

    let verifier = SigV4Verifier(credentials: [exampleCredential], service: "service")

    /// The error `verify` throws, or nil if it verified.
    func rejection(_ request: SigV4Request, now: Date = vanillaTime, verifier: SigV4Verifier? = nil) -> ECSError? {
        do {
            _ = try (verifier ?? self.verifier).verify(request, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test("AWS's get-vanilla vector verifies")
    func vanilla() throws {
        let identity = try verifier.verify(Self.vanillaRequest(), now: Self.vanillaTime)
        #expect(identity == SigV4Identity(accessKeyId: "AKIDEXAMPLE", region: "us-east-1"))
    }

    @Test("A signature one digit off is refused with AWS's text and the canonical request")
    func wrongSignature() {
        let error = rejection(
            Self.vanillaRequest(signature: "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf32"))
        #expect(error?.type == .invalidSignatureException)
        #expect(error?.type.httpStatusCode == 400)
        #expect(
            error?.message.hasPrefix(
                "The request signature we calculated does not match the signature you provided. Check your AWS "
                    + "Secret Access Key and signing method. Consult the service documentation for details.") == true)
        #expect(error?.message.contains("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n") == true)
    }

    @Test("A signature of the wrong length is refused, not crashed on")
    func truncatedSignature() {
        #expect(rejection(Self.vanillaRequest(signature: "5fa0"))?.type == .invalidSignatureException)
        #expect(rejection(Self.vanillaRequest(signature: ""))?.type == .invalidSignatureException)
    }

    @Test("No Authorization header: MissingAuthenticationTokenException")
    func missingAuthorization() {
        var request = Self.vanillaRequest()
        request.headers.removeAll { $0.name == "Authorization" }
        let error = rejection(request)
        #expect(error == ECSError(.missingAuthenticationTokenException, "Request is missing Authentication Token"))
    }

    @Test("An unknown access key: UnrecognizedClientException")
    func unknownAccessKey() {
        let other = SigV4Verifier(
            credentials: [DaemonCredential(accessKeyId: "AKIAOTHER", secretAccessKey: "x")], service: "service")
        let error = rejection(Self.vanillaRequest(), verifier: other)
        #expect(
            error == ECSError(.unrecognizedClientException, "The security token included in the request is invalid."))
    }

    @Test("Clock skew beyond 15 minutes either way is refused with AWS's wording")
    func clockSkew() {
        let late = rejection(Self.vanillaRequest(), now: Self.vanillaTime + 16 * 60)
        #expect(late?.type == .invalidSignatureException)
        #expect(
            late?.message
                == "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T125200Z - 15 min.)"
        )
        let early = rejection(Self.vanillaRequest(), now: Self.vanillaTime - 16 * 60)
        #expect(
            early?.message
                == "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T122000Z + 15 min.)"
        )
        #expect(rejection(Self.vanillaRequest(), now: Self.vanillaTime + 14 * 60) == nil)
        #expect(rejection(Self.vanillaRequest(), now: Self.vanillaTime - 14 * 60) == nil)
    }

    @Test("A credential scoped to another service is refused")
    func wrongService() {
        let ecs = SigV4Verifier(credentials: [Self.exampleCredential])
        let error = rejection(Self.vanillaRequest(), verifier: ecs)
        #expect(
            error == ECSError(.invalidSignatureException, "Credential should be scoped to correct service: 'ecs'. "))
    }

    @Test("An incomplete Authorization header names every missing part")
    func incompleteHeader() {
        var request = Self.vanillaRequest()
        request.headers[2].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        let error = rejection(request)
        #expect(error?.type == .incompleteSignatureException)
        #expect(
            error?.message
                == "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
                + "parameter. Authorization=AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        )
    }

    @Test("Other schemes, a malformed credential, and an unsigned Host are incomplete signatures")
    func malformedHeaders() {
        var request = Self.vanillaRequest()
        request.headers[2].value = "Bearer abc"
        #expect(rejection(request)?.type == .incompleteSignatureException)
        #expect(rejection(request)?.message.contains("'Bearer'") == true)

        request.headers[2].value = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830, SignedHeaders=host, Signature=00"
        #expect(rejection(request)?.type == .incompleteSignatureException)

        request.headers[2].value =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=x-amz-date, Signature=00"
        #expect(
            rejection(request)
                == ECSError(
                    .incompleteSignatureException,
                    "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."))
    }

    @Test("No date header, or a malformed one, is refused before the signature is looked at")
    func dates() {
        var request = Self.vanillaRequest()
        request.headers.removeAll { $0.name == "X-Amz-Date" }
        #expect(
            rejection(request)?.message.contains("requires existence of either a 'X-Amz-Date' or a 'Date' header")
                == true)
        request.headers.append(("X-Amz-Date", "2015-08-30T12:36:00Z"))
        #expect(rejection(request)?.type == .incompleteSignatureException)
    }

    @Test("The credential scope's date must be the timestamp's day")
    func scopeDate() {
        var request = Self.vanillaRequest()
        request.headers[1].value = "20150831T000000Z"
        let error = rejection(request, now: SigV4Timestamp.parse(amzDate: "20150831T000000Z")!)
        #expect(
            error?.message
                == "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                + "'20150830' != '20150831', from '20150831T000000Z'.")
    }

    @Test("An X-Amz-Content-SHA256 that is not the body's hash is refused (no unsigned payloads)")
    func payloadHashHeader() {
        var request = Self.vanillaRequest()
        request.headers.append(("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"))
        #expect(
            rejection(request)?.message
                == "The provided 'x-amz-content-sha256' header does not match what was computed.")
    }
}

@Suite("SigV4 canonical form")
struct SigV4CanonicalizationTests {
    @Test("URI: dot segments and repeated slashes removed, then encoded again (double encoding)")
    func canonicalURI() {
        #expect(SigV4Canonicalization.canonicalURI("") == "/")
        #expect(SigV4Canonicalization.canonicalURI("/") == "/")
        #expect(SigV4Canonicalization.canonicalURI("/a//b/../c/./d%20e/") == "/a/c/d%2520e/")
        #expect(SigV4Canonicalization.canonicalURI("/x~y-z_.w") == "/x~y-z_.w")
        #expect(SigV4Canonicalization.canonicalURI("/ü") == "/%C3%BC")
        #expect(SigV4Canonicalization.canonicalURI("/..") == "/")
    }

    @Test("Query: pairs sorted by name, then value, not re-encoded")
    func canonicalQuery() {
        #expect(SigV4Canonicalization.canonicalQuery(nil) == "")
        #expect(SigV4Canonicalization.canonicalQuery("b=2&a=1&a=0") == "a=0&a=1&b=2")
        #expect(SigV4Canonicalization.canonicalQuery("Z=1&a=1") == "Z=1&a=1")
        #expect(SigV4Canonicalization.canonicalQuery("flag&a=%20") == "a=%20&flag=")
    }

    @Test("Header values: Trimall")
    func trimAll() {
        #expect(SigV4Canonicalization.trimAll("  a   b\tc  ") == "a b c")
        #expect(SigV4Canonicalization.trimAll("") == "")
    }

    @Test("Repeated headers are joined with commas, in order")
    func repeatedHeaders() {
        let canonical = SigV4Canonicalization.canonicalRequest(
            method: "post", uri: "/?b=1", headerValues: [("host", ["h"]), ("x-multi", [" 1 ", "2  3"])],
            signedHeaders: "host;x-multi", payloadHash: "hash")
        #expect(canonical == "POST\n/\nb=1\nhost:h\nx-multi:1,2 3\n\nhost;x-multi\nhash")
    }

    @Test("Timestamps: ISO 8601 basic and HTTP dates, impossible dates refused")
    func timestamps() {
        let instant = SigV4Timestamp.parse(amzDate: "20150830T123600Z")
        #expect(instant == Date(timeIntervalSince1970: 1_440_938_160))
        #expect(SigV4Timestamp.parse(httpDate: "Sun, 30 Aug 2015 12:36:00 GMT") == instant)
        #expect(SigV4Timestamp.format(instant!) == "20150830T123600Z")
        #expect(SigV4Timestamp.parse(amzDate: "20151330T123600Z") == nil)
        #expect(SigV4Timestamp.parse(amzDate: "20150830T123660Z") == nil)
        #expect(SigV4Timestamp.parse(amzDate: "20150830 123600Z") == nil)
        #expect(SigV4Timestamp.parse(httpDate: "Tue, 31 Feb 2015 12:36:00 GMT") == nil)
        #expect(SigV4Timestamp.parse(httpDate: "Sun, 30 Aug 2015 12:36:00 UTC") == nil)
    }

    @Test("Constant-time comparison")
    func constantTime() {
        #expect(SigV4Crypto.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)))
        #expect(!SigV4Crypto.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)))
        #expect(!SigV4Crypto.constantTimeEquals(Array("abc".utf8), Array("ab".utf8)))
    }

    @Test("Signing key derivation matches AWS's documented example")
    func signingKey() {
        // From AWS's "Examples of how to derive a signing key for Signature Version 4".
        let key = SigV4Crypto.signingKey(
            secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", date: "20120215", region: "us-east-1", service: "iam")
        #expect(SigV4Crypto.hex(key) == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
    }
}
