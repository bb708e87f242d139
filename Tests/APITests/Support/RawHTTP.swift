import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A deliberately dumb HTTP client: writes exactly the bytes given and reads until the server closes,
/// so tests can send what no real client would (garbage, lies about lengths) and see every byte back.
enum RawHTTP {
    enum Endpoint: Sendable {
        case unix(String)
        case tcp(port: Int)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One parsed response.
    struct Response: Sendable {
        var status: Int
        /// Lowercased names; the last value wins.
        var headers: [String: String]
        var body: String

        var errorType: String? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["__type"] as? String
        }
        var message: String? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["message"] as? String
        }
    }

    /// A request with `Connection: close`, so that the server ends the exchange.
    static func request(
        method: String = "POST", path: String = "/", target: String? = "AmazonEC2ContainerServiceV20141113.Echo",
        headers: [(String, String)] = [], body: String = "{}"
    ) -> Data {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: localhost", "Connection: close"]
        if let target { lines.append("X-Amz-Target: \(target)") }
        lines.append("Content-Type: application/x-amz-json-1.1")
        lines.append("Content-Length: \(body.utf8.count)")
        lines += headers.map { "\($0.0): \($0.1)" }
        return Data((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
    }

    /// Sends `bytes` and returns every response the server writes before closing.
    static func exchange(_ bytes: Data, with endpoint: Endpoint) async throws -> [Response] {
        let raw = try await onDedicatedThread { try sendAndReadToEnd(bytes, endpoint: endpoint) }
        return try parse(raw)
    }

    private static func sendAndReadToEnd(_ bytes: Data, endpoint: Endpoint) throws -> Data {
        let descriptor = try connect(to: endpoint)
        defer { close(descriptor) }
        // No test waits longer than this for the server; a hang becomes a failure, not a stuck suite.
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let sent = send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                // The server may answer and close before reading everything (e.g. garbage): stop sending.
                if sent < 0 { if errno == EINTR { continue } else { return } }
                offset += sent
            }
        }
        var received = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count == 0 { return received }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return received }
                throw Failure(description: "recv: \(String(cString: strerror(errno))) after \(received.count) bytes")
            }
            received.append(contentsOf: chunk[0..<count])
        }
    }

    private static func connect(to endpoint: Endpoint) throws -> Int32 {
        switch endpoint {
        case .unix(let path):
            let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0 else {
                close(descriptor)
                throw Failure(description: "connect \(path): \(String(cString: strerror(errno)))")
            }
            return descriptor
        case .tcp(let port):
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                close(descriptor)
                throw Failure(description: "connect 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
            }
            return descriptor
        }
    }

    /// Splits the bytes into responses (a 100 Continue and its final answer, say).
    static func parse(_ raw: Data) throws -> [Response] {
        var responses: [Response] = []
        var rest = raw[...]
        let separator = Data("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let end = rest.range(of: separator) else {
                throw Failure(description: "truncated response head: \(String(decoding: rest, as: UTF8.self))")
            }
            let lines = String(decoding: rest[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
            let statusParts = lines[0].split(separator: " ")
            guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
                throw Failure(description: "bad status line: \(lines[0])")
            }
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = end.upperBound
            guard rest.distance(from: bodyStart, to: rest.endIndex) >= length else {
                throw Failure(
                    description:
                        "truncated body (\(rest.distance(from: bodyStart, to: rest.endIndex)) of \(length) bytes) "
                        + "after \(lines.joined(separator: " | "))")
            }
            let bodyEnd = rest.index(bodyStart, offsetBy: length)
            responses.append(
                Response(
                    status: status, headers: headers, body: String(decoding: rest[bodyStart..<bodyEnd], as: UTF8.self)))
            rest = rest[bodyEnd...]
        }
        return responses
    }
}
