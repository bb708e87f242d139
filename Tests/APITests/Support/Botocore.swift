import API
import Foundation

/// Signs requests with botocore's own `SigV4Auth` (what the aws CLI uses), at a fixed time, so the
/// verifier is checked against the real client and not against a re-implementation of itself.
enum Botocore {
    struct Request: Encodable, Sendable {
        var accessKeyId: String
        var secret: String
        var method = "POST"
        var url: String
        var headers: [String: String]
        var body: String
        var region = "us-east-1"
        var service = "ecs"
        /// ISO 8601 basic, UTC: botocore's clock is frozen at this instant while signing.
        var timestamp: String
    }

    private struct Signed: Decodable {
        var headers: [[String]]
        var host: String
    }

    /// botocore.auth.SigV4Auth.add_auth on each request, with get_current_datetime patched.
    static let script = """
        import datetime, json, sys
        from unittest import mock
        import botocore.auth, botocore.awsrequest, botocore.credentials
        out = []
        for case in json.load(sys.stdin):
            request = botocore.awsrequest.AWSRequest(
                method=case["method"], url=case["url"], data=case["body"].encode("utf-8"), headers=case["headers"])
            instant = datetime.datetime.strptime(case["timestamp"], "%Y%m%dT%H%M%SZ")
            credentials = botocore.credentials.Credentials(case["accessKeyId"], case["secret"])
            with mock.patch.object(botocore.auth, "get_current_datetime", return_value=instant):
                botocore.auth.SigV4Auth(credentials, case["service"], case["region"]).add_auth(request)
            out.append({"headers": [[k, v] for k, v in request.headers.items()],
                        "host": botocore.auth._host_from_url(case["url"])})
        json.dump(out, sys.stdout)
        """

    /// The requests as berthd would receive them: botocore's headers (Authorization and X-Amz-Date
    /// added), plus what the HTTP client adds unsigned (Host, Content-Length, Accept-Encoding).
    static func sign(_ requests: [Request]) async throws -> [SigV4Request] {
        let result = try await ExternalCommand.run(
            ["python3", "-c", script], stdin: try JSONEncoder().encode(requests))
        guard result.status == 0 else {
            throw RawHTTP.Failure(description: "botocore signing failed: \(result.stderr)")
        }
        let signed = try JSONDecoder().decode([Signed].self, from: Data(result.stdout.utf8))
        return zip(requests, signed).map { request, signed in
            let url = URL(string: request.url)!
            let query = url.query(percentEncoded: true).map { "?\($0)" } ?? ""
            var headers = signed.headers.map { (name: $0[0], value: $0[1]) }
            headers.insert((name: "Host", value: signed.host), at: 0)
            headers.append((name: "Content-Length", value: "\(request.body.utf8.count)"))
            headers.append((name: "Accept-Encoding", value: "identity"))
            return SigV4Request(
                method: request.method, uri: url.path(percentEncoded: true) + query, headers: headers,
                body: Data(request.body.utf8))
        }
    }
}
