import ECSModel
import Testing

@Suite("Task size strings")
struct TaskSizeParserTests {
    @Test(
        "cpu as CPU units or vCPUs",
        arguments: [
            ("256", 256), ("1024", 1024), ("1 vCPU", 1024), ("1 vcpu", 1024), (".25 vCPU", 256),
            ("0.5 vCPU", 512), ("2vCPU", 2048), ("16 VCPU", 16384), (".125 vCPU", 128), (" 512 ", 512),
        ])
    func cpu(text: String, units: Int) throws {
        #expect(try TaskSizeParser.cpuUnits(text) == units)
    }

    @Test(
        "cpu that is not a positive whole number of units",
        arguments: ["", "abc", "0", "-256", "1.5", "0.3 vCPU", "1 GB", "vCPU", "1. vCPU", "99999999999999999999"])
    func badCPU(text: String) {
        #expect(throws: ECSError(.invalidParameterException, "Invalid 'cpu' setting for task.")) {
            try TaskSizeParser.cpuUnits(text)
        }
    }

    @Test(
        "memory as MiB or GB",
        arguments: [
            ("512", 512), ("1GB", 1024), ("1 GB", 1024), ("1 gb", 1024), ("0.5GB", 512), ("2 GB", 2048),
            ("120 GB", 122880),
        ])
    func memory(text: String, mebibytes: Int) throws {
        #expect(try TaskSizeParser.memoryMiB(text) == mebibytes)
    }

    @Test(
        "memory that is not a positive whole number of MiB",
        arguments: ["", "0", "1 MB", "1.5", "0.0001GB", "1 vCPU", "GB", "-1GB"])
    func badMemory(text: String) {
        #expect(throws: ECSError(.invalidParameterException, "Invalid 'memory' setting for task.")) {
            try TaskSizeParser.memoryMiB(text)
        }
    }

    @Test("A bad size string in a request is reported as ECS does")
    func badSizeInRequest() {
        Registration.expectRejected(
            Registration.seed { $0.cpu = "a lot" }, .invalidParameterException, "Invalid 'cpu' setting for task.")
        Registration.expectRejected(
            Registration.seed { $0.memory = "lots" }, .invalidParameterException, "Invalid 'memory' setting for task.")
    }
}
