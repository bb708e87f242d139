import Foundation
import Testing

/// A real JVM (the host's OpenJDK 17, copied into the `jvm` fixture by rootfs-fixtures/build.sh) sizes
/// itself from the container's cgroup as hotspot detects it: through /proc/self/mountinfo,
/// /proc/self/cgroup and the limit files under /sys/fs/cgroup. Skipped when the host has no OpenJDK 17.
@Suite(
    "A JVM sizes itself from its container's limits",
    .enabled(
        if: FileManager.default.fileExists(
            atPath: "\(ProcessInfo.processInfo.environment["BERTH_FIXTURES"] ?? ".build/fixtures")/jvm/index.json"),
        "no jvm fixture (apt-get install openjdk-17-jre-headless, then make fixtures)"))
struct JVMContainerLimitsTests {
    let harness: BerthHarness

    init() throws {
        harness = try BerthHarness.get()
        let imported = harness.berth(["images", "import", "\(harness.fixtures)/jvm", "--name", "jvm:latest"])
        #expect(imported.status == 0, "importing the jvm fixture failed: \(imported.stderr)")
    }

    /// `java -XX:+PrintFlagsFinal` with hotspot's container trace, in a task of `cpu` units and `memory`
    /// MiB whose one container has its own `containerMemory` (nil: none).
    func java(cpu: Int, memory: Int, containerMemory: Int?) -> (maxHeap: UInt64?, processors: Int?, output: String) {
        let ownMemory = containerMemory.map { #""memory":\#($0),"# } ?? ""
        let definition = """
            {"family":"jvm","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"\(cpu)",\
            "memory":"\(memory)","containerDefinitions":[{"name":"java","image":"jvm",\(ownMemory)\
            "command":["java","-XX:+PrintFlagsFinal","-Xlog:os+container=trace","-version"]}]}
            """
        let result = harness.berth(["run", "--task-definition", definition])
        #expect(result.status == 0, "java failed: \(result.stderr)")
        let output = result.stdout + result.stderr
        let lines = output.split(separator: "\n")
        // `   size_t MaxHeapSize                              = 134217728                                 {product} {ergonomic}`
        let maxHeap = lines.first { $0.split(separator: " ").dropFirst().first == "MaxHeapSize" }
            .flatMap { $0.split(separator: "=").dropFirst().first?.split(separator: " ").first }
            .flatMap { UInt64($0) }
        // `[0.008s][trace][os,container] OSContainer::active_processor_count: 1`
        let processors = lines.last { $0.contains("OSContainer::active_processor_count:") }
            .flatMap { $0.split(separator: " ").last }.flatMap { Int($0) }
        return (maxHeap, processors, output)
    }

    static var hostMemory: UInt64 { UInt64(sysconf(Int32(_SC_PHYS_PAGES))) * UInt64(sysconf(Int32(_SC_PAGESIZE))) }

    @Test func aContainerOf512MiBGetsAQuarterOfItAsItsHeapAndTheTasksOneCPU() throws {
        let run = java(cpu: 1024, memory: 2048, containerMemory: 512)
        let heap = try #require(run.maxHeap, "no MaxHeapSize in: \(run.output.prefix(2000))")
        // MaxRAMPercentage 25 of 512 MiB, rounded by the heap's alignment; the host's quarter is far above.
        #expect(heap >= 120 << 20 && heap <= 136 << 20, "MaxHeapSize \(heap)")
        #expect(heap < Self.hostMemory / 8, "MaxHeapSize \(heap) is not far below the host's quarter")
        #expect(run.processors == 1, "active processors: \(String(describing: run.processors))")
    }

    @Test func aContainerWithoutItsOwnMemorySizesItselfFromTheTask() throws {
        let run = java(cpu: 512, memory: 1024, containerMemory: nil)
        let heap = try #require(run.maxHeap, "no MaxHeapSize in: \(run.output.prefix(2000))")
        #expect(heap >= 248 << 20 && heap <= 264 << 20, "MaxHeapSize \(heap) for a 1 GiB task")
        // Half a vCPU's quota is still one processor to the JVM (ceil(50000 / 100000)).
        #expect(run.processors == 1, "active processors: \(String(describing: run.processors))")
    }
}
