import ECSModel
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP response.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var reason: String
    /// Header fields in arrival order, names as sent.
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(status: Int, reason: String = "", headers: [HTTPHeader] = [], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    /// The first field named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Why a request got no HTTP response.
public struct ECSTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Sends one ECS JSON request and returns the HTTP response.
public protocol ECSTransport: Sendable {
    func send(operation: String, body: [UInt8]) throws(ECSTransportError) -> HTTPResponse
}

/// The ECS JSON protocol (awsJson1_1) over HTTP/1.1 on berthd's Unix socket: a small
/// blocking client (no NIO, so `berth ecs` starts fast). One connection per request.
public struct UnixSocketHTTPClient: ECSTransport {
    public static let targetPrefix = "AmazonEC2ContainerServiceV20141113"
    public static let contentType = "application/x-amz-json-1.1"

    public var socketPath: String
    /// Seconds to wait for the connection; nil waits forever (aws: `--cli-connect-timeout`, default 60).
    public var connectTimeout: Double?
    /// Seconds to wait for each read; nil waits forever (aws: `--cli-read-timeout`, default 60).
    public var readTimeout: Double?

    public init(socketPath: String, connectTimeout: Double? = 60, readTimeout: Double? = 60) {
        self.socketPath = socketPath
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
    }

    /// The request bytes for `operation` with `body`.
    public static func request(operation: String, body: [UInt8]) -> [UInt8] {
        var head = "POST / HTTP/1.1\r\n"
        head += "Host: berthd\r\n"
        head += "X-Amz-Target: \(targetPrefix).\(operation)\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "User-Agent: berth-ecs-cli\r\n"
        head += "Accept-Encoding: identity\r\n"
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + body
    }

    public func send(operation: String, body: [UInt8]) throws(ECSTransportError) -> HTTPResponse {
        let fd = try connect()
        defer { close(fd) }
        try writeAll(fd, UnixSocketHTTPClient.request(operation: operation, body: body))
        var reader = SocketReader(fd: fd, timeout: readTimeout, socketPath: socketPath)
        return try HTTPResponseParser.read(from: &reader)
    }

    private func unreachable(_ code: Int32) -> ECSTransportError {
        ECSTransportError(
            "berth: cannot reach berthd at \(socketPath): \(String(cString: strerror(code))) "
                + "(is berthd running? start it with `berth daemon start`)")
    }

    private func connect() throws(ECSTransportError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socketPath.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !path.isEmpty, path.count < capacity else { throw unreachable(path.isEmpty ? ENOENT : ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path)
            raw[path.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw unreachable(errno) }
        // A Unix-socket connect blocks only while the listener's backlog is full; it
        // honours the send timeout.
        if let connectTimeout, connectTimeout > 0 { setTimeout(fd, SO_SNDTIMEO, connectTimeout) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + 1)
        var result: Int32
        repeat {
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
            }
        } while result != 0 && errno == EINTR
        if result != 0 {
            let code = errno
            close(fd)
            if code == EAGAIN || code == EINPROGRESS {
                throw ECSTransportError(
                    "berth: cannot reach berthd at \(socketPath): connect timed out after "
                        + "\(Self.seconds(connectTimeout ?? 0)) (berthd is not accepting connections)")
            }
            throw unreachable(code)
        }
        return fd
    }

    private func setTimeout(_ fd: Int32, _ option: Int32, _ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        _ = setsockopt(fd, SOL_SOCKET, option, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(ECSTransportError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw ECSTransportError(
                    "berth: lost the connection to berthd at \(socketPath) while sending: "
                        + String(cString: strerror(errno)))
            }
            offset += n
        }
    }

    static func seconds(_ value: Double) -> String {
        value.rounded() == value ? "\(Int(value)) s" : "\(value) s"
    }
}

/// Reads from a socket with a per-read timeout.
struct SocketReader: ByteSource {
    var fd: Int32
    var timeout: Double?
    var socketPath: String

    mutating func read(into buffer: inout [UInt8]) throws(ECSTransportError) -> Bool {
        while true {
            if let timeout, timeout > 0 {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&pfd, 1, Int32(min(timeout * 1000, Double(Int32.max))))
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw ECSTransportError("berth: reading from berthd failed: \(String(cString: strerror(errno)))")
                }
                if ready == 0 {
                    throw ECSTransportError(
                        "berth: timed out after \(UnixSocketHTTPClient.seconds(timeout)) waiting for berthd at "
                            + "\(socketPath) to answer (--cli-read-timeout)")
                }
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ECSTransportError(
                    "berth: lost the connection to berthd at \(socketPath): \(String(cString: strerror(errno)))")
            }
            if n == 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
    }
}

/// A source of bytes for the response parser (a socket, or bytes in tests).
protocol ByteSource {
    /// Appends what arrives to `buffer`; false at end of stream.
    mutating func read(into buffer: inout [UInt8]) throws(ECSTransportError) -> Bool
}

