import API
import Foundation
import Testing

/// What no well-behaved client sends. Each gets a 4xx in AWS's error format with a message that says
/// what is wrong, and the server answers the next request as if nothing had happened.
@Suite("Bad input")
struct BadInputTests {
    static let listClusters = RawHTTP.request(target: "AmazonEC2ContainerServiceV20141113.ListClusters")

    /// Sends `bytes`, expects one final response with `status` and `type`, then checks the server still serves.
    func expectRejected(
        _ bytes: Data, on endpoint: RawHTTP.Endpoint, status: Int, type: String, messageContains: String
    ) async throws {
        let responses = try await RawHTTP.exchange(bytes, with: endpoint)
        let response = try #require(responses.last, "no response")
        #expect(response.status == status, "\(response)")
        #expect(response.errorType == type, "\(response.body)")
        #expect(response.headers["x-amzn-errortype"] == type)
        #expect(response.headers["x-amzn-requestid"] != nil)
        #expect(response.message?.contains(messageContains) == true, "\(response.message ?? response.body)")
        // Over TCP the follow-up is unsigned, so its answer is a 400; any answer shows the server is fine.
        let next = try await RawHTTP.exchange(Self.listClusters, with: endpoint)
        #expect(next.first?.headers["x-amzn-requestid"] != nil, "the server stopped answering after \(type)")
        if case .unix = endpoint { #expect(next.first?.status == 200) }
    }

    @Test("Unknown operation, unknown target, missing target, GET, wrong path")
    func notECSCalls() async throws {
        try await TestServer.with { server in
            try await expectRejected(
                RawHTTP.request(target: "AmazonEC2ContainerServiceV20141113.DescribeNothing"), on: server.unix,
                status: 400, type: "UnknownOperationException", messageContains: "DescribeNothing")
            try await expectRejected(
                RawHTTP.request(target: "Kinesis_20131202.ListStreams"), on: server.unix, status: 400,
                type: "UnknownOperationException",
                messageContains: "Unknown X-Amz-Target 'Kinesis_20131202.ListStreams'")
            try await expectRejected(
                RawHTTP.request(target: nil), on: server.unix, status: 400, type: "UnknownOperationException",
                messageContains: "no X-Amz-Target header")
            try await expectRejected(
                RawHTTP.request(method: "GET", body: ""), on: server.unix, status: 400,
                type: "UnknownOperationException", messageContains: "GET is not supported")
            try await expectRejected(
                RawHTTP.request(path: "/v1/clusters"), on: server.unix, status: 404, type: "UnknownOperationException",
                messageContains: "Nothing is served at '/v1/clusters'")
        }
    }

    @Test("A body over 1 MiB: 413, whether announced, chunked, or behind Expect: 100-continue")
    func oversizedBodies() async throws {
        try await TestServer.with { server in
            let big = String(repeating: "x", count: (1 << 20) + 1)
            let message = "larger than berthd's limit of 1048576 bytes (1 MiB)"
            try await expectRejected(
                RawHTTP.request(body: big), on: server.unix, status: 413, type: "RequestEntityTooLargeException",
                messageContains: message)
            // A client that waits for 100 Continue before sending its body gets the 413 instead.
            let announced = String(
                decoding: RawHTTP.request(headers: [("Expect", "100-continue")], body: big), as: UTF8.self
            )
            .replacingOccurrences(of: big, with: "")
            .replacingOccurrences(of: "Content-Length: 2\r\n", with: "Content-Length: \(big.utf8.count)\r\n")
            #expect(announced.contains("Content-Length: \(big.utf8.count)\r\n"))
            try await expectRejected(
                Data(announced.utf8), on: server.unix, status: 413, type: "RequestEntityTooLargeException",
                messageContains: message)

            let chunk = String(repeating: "y", count: 256 * 1024)
            var chunked = "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
            chunked += "X-Amz-Target: AmazonEC2ContainerServiceV20141113.Echo\r\n\r\n"
            for _ in 0..<5 { chunked += String(chunk.utf8.count, radix: 16) + "\r\n" + chunk + "\r\n" }
            chunked += "0\r\n\r\n"
            try await expectRejected(
                Data(chunked.utf8), on: server.unix, status: 413, type: "RequestEntityTooLargeException",
                messageContains: message)

            // Exactly the limit is fine.
            let exact = String(repeating: "z", count: 1 << 20)
            let echoed = try await RawHTTP.exchange(RawHTTP.request(body: exact), with: server.unix)
            #expect(echoed.last?.status == 200)
            #expect(echoed.last?.body.count == 1 << 20)
        }
    }

    @Test("Bytes that are not HTTP: 400 SerializationException, over either listener")
    func garbage() async throws {
        try await TestServer.with(tcp: true) { server in
            let garbage = Data(
                [0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03] + Array("\r\n\r\n".utf8))
            for endpoint in [server.unix, server.tcp] {
                try await expectRejected(
                    garbage, on: endpoint, status: 400, type: "SerializationException",
                    messageContains: "not valid HTTP/1.1")
                try await expectRejected(
                    Data("HELLO\r\n\r\n".utf8), on: endpoint, status: 400, type: "SerializationException",
                    messageContains: "not valid HTTP/1.1")
            }
        }
    }

    @Test("A body that is not JSON reaches the handler untouched (validation is the handler's)")
    func garbageBody() async throws {
        try await TestServer.with { server in
            let responses = try await RawHTTP.exchange(RawHTTP.request(body: "{not json"), with: server.unix)
            #expect(responses.first?.status == 200)
            #expect(responses.first?.body == "{not json")
        }
    }

    @Test("Unsigned requests over TCP: MissingAuthenticationTokenException, and TCP keeps serving")
    func unsignedTCP() async throws {
        try await TestServer.with(tcp: true) { server in
            let responses = try await RawHTTP.exchange(Self.listClusters, with: server.tcp)
            #expect(responses.first?.status == 400)
            #expect(responses.first?.errorType == "MissingAuthenticationTokenException")
            #expect(responses.first?.message == "Request is missing Authentication Token")
            let again = try await RawHTTP.exchange(Self.listClusters, with: server.tcp)
            #expect(again.first?.errorType == "MissingAuthenticationTokenException")
        }
    }

    @Test("Keep-alive: several requests on one connection, and 100-continue is answered")
    func keepAliveAndContinue() async throws {
        try await TestServer.with { server in
            let first = String(decoding: RawHTTP.request(body: "[1]"), as: UTF8.self)
                .replacingOccurrences(of: "Connection: close\r\n", with: "Expect: 100-continue\r\n")
            let second = RawHTTP.request(body: "[2]")
            let responses = try await RawHTTP.exchange(Data(first.utf8) + second, with: server.unix)
            #expect(responses.map(\.status) == [100, 200, 200])
            #expect(responses.map(\.body) == ["", "[1]", "[2]"])
        }
    }

    @Test("stop() lets a request in progress finish, then refuses new connections")
    func gracefulStop() async throws {
        let started = ArrivalBarrier(count: 2)
        let handler = TestHandler { _, body, _ in
            await started.arriveAndWait()
            try await Task.sleep(for: .milliseconds(300))
            return body
        }
        try await TestServer.with(handler: handler) { server in
            async let response = RawHTTP.exchange(RawHTTP.request(body: "[\"slow\"]"), with: server.unix)
            await started.arriveAndWait()
            try await server.server.stop()
            #expect(try await response.first?.body == #"["slow"]"#)
            await #expect(throws: RawHTTP.Failure.self) {
                try await RawHTTP.exchange(Self.listClusters, with: server.unix)
            }
        }
    }

    // The handler would sleep an hour: returning at all (within the time limit) shows stop() cancelled it.
    @Test(
        "stop() past the grace period closes busy connections and cancels their handler calls",
        .timeLimit(.minutes(2)))
    func stopAfterGracePeriod() async throws {
        let started = ArrivalBarrier(count: 2)
        let cancelled = Recorder()
        let handler = TestHandler { _, _, _ in
            await started.arriveAndWait()
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                await cancelled.record("\(type(of: error))")
                throw error
            }
            return Data()
        }
        try await TestServer.with(handler: handler, configure: { $0.shutdownGracePeriod = .milliseconds(200) }) {
            server in
            async let response = RawHTTP.exchange(RawHTTP.request(), with: server.unix)
            await started.arriveAndWait()
            try await server.server.stop()
            #expect(await cancelled.entries == ["CancellationError"])
            // The connection was closed without an answer.
            #expect(try await response.isEmpty)
        }
    }
}
