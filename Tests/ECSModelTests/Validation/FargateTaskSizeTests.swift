import ECSModel
import Testing

@Suite("Fargate task size table")
struct FargateTaskSizeTests {
    private static func request(cpu: String, memory: String) -> RegisterTaskDefinitionRequest {
        Registration.seed {
            $0.cpu = cpu
            $0.memory = memory
        }
    }

    private static func noConfiguration(_ cpu: Int, _ memory: Int) -> String {
        "No Fargate configuration exists for given values: \(cpu) CPU, \(memory) memory. "
            + "See the Amazon ECS documentation for the valid values."
    }

    /// The first and last memory of every row, and one step outside each end and off the step.
    @Test(
        "Every boundary of every row",
        arguments: [
            (256, 512, true), (256, 1024, true), (256, 2048, true), (256, 256, false), (256, 1536, false),
            (256, 3072, false), (256, 4096, false),
            (512, 1024, true), (512, 4096, true), (512, 512, false), (512, 5120, false), (512, 1536, false),
            (1024, 2048, true), (1024, 8192, true), (1024, 1024, false), (1024, 9216, false), (1024, 2560, false),
            (2048, 4096, true), (2048, 16384, true), (2048, 3072, false), (2048, 17408, false), (2048, 4608, false),
            (4096, 8192, true), (4096, 30720, true), (4096, 7168, false), (4096, 31744, false), (4096, 8704, false),
            (8192, 16384, true), (8192, 20480, true), (8192, 61440, true), (8192, 12288, false), (8192, 65536, false),
            (8192, 18432, false), (8192, 17408, false),
            (16384, 32768, true), (16384, 40960, true), (16384, 122880, true), (16384, 24576, false),
            (16384, 131072, false), (16384, 36864, false), (16384, 33792, false),
            (128, 512, false), (3072, 8192, false), (32768, 65536, false),
        ])
    func boundary(cpu: Int, memory: Int, supported: Bool) {
        let request = Self.request(cpu: String(cpu), memory: String(memory))
        if supported {
            #expect(Registration.rejection(of: request) == nil)
        } else {
            Registration.expectRejected(request, Self.noConfiguration(cpu, memory))
        }
        #expect(FargateTaskSize(cpu: cpu, memory: memory).isSupportedByFargate == supported)
    }

    @Test("The table has the rows and cell counts of the RegisterTaskDefinitionRequest.memory doc")
    func tableShape() {
        #expect(FargateTaskSize.supportedCPUValues == [256, 512, 1024, 2048, 4096, 8192, 16384])
        let counts = FargateTaskSize.supportedCPUValues.map { FargateTaskSize.supportedMemory(forCPU: $0).count }
        #expect(counts == [3, 4, 7, 13, 23, 12, 12])
        #expect(FargateTaskSize.supportedSizes.count == 74)
        #expect(FargateTaskSize.supportedMemory(forCPU: 300).isEmpty)
    }

    @Test("Every supported size registers and is returned")
    func everySupportedSize() throws {
        for size in FargateTaskSize.supportedSizes {
            let request = Self.request(cpu: String(size.cpu), memory: String(size.memory))
            #expect(try FargateTaskDefinitionValidator.validate(request) == size)
        }
    }

    @Test("vCPU and GB strings are converted before the table is consulted")
    func convertedStrings() throws {
        #expect(
            try FargateTaskDefinitionValidator.validate(Self.request(cpu: "1 vCPU", memory: "2 GB"))
                == FargateTaskSize(cpu: 1024, memory: 2048))
        #expect(
            try FargateTaskDefinitionValidator.validate(Self.request(cpu: ".25 vcpu", memory: "0.5GB"))
                == FargateTaskSize(cpu: 256, memory: 512))
    }

    @Test("The message names the converted values")
    func messageUsesConvertedValues() {
        Registration.expectRejected(Self.request(cpu: "1 vCPU", memory: "1 GB"), Self.noConfiguration(1024, 1024))
        Registration.expectRejected(
            Self.request(cpu: "1024", memory: "1024"),
            "No Fargate configuration exists for given values: 1024 CPU, 1024 memory. "
                + "See the Amazon ECS documentation for the valid values.")
    }

    @Test("Fargate needs both task cpu and task memory")
    func sizeRequired() {
        Registration.expectRejected(
            Registration.seed { $0.cpu = nil }, "Fargate requires that 'cpu' be defined at the task level.")
        Registration.expectRejected(
            Registration.seed { $0.memory = nil }, "Fargate requires that 'memory' be defined at the task level.")
        Registration.expectRejected(
            Registration.seed {
                $0.cpu = nil
                $0.memory = nil
            }, "Fargate requires that 'cpu' be defined at the task level.")
    }

    @Test("The description is the message's fragment")
    func description() {
        #expect(FargateTaskSize(cpu: 512, memory: 1024).description == "512 CPU, 1024 memory")
    }
}
