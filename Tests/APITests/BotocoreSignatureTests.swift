import API
import ECSModel
import Foundation
import Testing

/// Requests signed by botocore's `SigV4Auth` (the aws CLI's signer) verify; the same requests with a
/// byte changed anywhere the signature covers do not.
@Suite("SigV4 against botocore", .enabled(if: Tools.hasBotocore, "needs python3 with botocore"))
struct BotocoreSignatureTests {
    static let credential = DaemonCredential.generate()
    static let signedAt = "20250314T092653Z"
    static let signingTime = Date(timeIntervalSince1970: 1_741_944_413)
    let verifier = SigV4Verifier(credentials: [credential])

    static func request(
        url: String = "http://127.0.0.1:8080/", operation: String = "ListClusters", body: String = "{}",
        extraHeaders: [String: String] = [:], region: String = "us-east-1", service: String = "ecs",
        credential: DaemonCredential = credential
    ) -> Botocore.Request {
        Botocore.Request(
            accessKeyId: credential.accessKeyId, secret: credential.secretAccessKey, url: url,
            headers: [
                "X-Amz-Target": "AmazonEC2ContainerServiceV20141113.\(operation)",
                "Content-Type": "application/x-amz-json-1.1",
            ].merging(extraHeaders) { _, new in new },
            body: body, region: region, service: service, timestamp: signedAt)
    }

    func verify(_ request: SigV4Request, now: Date = signingTime + 60) -> Result<SigV4Identity, ECSError> {
        Result { () throws(ECSError) in try verifier.verify(request, now: now) }
    }

    @Test("botocore's signatures verify: ECS calls, regions, odd headers, paths and queries")
    func botocoreSignaturesVerify() async throws {
        let signed = try await Botocore.sign([
            Self.request(),
            Self.request(
                operation: "RegisterTaskDefinition",
                body: #"{"family":"wëb","containerDefinitions":[{"name":"a","image":"nginx"}]}"#,
                extraHeaders: ["User-Agent": "aws-cli/1.45 botocore/1.43", "X-Custom": "  spaced   out  value "],
                region: "eu-west-3"),
            Self.request(url: "http://127.0.0.1:8080/some%20path/x~y/?b=2&a=1&a=0"),
            Self.request(url: "http://localhost/"),
            Self.request(body: ""),
        ])
        let regions = ["us-east-1", "eu-west-3", "us-east-1", "us-east-1", "us-east-1"]
        for (request, region) in zip(signed, regions) {
            let identity = try verify(request).get()
            #expect(identity == SigV4Identity(accessKeyId: Self.credential.accessKeyId, region: region))
        }
    }

    @Test("Tampering with the body, a signed header or the date breaks botocore's signature")
    func tamperingIsDetected() async throws {
        let original = try #require(try await Botocore.sign([Self.request()]).first)
        #expect((try? verify(original).get()) != nil)

        var body = original
        body.body = Data(#"{"maxResults":1}"#.utf8)
        #expect(verify(body).failure?.type == .invalidSignatureException)

        var target = original
        let targetIndex = try #require(target.headers.firstIndex { $0.name == "X-Amz-Target" })
        target.headers[targetIndex].value = "AmazonEC2ContainerServiceV20141113.DeleteCluster"
        #expect(verify(target).failure?.type == .invalidSignatureException)

        var date = original
        let dateIndex = try #require(date.headers.firstIndex { $0.name == "X-Amz-Date" })
        date.headers[dateIndex].value = "20250314T092654Z"
        #expect(verify(date).failure?.type == .invalidSignatureException)

        var host = original
        host.headers[0].value = "127.0.0.1:8081"
        #expect(verify(host).failure?.type == .invalidSignatureException)

        // An unsigned header may change freely (proxies and HTTP clients add them).
        var unsigned = original
        unsigned.headers.append((name: "X-Forwarded-For", value: "10.0.0.1"))
        #expect((try? verify(unsigned).get()) != nil)
    }

    @Test("botocore signing with the wrong secret, another key, too long ago, or for another service fails")
    func wrongCredentialsAndScopes() async throws {
        let wrongSecret = DaemonCredential(
            accessKeyId: Self.credential.accessKeyId, secretAccessKey: DaemonCredential.generate().secretAccessKey)
        let signed = try await Botocore.sign([
            Self.request(credential: wrongSecret),
            Self.request(credential: DaemonCredential.generate()),
            Self.request(service: "ec2"),
        ])
        #expect(verify(signed[0]).failure?.type == .invalidSignatureException)
        #expect(verify(signed[1]).failure?.type == .unrecognizedClientException)
        #expect(verify(signed[2]).failure?.message == "Credential should be scoped to correct service: 'ecs'. ")

        let valid = try #require(try await Botocore.sign([Self.request()]).first)
        #expect(verify(valid, now: Self.signingTime + 16 * 60).failure?.message.hasPrefix("Signature expired") == true)
        #expect(
            verify(valid, now: Self.signingTime - 16 * 60).failure?.message.hasPrefix("Signature not yet current")
                == true)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
