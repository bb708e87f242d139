import CLinuxKit
import LinuxKit

#if canImport(Glibc)
    import Glibc
#endif

/// A container's stdout and stderr as the shim keeps them: one file, one line per record, in the CRI
/// log format that kubelet and CRI-O write (`<RFC 3339 time> <stream> <F|P> <text>`). `F` ends a line;
/// `P` is a piece of a line longer than `maxLine`, continued by the next record of the same stream.
///
/// The shim writes it, not berthd, so lines written while berthd is down are kept; each record is one
/// write(2) to an O_APPEND file, so readers never see half a record.
public struct ContainerLogWriter {
    public static let maxLine = 16 * 1024
    private let fd: Int32
    private var partial: [String: [UInt8]] = [:]

    /// Opens (creating, mode 0640) the log for appending.
    public init(path: String) throws(LaunchError) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else { throw .syscall(SyscallError("open log \(path)")) }
    }

    /// Bytes read from one stream: complete lines are written, the rest is kept for the next call.
    public mutating func append(_ bytes: ArraySlice<UInt8>, stream: String) {
        var pending = partial[stream] ?? []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                write(pending, stream: stream, tag: "F")
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
                if pending.count >= Self.maxLine {
                    write(pending, stream: stream, tag: "P")
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }
        partial[stream] = pending
    }

    /// The stream ended: a last line without a newline is still a line.
    public mutating func finish(stream: String) {
        if let pending = partial[stream], !pending.isEmpty { write(pending, stream: stream, tag: "F") }
        partial[stream] = nil
    }

    public func close() { _ = Glibc.close(fd) }

    private func write(_ text: [UInt8], stream: String, tag: String) {
        var time = [CChar](repeating: 0, count: 32)
        bk_rfc3339_now(&time)
        var record = Array(String(cString: time).utf8)
        record.append(contentsOf: " \(stream) \(tag) ".utf8)
        record.append(contentsOf: text)
        record.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < record.count {
            let count = record[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }  // a full disk loses log lines, never the container
            offset += count
        }
    }
}

/// The shim's side of a container's stdout and stderr: two pipes whose write ends become the
/// container's fds 1 and 2 (stdin is /dev/null), read into a ContainerLogWriter.
struct ContainerOutput {
    private var log: ContainerLogWriter
    private var streams: [(name: String, read: Int32, write: Int32)] = []

    init(logPath: String) throws(LaunchError) {
        log = try ContainerLogWriter(path: logPath)
        for name in ["stdout", "stderr"] {
            var fds: [Int32] = [0, 0]
            try syscallOrThrow("pipe for \(name)") { bk_pipe2(&fds, O_CLOEXEC) }
            // The read end never blocks the shim; the write end stays blocking for the container.
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
            streams.append((name, fds[0], fds[1]))
        }
    }

    /// In the forked child, before anything else: fds 0-2 of the container.
    func becomeChildStdio() {
        let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
        if null >= 0 { _ = dup2(null, 0) }
        _ = dup2(streams[0].write, 1)
        _ = dup2(streams[1].write, 2)
        for stream in streams {
            close(stream.read)
            close(stream.write)
        }
        if null > 2 { close(null) }
    }

    /// In the shim after the fork: only the container holds the write ends, so EOF means it is done.
    mutating func closeChildEnds() {
        for index in streams.indices where streams[index].write >= 0 {
            close(streams[index].write)
            streams[index].write = -1
        }
    }

    func pollFDs() -> [pollfd] {
        streams.filter { $0.read >= 0 }.map { pollfd(fd: $0.read, events: Int16(POLLIN), revents: 0) }
    }

    /// Reads what is available on the given fds; a stream at EOF is finished and closed.
    mutating func drain(_ ready: [Int32]) {
        var buffer = [UInt8](repeating: 0, count: 65536)
        for index in streams.indices where streams[index].read >= 0 && ready.contains(streams[index].read) {
            while true {
                let count = buffer.withUnsafeMutableBytes { read(streams[index].read, $0.baseAddress, $0.count) }
                if count > 0 {
                    log.append(buffer[0..<count], stream: streams[index].name)
                    continue
                }
                if count < 0 && errno == EINTR { continue }
                if count == 0 {
                    log.finish(stream: streams[index].name)
                    close(streams[index].read)
                    streams[index].read = -1
                }
                break
            }
        }
    }

    /// After the container's process exited: what it and its last children wrote, until the pipes are
    /// closed or quiet for 100 ms (under `pidMode: task` a daemonized child may keep a pipe open).
    mutating func drainUntilQuiet() {
        while true {
            var fds = pollFDs()
            if fds.isEmpty || poll(&fds, nfds_t(fds.count), 100) <= 0 { return }
            drain(fds.filter { $0.revents != 0 }.map(\.fd))
        }
    }

    mutating func finish() {
        for index in streams.indices where streams[index].read >= 0 {
            log.finish(stream: streams[index].name)
            close(streams[index].read)
            streams[index].read = -1
        }
        log.close()
    }
}

/// The container's exit code in a file next to its log, written atomically (temporary file + rename)
/// by the shim just before it exits: berthd reads it when the shim was not its child to wait for.
public enum ExitCodeFile {
    /// "<code> <milliseconds the payload ran>\n" (the second field absent if it never started).
    public static func write(_ code: Int32, ranMilliseconds: Int64?, to path: String) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return }
        let text = Array("\(code)\(ranMilliseconds.map { " \($0)" } ?? "")\n".utf8)
        _ = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        _ = fsync(fd)
        _ = Glibc.close(fd)
        _ = rename(temporary, path)
    }

    public static func read(_ path: String) -> (code: Int32, ranMilliseconds: Int64?)? {
        guard let bytes = FileText.readBytes(path, limit: 64) else { return nil }
        let words = String(decoding: bytes, as: UTF8.self).trimmingWhitespace().split(separator: " ")
        guard let first = words.first, let code = Int32(first) else { return nil }
        return (code, words.count > 1 ? Int64(words[1]) : nil)
    }

    /// CLOCK_MONOTONIC in milliseconds.
    public static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var text = Substring(self)
        while let last = text.last, last == "\n" || last == " " || last == "\r" { text = text.dropLast() }
        while let first = text.first, first == " " { text = text.dropFirst() }
        return String(text)
    }
}