/// An HTTP/1.1 response reader: status line, headers, then a body framed by
/// Content-Length, chunked transfer coding, or the end of the connection.
enum HTTPResponseParser {
    static func read(from source: inout some ByteSource) throws(ECSTransportError) -> HTTPResponse {
        var buffer: [UInt8] = []
        var start = 0
        while true {
            guard let headEnd = try readUntil([13, 10, 13, 10], in: &buffer, from: start, source: &source) else {
                throw malformed(buffer.isEmpty ? "berthd closed the connection without answering" : "truncated headers")
            }
            var response = try parseHead(Array(buffer[start..<headEnd]))
            start = headEnd + 4
            // Interim responses (100 Continue) precede the real one.
            if (100..<200).contains(response.status) && response.status != 101 { continue }
            if let transfer = response.header("Transfer-Encoding"), transfer.lowercased().contains("chunked") {
                response.body = try readChunked(&buffer, from: start, source: &source)
            } else if let lengthText = response.header("Content-Length") {
                guard let length = Int(lengthText.trimmingCharacters(in: .whitespaces)), length >= 0 else {
                    throw malformed("bad Content-Length \(lengthText)")
                }
                while buffer.count - start < length {
                    guard try source.read(into: &buffer) else { throw malformed("body shorter than Content-Length") }
                }
                response.body = Array(buffer[start..<(start + length)])
            } else if response.status == 204 || response.status == 304 {
                response.body = []
            } else {
                while try source.read(into: &buffer) {}
                response.body = Array(buffer[start...])
            }
            return response
        }
    }

    private static func malformed(_ what: String) -> ECSTransportError {
        ECSTransportError("berth: malformed response from berthd: \(what)")
    }

    /// The index of `needle` at or after `from`, reading more as needed; nil at end of stream.
    private static func readUntil(_ needle: [UInt8], in buffer: inout [UInt8], from: Int, source: inout some ByteSource)
        throws(ECSTransportError) -> Int?
    {
        var searchFrom = from
        while true {
            if buffer.count >= needle.count {
                var i = searchFrom
                while i + needle.count <= buffer.count {
                    if buffer[i] == needle[0] && Array(buffer[i..<(i + needle.count)]) == needle { return i }
                    i += 1
                }
                searchFrom = max(from, buffer.count - needle.count + 1)
            }
            guard try source.read(into: &buffer) else { return nil }
        }
    }

    private static func parseHead(_ bytes: [UInt8]) throws(ECSTransportError) -> HTTPResponse {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100...999).contains(status)
        else { throw malformed("bad status line \(PythonText.repr(statusLine))") }
        var headers: [HTTPHeader] = []
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw malformed("bad header line \(PythonText.repr(line))")
            }
            headers.append(
                HTTPHeader(
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
        }
        return HTTPResponse(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers)
    }

    private static func readChunked(_ buffer: inout [UInt8], from start: Int, source: inout some ByteSource)
        throws(ECSTransportError) -> [UInt8]
    {
        var body: [UInt8] = []
        var position = start
        while true {
            guard let lineEnd = try readUntil([13, 10], in: &buffer, from: position, source: &source) else {
                throw malformed("truncated chunk size")
            }
            let sizeText = String(decoding: buffer[position..<lineEnd], as: UTF8.self)
            let hex = sizeText.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard let size = Int(hex, radix: 16), size >= 0 else {
                throw malformed("bad chunk size \(PythonText.repr(sizeText))")
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailers, up to an empty line.
                while true {
                    guard let end = try readUntil([13, 10], in: &buffer, from: position, source: &source) else {
                        return body  // tolerate a missing final CRLF
                    }
                    let empty = end == position
                    position = end + 2
                    if empty { return body }
                }
            }
            while buffer.count < position + size + 2 {
                guard try source.read(into: &buffer) else { throw malformed("truncated chunk") }
            }
            body.append(contentsOf: buffer[position..<(position + size)])
            guard buffer[position + size] == 13, buffer[position + size + 1] == 10 else {
                throw malformed("chunk not followed by CRLF")
            }
            position += size + 2
        }
    }
}

/// The ECS API as the aws CLI's botocore client sees it.
public struct ECSClient: Sendable {
    public var transport: any ECSTransport

    public init(transport: any ECSTransport) {
        self.transport = transport
    }

    /// What the service said: a body (2xx), or an error code and message.
    public enum Outcome: Sendable, Equatable {
        case success(JSON, status: Int)
        case failure(code: String, message: String, status: Int)
    }

    /// Sends `body` to `operation`.
    public func call(_ operation: String, body: JSON) throws(ECSTransportError) -> Outcome {
        let response = try transport.send(operation: operation, body: Array(body.compactText.utf8))
        return ECSClient.outcome(of: response)
    }

    /// botocore's JSON response parsing: a status of 300 or more is an error whose code
    /// is `__type` without any `namespace#` prefix (or `:`-suffix), else the status.
    public static func outcome(of response: HTTPResponse) -> Outcome {
        let text = String(decoding: response.body, as: UTF8.self)
        let parsed: JSON
        if response.body.isEmpty {
            parsed = .object([])
        } else if let json = try? JSON.parse(text) {
            parsed = json
        } else {
            parsed = .object([JSONMember("message", .string(text))])
        }
        guard response.status >= 301 else {
            if case .object = parsed { return .success(parsed, status: response.status) }
            return .success(.object([]), status: response.status)
        }
        let message: String
        switch parsed["message"] ?? parsed["Message"] {
        case .string(let s)?: message = s
        case let other?: message = PythonText.str(other)
        case nil: message = ""
        }
        var code: String
        switch parsed["__type"] {
        case .string(let s)?: code = s
        case let other?: code = PythonText.str(other)
        case nil: code = String(response.status)
        }
        if let colon = code.firstIndex(of: ":") { code = String(code[..<colon]) }
        if let hash = code.lastIndex(of: "#") { code = String(code[code.index(after: hash)...]) }
        return .failure(code: code, message: message, status: response.status)
    }
}
