import ArgumentParser
import ECSCLI
import Foundation

/// `berth logs TASK`: a task's container output as the shim recorded it (stdout lines to stdout, stderr
/// lines to stderr, like `docker logs`), from the files berthd names for the task.
struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print (and follow) the output of a task's containers.",
        discussion: """
            Each container's stdout and stderr are kept with timestamps under the task, in streams named as \
            awslogs names them (prefix/container/task-id). With several containers each line is prefixed \
            with the container's name. --follow prints lines as they are written and returns when the task \
            has stopped.
            """
    )

    @Argument(help: "The task: its id or ARN.")
    var task: String

    @Option(help: "The task's cluster (default: default).")
    var cluster: String?

    @Option(help: "Only this container's output.")
    var container: String?

    @Flag(name: .shortAndLong, help: "Keep printing new lines until the task stops.")
    var follow = false

    @Option(help: "Only lines since a time: RFC 3339 (2026-11-26T17:00:00Z) or relative (30s, 5m, 2h).")
    var since: String?

    @Flag(name: .shortAndLong, help: "Prefix each line with its RFC 3339 timestamp.")
    var timestamps = false

    @Option(help: "berthd's socket (default: BERTH_SOCKET or \(ECSCommandLine.defaultSocketPath)).")
    var socket: String?

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let cutoff = try since.map(LogTime.parseSince)
        let call = BerthdCall(socket: socket)
        var location = try locate(call)
        let streams = location.streams.filter { container == nil || $0.containerName == container }
        if let container, streams.isEmpty {
            throw ValidationError("task \(task) has no container named \(container)")
        }
        var readers = streams.map {
            LogFileReader(
                path: $0.path, label: streams.count > 1 ? $0.containerName : nil, since: cutoff,
                timestamps: timestamps)
        }
        while true {
            for index in readers.indices { readers[index].printNew() }
            guard follow, location.lastStatus != "STOPPED" else { break }
            usleep(200_000)
            location = try locate(call)
            if location.lastStatus == "STOPPED" {
                // What the last containers wrote before the task stopped.
                for index in readers.indices { readers[index].printNew() }
                break
            }
        }
        for index in readers.indices { readers[index].flushPartial() }
    }

    struct Location: Decodable {
        struct Stream: Decodable {
            var containerName: String
            var logStreamName: String
            var path: String
        }
        var lastStatus: String
        var streams: [Stream]
    }

    private func locate(_ call: BerthdCall) throws -> Location {
        var request: [String: String] = ["task": task]
        if let cluster { request["cluster"] = cluster }
        return try call.send("BerthGetTaskLogs", request)
    }
}

/// Reads one CRI-format log file incrementally and prints its records.
struct LogFileReader {
    let path: String
    let label: String?
    let since: String?
    let timestamps: Bool
    private var offset: UInt64 = 0
    private var pending = Data()
    /// A `P` record's text waits for the rest of its line.
    private var partialLine: [String: String] = [:]

    init(path: String, label: String?, since: String?, timestamps: Bool) {
        self.path = path
        self.label = label
        self.since = since
        self.timestamps = timestamps
    }

    mutating func printNew() {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        try? handle.seek(toOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        pending.append(data)
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            emit(line)
        }
    }

    mutating func flushPartial() {
        for (stream, text) in partialLine { write(text, stream: stream, time: "") }
        partialLine.removeAll()
    }

    private mutating func emit(_ record: String) {
        let parts = record.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return }
        let (time, stream, tag) = (String(parts[0]), String(parts[1]), parts[2])
        let text = parts.count > 3 ? String(parts[3]) : ""
        if let since, time < since { return }
        if tag == "P" {
            partialLine[stream, default: ""] += text
            return
        }
        let whole = (partialLine.removeValue(forKey: stream) ?? "") + text
        write(whole, stream: stream, time: time)
    }

    private func write(_ text: String, stream: String, time: String) {
        var line = ""
        if let label { line += "\(label) | " }
        if timestamps && !time.isEmpty { line += "\(time) " }
        line += text + "\n"
        let handle = stream == "stderr" ? FileHandle.standardError : FileHandle.standardOutput
        handle.write(Data(line.utf8))
    }
}

enum LogTime {
    /// `--since` as an RFC 3339 string comparable with the records' times (both UTC, `Z`).
    static func parseSince(_ text: String) throws -> String {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last, let scale = units[unit], let amount = Double(text.dropLast()) {
            return format(Date().addingTimeInterval(-amount * scale))
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return format(date) }
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return format(date) }
        throw ValidationError("--since takes an RFC 3339 time (2026-11-26T17:00:00Z) or a duration (30s, 5m, 2h)")
    }

    /// The shim's format: nanoseconds, UTC.
    static func format(_ date: Date) -> String {
        let seconds = floor(date.timeIntervalSince1970)
        let nanos = Int((date.timeIntervalSince1970 - seconds) * 1_000_000_000)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: seconds)) + String(format: ".%09dZ", nanos)
    }
}
