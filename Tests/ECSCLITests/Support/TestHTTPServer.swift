import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A tiny blocking HTTP server on a thread of its own, listening on a Unix socket (for
/// berth's client) or on 127.0.0.1 (for the real aws CLI). Each connection gets the next
/// canned response (the last one repeats); requests are recorded.
final class TestHTTPServer: @unchecked Sendable {
    struct Request: Sendable, Equatable {
        var requestLine: String
        var headers: [String: String]
        var body: String

        /// The operation from `X-Amz-Target`.
        var operation: String? {
            headers["x-amz-target"].flatMap { $0.split(separator: ".").last.map(String.init) }
        }
    }

    /// A canned answer: raw bytes, written as they are, then the connection is closed.
    struct Response: Sendable {
        var bytes: [UInt8]
        /// Wait this long before answering (to test timeouts).
        var delay: Double = 0

        static func json(_ body: String, status: Int = 200, reason: String = "OK", headers: [String] = []) -> Response {
            let data = Array(body.utf8)
            var head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/x-amz-json-1.1\r\n"
            head += "Content-Length: \(data.count)\r\nx-amzn-RequestId: test-request\r\n"
            for header in headers { head += header + "\r\n" }
            head += "Connection: close\r\n\r\n"
            return Response(bytes: Array(head.utf8) + data)
        }

        static func error(_ type: String, _ message: String, status: Int = 400) -> Response {
            let body = "{\"__type\":\"\(type)\",\"message\":\"\(message)\"}"
            return json(body, status: status, reason: "Bad Request")
        }

        /// The body in chunks of the given sizes.
        static func chunked(_ body: String, chunkSizes: [Int], status: Int = 200) -> Response {
            var head = "HTTP/1.1 \(status) OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
            head += "Transfer-Encoding: chunked\r\n\r\n"
            var bytes = Array(head.utf8)
            var rest = Array(body.utf8)
            var sizes = chunkSizes
            while !rest.isEmpty {
                let size = min(sizes.isEmpty ? rest.count : sizes.removeFirst(), rest.count)
                bytes += Array((String(size, radix: 16) + ";ext=1\r\n").utf8) + rest[0..<size] + Array("\r\n".utf8)
                rest.removeFirst(size)
            }
            bytes += Array("0\r\nX-Trailer: yes\r\n\r\n".utf8)
            return Response(bytes: bytes)
        }
    }

    let socketPath: String?
    private(set) var port: Int = 0
    private let listener: Int32
    private let lock = NSLock()
    private var responses: [Response]
    private var recorded: [Request] = []
    private var stopped = false
    private let done = DispatchSemaphore(value: 0)

    /// A server on a Unix socket in a fresh temporary directory.
    convenience init(unixResponses responses: [Response]) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-ecscli-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try self.init(socketPath: directory.appendingPathComponent("berthd.sock").path, responses: responses)
    }

    /// A server on 127.0.0.1 (an ephemeral port).
    convenience init(loopbackResponses responses: [Response]) throws {
        try self.init(socketPath: nil, responses: responses)
    }

    private init(socketPath: String?, responses: [Response]) throws {
        self.socketPath = socketPath
        self.responses = responses
        if let socketPath {
            listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            let path = Array(socketPath.utf8)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                raw.copyBytes(from: path)
                raw[path.count] = 0
            }
            let ok = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard ok == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } else {
            listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            let ok = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard ok == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            var bound = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &bound) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
            }
            port = Int(UInt16(bigEndian: bound.sin_port))
        }
        guard listen(listener, 16) == 0 else { throw POSIXError(.EIO) }
        let thread = Thread { [self] in serve() }
        thread.start()
    }

    var requests: [Request] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
        if let socketPath {
            unlink(socketPath)
            rmdir((socketPath as NSString).deletingLastPathComponent)
        }
    }

    private func serve() {
        defer { done.signal() }
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            lock.lock()
            let isStopped = stopped
            let response = responses.count > 1 ? responses.removeFirst() : responses.first
            lock.unlock()
            if isStopped {
                close(fd)
                return
            }
            if let request = readRequest(fd) {
                lock.lock()
                recorded.append(request)
                lock.unlock()
            }
            if let response {
                if response.delay > 0 { Thread.sleep(forTimeInterval: response.delay) }
                var offset = 0
                while offset < response.bytes.count {
                    let n = response.bytes.withUnsafeBytes {
                        send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
                    }
                    if n <= 0 { break }
                    offset += n
                }
            }
            close(fd)
        }
    }

    private func readRequest(_ fd: Int32) -> Request? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func more() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return false }
            buffer += chunk[0..<n]
            return true
        }
        var headEnd: Int?
        while headEnd == nil {
            if let range = findCRLFCRLF(buffer) {
                headEnd = range
            } else if !more() {
                return nil
            }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let start = headEnd! + 4
        while buffer.count < start + length {
            if !more() { break }
        }
        let body = String(decoding: buffer[start..<min(buffer.count, start + length)], as: UTF8.self)
        return Request(requestLine: head.first ?? "", headers: headers, body: body)
    }

    private func findCRLFCRLF(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4)
        where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }
}

/// Runs blocking work (a child process, a blocking client) on a thread of its own, off
/// Swift's cooperative pool.
func onDedicatedThread<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Swift.Result { try work() }) }.start()
    }
}
