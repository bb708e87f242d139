import Foundation
import Testing

/// The seed's nginx task: layer order, whiteouts and opaque dirs from a real two-layer image, and nginx
/// serving its page inside the task.
@Suite("The seed's nginx image")
struct NginxImageTests {
    let harness: BerthHarness

    init() throws { harness = try BerthHarness.get() }

    @Test func layersWhiteoutsAndOpaqueDirectoriesApply() {
        let result = harness.run(
            container: #"""
                {"name":"n","image":"nginx","entryPoint":["/bin/sh","-c",
                 "cat /usr/share/nginx/html/index.html; ls /etc/nginx; echo ---; ls /usr/share/nginx/opaque"]}
                """#)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Welcome to nginx on berth"))
        #expect(!result.stdout.contains("layer-one page"))
        #expect(!result.stdout.contains("remove-me.conf"))
        let opaque = result.stdout.components(separatedBy: "---").last ?? ""
        #expect(opaque.contains("new.txt"))
        #expect(!opaque.contains("old.txt"))
    }

    @Test func theSeedTaskServesItsPage() throws {
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/fargate-task.json").path
        let running = harness.start(["run", "--task-definition", "file://\(seed)"])
        // berth -> berth-shim -> nginx (PID 1 of the task). Found by parent pid.
        var page = ""
        for _ in 0..<100 {
            if let shim = Self.children(of: running.process.processIdentifier).first,
                let nginx = Self.children(of: shim).first
            {
                let curl = Process()
                curl.executableURL = URL(fileURLWithPath: "/usr/bin/nsenter")
                curl.arguments = [
                    "--net=/proc/\(nginx)/ns/net", "curl", "-fsS", "--max-time", "2", "http://127.0.0.1:80/",
                ]
                let pipe = Pipe()
                curl.standardOutput = pipe
                curl.standardError = FileHandle.nullDevice
                try curl.run()
                curl.waitUntilExit()
                page = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                if curl.terminationStatus == 0 { break }
            }
            usleep(100_000)
        }
        #expect(page.contains("Welcome to nginx on berth"))
        // nginx's fast shutdown on SIGTERM, forwarded by berth; nginx exits 0.
        running.signal(SIGTERM)
        #expect(running.finish().status == 0)
    }

    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }
}
