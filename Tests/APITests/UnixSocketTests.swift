import API
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The Unix socket: how it is put in place, and a real client (curl) using it without any signature.
@Suite("Unix socket")
struct UnixSocketTests {
    func status(_ path: String) throws -> stat {
        var status = stat()
        guard lstat(path, &status) == 0 else { throw RawHTTP.Failure(description: "lstat \(path) failed") }
        return status
    }

    @Test("The socket is mode 0660 in a 0755 directory created for it, owned by root and group berth")
    func socketFile() async throws {
        try await TestServer.with { server in
            let socket = try status(server.socketPath)
            #expect(socket.st_mode & S_IFMT == S_IFSOCK)
            #expect(socket.st_mode & 0o7777 == 0o660)
            #expect(try status("\(server.directory)/run").st_mode & 0o7777 == 0o755)
            if geteuid() == 0 { #expect(socket.st_uid == 0) }
            if let berth = getgrnam("berth") { #expect(socket.st_gid == berth.pointee.gr_gid) }
            // Nothing is left of the private directory the socket was bound in.
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(server.directory)/run") == ["berthd.sock"])
        }
    }

    @Test("stop() removes the socket file")
    func stopRemovesSocket() async throws {
        let path = try await TestServer.with { $0.socketPath }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("A stale socket file is replaced; a live one, or a file that is not a socket, is refused")
    func staleAndLiveSockets() async throws {
        let directory = TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/berthd.sock"

        // A socket nobody listens on any more: bound, then its descriptor closed.
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(descriptor)

        let first = ECSServer(
            configuration: ECSServerConfiguration(unixSocketPath: path), handler: TestHandler.standard)
        try await first.start()
        let responses = try await RawHTTP.exchange(
            RawHTTP.request(target: "AmazonEC2ContainerServiceV20141113.ListClusters"), with: .unix(path))
        #expect(responses.first?.status == 200)

        let second = ECSServer(
            configuration: ECSServerConfiguration(unixSocketPath: path), handler: TestHandler.standard)
        let error = await #expect(throws: ECSServerError.self) { try await second.start() }
        #expect(error?.message.contains("is serving \(path)") == true)
        try await first.stop()

        FileManager.default.createFile(atPath: path, contents: Data("not a socket".utf8))
        let third = ECSServer(
            configuration: ECSServerConfiguration(unixSocketPath: path), handler: TestHandler.standard)
        let notSocket = await #expect(throws: ECSServerError.self) { try await third.start() }
        #expect(notSocket?.message.contains("is not a socket") == true)
    }

    @Test("curl over the socket: no signature needed", .enabled(if: Tools.hasCurl, "needs curl"))
    func curl() async throws {
        try await TestServer.with { server in
            let result = try await ExternalCommand.run([
                "curl", "-sS", "--unix-socket", server.socketPath,
                "-H", "X-Amz-Target: AmazonEC2ContainerServiceV20141113.ListClusters", "-d", "{}",
                "http://localhost/",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == #"{"clusterArns":[]}"#)

            let verbose = try await ExternalCommand.run([
                "curl", "-sS", "-i", "--unix-socket", server.socketPath,
                "-H", "X-Amz-Target: AmazonEC2ContainerServiceV20141113.Whoami", "-d", "", "http://localhost/",
            ])
            #expect(verbose.stdout.lowercased().contains("content-type: application/x-amz-json-1.1"))
            #expect(verbose.stdout.lowercased().contains("x-amzn-requestid: "))
            #expect(verbose.stdout.contains(#""caller":"unix""#))
        }
    }

    @Test(
        "curl with a body over 1 MiB gets the 413 (curl sends it behind Expect: 100-continue)",
        .enabled(if: Tools.hasCurl, "needs curl"))
    func curlOversized() async throws {
        try await TestServer.with { server in
            let file = "\(server.directory)/big.json"
            try Data(repeating: UInt8(ascii: "x"), count: 3 << 20).write(to: URL(fileURLWithPath: file))
            let result = try await ExternalCommand.run([
                "curl", "-sS", "-i", "--unix-socket", server.socketPath,
                "-H", "X-Amz-Target: AmazonEC2ContainerServiceV20141113.Echo", "--data-binary", "@\(file)",
                "http://localhost/",
            ])
            #expect(result.stdout.hasPrefix("HTTP/1.1 413"), "\(result.stdout) \(result.stderr)")
            #expect(result.stdout.contains(#""__type":"RequestEntityTooLargeException""#))
        }
    }

    @Test("Concurrent clients are served concurrently", .timeLimit(.minutes(1)))
    func concurrency() async throws {
        // Each call waits until all four have arrived: only concurrent serving lets them finish.
        let arrivals = ArrivalBarrier(count: 4)
        let handler = TestHandler { _, body, _ in
            await arrivals.arriveAndWait()
            return body
        }
        try await TestServer.with(handler: handler) { server in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let responses = try await RawHTTP.exchange(
                            RawHTTP.request(body: "[\(index)]"), with: server.unix)
                        return responses.first?.status ?? 0
                    }
                }
                for try await status in group { #expect(status == 200) }
            }
        }
    }
}

/// Lets `count` tasks through together once the last of them has arrived.
actor ArrivalBarrier {
    private let count: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.count = count }

    func arriveAndWait() async {
        await withCheckedContinuation { continuation in
            waiting.append(continuation)
            if waiting.count == count {
                for waiter in waiting { waiter.resume() }
                waiting = []
            }
        }
    }
}
