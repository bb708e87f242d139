import Foundation
import Testing

@testable import ECSCLI

#if canImport(Glibc)
    import Glibc
#endif

/// berth's HTTP/1.1 client over AF_UNIX, against a test server on a Unix socket.
@Suite("Unix-socket client")
struct UnixSocketClientTests {
    @Test("The request: POST /, the ECS target and content type, the body")
    func request() async throws {
        let server = try TestHTTPServer(unixResponses: [
            .json(#"{"clusterArns":["arn:aws:ecs:us-east-1:0:cluster/default"]}"#)
        ])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let response = try await onDedicatedThread {
            try UnixSocketHTTPClient(socketPath: path).send(
                operation: "ListClusters", body: Array(#"{"maxResults":5}"#.utf8))
        }
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/x-amz-json-1.1")
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == #"{"clusterArns":["arn:aws:ecs:us-east-1:0:cluster/default"]}"#)
        let request = try #require(server.requests.first)
        #expect(request.requestLine == "POST / HTTP/1.1")
        #expect(request.headers["x-amz-target"] == "AmazonEC2ContainerServiceV20141113.ListClusters")
        #expect(request.headers["content-type"] == "application/x-amz-json-1.1")
        #expect(request.headers["content-length"] == "16")
        #expect(request.body == #"{"maxResults":5}"#)
    }

    @Test("berth ecs end to end over the socket: output and exit status")
    func endToEnd() async throws {
        let server = try TestHTTPServer(unixResponses: [
            .json(
                #"{"cluster":{"clusterName":"fargate-cluster","status":"ACTIVE","clusterArn":"arn:aws:ecs:us-east-1:0:cluster/fargate-cluster"}}"#
            )
        ])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let outcome = try await onDedicatedThread {
            Harness.run(["create-cluster", "--cluster-name", "fargate-cluster", "--socket", path], transport: nil)
        }
        #expect(
            outcome
                == Outcome(
                    status: 0,
                    stdout: """
                        {
                            "cluster": {
                                "clusterArn": "arn:aws:ecs:us-east-1:0:cluster/fargate-cluster",
                                "clusterName": "fargate-cluster",
                                "status": "ACTIVE"
                            }
                        }

                        """, stderr: ""))
        #expect(server.requests.map(\.body) == [#"{"clusterName":"fargate-cluster"}"#])
    }

    @Test("An error response: __type without its namespace, exit 254")
    func errorResponse() async throws {
        let server = try TestHTTPServer(unixResponses: [
            .error("com.amazonaws.ecs#ClusterNotFoundException", "Cluster not found.")
        ])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let outcome = try await onDedicatedThread {
            Harness.run(
                ["run-task", "--task-definition", "t", "--cluster", "nope"], transport: nil,
                environment: ["BERTH_SOCKET": path])
        }
        #expect(
            outcome
                == Outcome(
                    status: 254, stdout: "",
                    stderr:
                        "\nAn error occurred (ClusterNotFoundException) when calling the RunTask operation: Cluster not found.\n"
                ))
    }

    @Test("A chunked response, with chunk extensions and trailers")
    func chunked() async throws {
        let body = #"{"families":["a","b","c"]}"#
        let server = try TestHTTPServer(unixResponses: [.chunked(body, chunkSizes: [1, 5, 3])])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let response = try await onDedicatedThread {
            try UnixSocketHTTPClient(socketPath: path).send(
                operation: "ListTaskDefinitionFamilies", body: Array("{}".utf8))
        }
        #expect(String(decoding: response.body, as: UTF8.self) == body)
    }

    @Test("A body ended by the connection closing; an interim 100 response is skipped")
    func closeDelimitedAndContinue() async throws {
        let raw =
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\r\n{\"clusterArns\":[]}"
        let server = try TestHTTPServer(unixResponses: [.init(bytes: Array(raw.utf8))])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let response = try await onDedicatedThread {
            try UnixSocketHTTPClient(socketPath: path).send(operation: "ListClusters", body: Array("{}".utf8))
        }
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"clusterArns":[]}"#)
    }

    @Test("The socket is missing")
    func missingSocket() {
        #expect(
            throws: ECSTransportError(
                "berth: cannot reach berthd at /nonexistent/berth.sock: No such file or directory "
                    + "(is berthd running? start it with `berth daemon start`)")
        ) {
            try UnixSocketHTTPClient(socketPath: "/nonexistent/berth.sock").send(operation: "ListClusters", body: [])
        }
    }

    @Test("Nobody listens on the socket")
    func refused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stale.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
            raw[path.utf8.count] = 0
        }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        close(fd)  // bound, never listened on: a stale socket file
        #expect(
            throws: ECSTransportError(
                "berth: cannot reach berthd at \(path): Connection refused (is berthd running? start it with `berth daemon start`)"
            )
        ) {
            try UnixSocketHTTPClient(socketPath: path).send(operation: "ListClusters", body: [])
        }
    }

    @Test("A read timeout")
    func readTimeout() async throws {
        var slow = TestHTTPServer.Response.json("{}")
        slow.delay = 1.5
        let server = try TestHTTPServer(unixResponses: [slow])
        defer { server.stop() }
        let path = try #require(server.socketPath)
        let error = try await onDedicatedThread { () -> ECSTransportError? in
            do {
                _ = try UnixSocketHTTPClient(socketPath: path, readTimeout: 0.2).send(
                    operation: "ListClusters", body: [])
                return nil
            } catch let error as ECSTransportError {
                return error
            }
        }
        #expect(error?.message.hasPrefix("berth: timed out after 0.2 s waiting for berthd at \(path)") == true)
    }

    @Test("Malformed responses are reported, not crashed on")
    func malformed() throws {
        struct Bytes: ByteSource {
            var chunks: [[UInt8]]
            mutating func read(into buffer: inout [UInt8]) throws(ECSTransportError) -> Bool {
                guard !chunks.isEmpty else { return false }
                buffer += chunks.removeFirst()
                return true
            }
        }
        func parse(_ text: String) -> String {
            var source = Bytes(chunks: Array(text.utf8).map { [$0] })
            do {
                let response = try HTTPResponseParser.read(from: &source)
                return "\(response.status) \(String(decoding: response.body, as: UTF8.self))"
            } catch {
                return error.message
            }
        }
        #expect(parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}") == "200 {}")
        #expect(parse("") == "berth: malformed response from berthd: berthd closed the connection without answering")
        #expect(parse("SMTP ready\r\n\r\n") == "berth: malformed response from berthd: bad status line 'SMTP ready'")
        #expect(
            parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n{}")
                == "berth: malformed response from berthd: body shorter than Content-Length")
        #expect(
            parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                == "berth: malformed response from berthd: bad chunk size 'zz'")
    }

    @Test("botocore's error parsing")
    func errorParsing() {
        func outcome(_ status: Int, _ body: String) -> ECSClient.Outcome {
            ECSClient.outcome(of: HTTPResponse(status: status, body: Array(body.utf8)))
        }
        #expect(
            outcome(400, #"{"__type":"ClientException","message":"m"}"#)
                == .failure(code: "ClientException", message: "m", status: 400))
        #expect(
            outcome(400, #"{"__type":"a.b#InvalidParameterException","Message":"M"}"#)
                == .failure(code: "InvalidParameterException", message: "M", status: 400))
        #expect(
            outcome(400, #"{"__type":"ThrottlingException:http://internal"}"#)
                == .failure(code: "ThrottlingException", message: "", status: 400))
        #expect(outcome(503, "") == .failure(code: "503", message: "", status: 503))
        #expect(outcome(200, "") == .success(.object([]), status: 200))
    }
}
