import ECSModel
import Foundation
import Testing

@testable import API

/// The AWS JSON 1.1 envelope and error mapping, without sockets.
@Suite("Request processing")
struct RequestProcessorTests {
    let processor = ECSRequestProcessor(
        handler: TestHandler.standard, authentication: .socketPermissions)

    func request(
        method: String = "POST", uri: String = "/", target: String? = "AmazonEC2ContainerServiceV20141113.Echo",
        body: String = "{}"
    ) -> ReceivedRequest {
        var headers: [(name: String, value: String)] = [("Host", "localhost")]
        if let target { headers.append(("X-Amz-Target", target)) }
        return ReceivedRequest(method: method, uri: uri, headers: headers, body: Data(body.utf8))
    }

    func header(_ reply: HTTPReply, _ name: String) -> String? {
        reply.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func errorBody(_ reply: HTTPReply) throws -> [String: String] {
        try #require(try JSONSerialization.jsonObject(with: reply.body) as? [String: String])
    }

    @Test("A handler's answer is a 200 application/x-amz-json-1.1 with a request id")
    func success() async throws {
        let reply = await processor.process(request(target: "AmazonEC2ContainerServiceV20141113.ListClusters"))
        #expect(reply.status == 200)
        #expect(String(decoding: reply.body, as: UTF8.self) == #"{"clusterArns":[]}"#)
        #expect(header(reply, "Content-Type") == "application/x-amz-json-1.1")
        let requestId = try #require(header(reply, "x-amzn-RequestId"))
        #expect(UUID(uuidString: requestId) != nil && requestId == requestId.lowercased())
    }

    @Test("An empty body reaches the handler as {}; any other body as sent")
    func bodies() async {
        #expect(String(decoding: await processor.process(request(body: "")).body, as: UTF8.self) == "{}")
        let garbage = "\u{1}not json{"
        #expect(String(decoding: await processor.process(request(body: garbage)).body, as: UTF8.self) == garbage)
    }

    @Test("An ECSError keeps its type, message and status, in AWS's error format")
    func ecsError() async throws {
        let reply = await processor.process(request(target: "AmazonEC2ContainerServiceV20141113.Boom"))
        #expect(reply.status == 400)
        #expect(String(decoding: reply.body, as: UTF8.self) == #"{"__type":"ClientException","message":"boom"}"#)
        #expect(header(reply, "x-amzn-ErrorType") == "ClientException")
        #expect(header(reply, "x-amzn-RequestId") != nil)
    }

    @Test("Any other error is a 500 ServerException that does not leak the error")
    func otherError() async throws {
        let reply = await processor.process(request(target: "AmazonEC2ContainerServiceV20141113.Crash"))
        #expect(reply.status == 500)
        let body = try errorBody(reply)
        #expect(body["__type"] == "ServerException")
        #expect(body["message"]?.contains(try #require(header(reply, "x-amzn-RequestId"))) == true)
        #expect(body["message"]?.contains("Crash") == false)
    }

    @Test("ServerException thrown by the handler is a 500")
    func serverException() async {
        let failing = ECSRequestProcessor(
            handler: TestHandler { _, _, _ in throw ECSError(.serverException, "disk full") },
            authentication: .socketPermissions)
        #expect(await failing.process(request()).status == 500)
    }

    @Test(
        "Not an ECS call: 4xx UnknownOperationException that says what berthd expects",
        arguments: [
            ("GET", "/", "AmazonEC2ContainerServiceV20141113.Echo", 400, "GET is not supported"),
            ("POST", "/other", "AmazonEC2ContainerServiceV20141113.Echo", 404, "Nothing is served at '/other'"),
            ("POST", "/", nil, 400, "The request has no X-Amz-Target header"),
            ("POST", "/", "DynamoDB_20120810.ListTables", 400, "Unknown X-Amz-Target 'DynamoDB_20120810.ListTables'"),
            ("POST", "/", "AmazonEC2ContainerServiceV20141113.", 400, "Unknown X-Amz-Target"),
            ("POST", "/", "AmazonEC2ContainerServiceV20141113.List/Clusters", 400, "Unknown X-Amz-Target"),
        ] as [(String, String, String?, Int, String)])
    func notECS(method: String, uri: String, target: String?, status: Int, message: String) async throws {
        let reply = await processor.process(request(method: method, uri: uri, target: target))
        #expect(reply.status == status)
        let body = try errorBody(reply)
        #expect(body["__type"] == "UnknownOperationException")
        #expect(body["message"]?.hasPrefix(message) == true, "\(body)")
        #expect(body["message"]?.contains("X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Operation>") == true)
    }

    @Test("An operation the handler does not serve is its UnknownOperationException")
    func unknownOperation() async throws {
        let reply = await processor.process(request(target: "AmazonEC2ContainerServiceV20141113.Nope"))
        #expect(reply.status == 400)
        #expect(try errorBody(reply)["__type"] == "UnknownOperationException")
    }

    @Test("The handler learns the caller: Unix socket, or the TCP signer and region")
    func context() async throws {
        let reply = await processor.process(request(target: "AmazonEC2ContainerServiceV20141113.Whoami"))
        #expect(try errorBody(reply)["caller"] == "unix")
        #expect(try errorBody(reply)["requestId"] == header(reply, "x-amzn-RequestId"))
    }

    @Test("Over TCP an unsigned request is refused before anything else, even a GET")
    func tcpNeedsSignature() async throws {
        let tcp = ECSRequestProcessor(
            handler: TestHandler.standard,
            authentication: .sigV4(SigV4Verifier(credentials: [DaemonCredential.generate()])))
        for unsigned in [request(), request(method: "GET", uri: "/nowhere")] {
            let reply = await tcp.process(unsigned)
            #expect(reply.status == 400)
            #expect(
                try errorBody(reply)
                    == [
                        "__type": "MissingAuthenticationTokenException",
                        "message": "Request is missing Authentication Token",
                    ])
        }
    }
}
