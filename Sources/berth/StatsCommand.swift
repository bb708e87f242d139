import ArgumentParser
import Foundation

/// `berth stats [TASK]`: like `docker stats`, per task and container, from the kernel's cgroup counters.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Live CPU, memory and process counts of running tasks and their containers.",
        discussion: """
            CPU % is the share of one CPU used since the previous sample (a task of cpu 256 tops out at 25%). \
            MEM is the group's current usage against its limit (the container's memory, else the task's).
            """
    )

    @Argument(help: "A task id or ARN (default: every running task of the cluster).")
    var task: String?

    @Option(help: "The tasks' cluster (default: default).")
    var cluster: String?

    @Flag(help: "Print one sample and exit.")
    var noStream = false

    @Option(help: "Seconds between samples.")
    var interval: Double = 1

    @Option(help: "berthd's socket (default: BERTH_SOCKET or /run/berth/berth.sock).")
    var socket: String?

    struct Answer: Decodable {
        struct Entry: Decodable {
            var taskArn: String
            var cpu: String?
            var memory: String?
            var stats: Stats
        }
        var tasks: [Entry]
    }

    struct Stats: Decodable {
        var task: Counters
        var containers: [String: Counters]
    }

    struct Counters: Decodable {
        var cpuUsageMicros: UInt64
        var cpuThrottledPeriods: UInt64
        var memoryCurrentBytes: UInt64
        var memoryPeakBytes: UInt64?
        var memoryLimitBytes: UInt64?
        var pidsCurrent: UInt64
        var oomKills: UInt64
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let call = BerthdCall(socket: socket)
        var request: [String: String] = [:]
        if let task { request["task"] = task }
        if let cluster { request["cluster"] = cluster }
        var previous: (answer: Answer, time: UInt64) = (try call.send("BerthGetTaskStats", request), now())
        repeat {
            usleep(useconds_t(max(interval, 0.1) * 1_000_000))
            let current: (answer: Answer, time: UInt64) = (try call.send("BerthGetTaskStats", request), now())
            if !noStream { print("\u{1B}[2J\u{1B}[H", terminator: "") }
            print(Self.table(previous: previous.answer, current: current.answer, micros: current.time - previous.time))
            previous = current
        } while !noStream
    }

    private func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds / 1000 }

    static func table(previous: Answer, current: Answer, micros: UInt64) -> String {
        var rows = [
            ["TASK / CONTAINER", "CPU %", "MEM USAGE / LIMIT", "MEM %", "MEM PEAK", "PIDS", "THROTTLED", "OOM"]
        ]
        for entry in current.tasks {
            let before = previous.tasks.first { $0.taskArn == entry.taskArn }?.stats
            let id = String(entry.taskArn.split(separator: "/").last ?? "")
            rows.append(row(id, entry.stats.task, before?.task, micros))
            for name in entry.stats.containers.keys.sorted() {
                rows.append(row("  \(name)", entry.stats.containers[name]!, before?.containers[name], micros))
            }
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func row(_ label: String, _ now: Counters, _ before: Counters?, _ micros: UInt64) -> [String] {
        let used = now.cpuUsageMicros &- (before?.cpuUsageMicros ?? now.cpuUsageMicros)
        let cpu = micros > 0 ? Double(used) / Double(micros) * 100 : 0
        let limit = now.memoryLimitBytes
        let percent = limit.map {
            $0 > 0 ? String(format: "%.1f%%", Double(now.memoryCurrentBytes) / Double($0) * 100) : "-"
        }
        return [
            label, String(format: "%.1f%%", cpu),
            "\(bytes(now.memoryCurrentBytes)) / \(limit.map(bytes) ?? "unlimited")", percent ?? "-",
            now.memoryPeakBytes.map(bytes) ?? "-", String(now.pidsCurrent), String(now.cpuThrottledPeriods),
            String(now.oomKills),
        ]
    }

    static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1024 && unit < units.count - 1 {
            amount /= 1024
            unit += 1
        }
        return unit == 0 ? "\(value)B" : String(format: "%.1f", amount) + units[unit]
    }
}
