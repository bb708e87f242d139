import Foundation

/// A task size: CPU units (1024 units = one vCPU) and memory in MiB, as RegisterTaskDefinition
/// stores them after converting "1 vCPU" or "2 GB" (RegisterTaskDefinitionRequest.cpu/memory docs).
public struct FargateTaskSize: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var cpu: Int
    public var memory: Int

    public init(cpu: Int, memory: Int) {
        self.cpu = cpu
        self.memory = memory
    }

    /// "1024 CPU, 2048 memory": the form ECS uses in "No Fargate configuration exists for given values: …".
    public var description: String { "\(cpu) CPU, \(memory) memory" }

    /// Whether Fargate offers this combination of cpu and memory.
    public var isSupportedByFargate: Bool {
        Self.supportedMemory(forCPU: cpu).contains(memory)
    }

    /// The cpu values Fargate offers, smallest first.
    public static let supportedCPUValues = [256, 512, 1024, 2048, 4096, 8192, 16384]

    /// The memory values (MiB) Fargate offers with `cpu` units, smallest first; empty if Fargate has no such cpu.
    ///
    /// The table of the RegisterTaskDefinitionRequest.memory documentation (reference §2.1). The 8 and 16 vCPU
    /// rows need Linux platform version 1.4.0 or later, the only platform berth emulates.
    public static func supportedMemory(forCPU cpu: Int) -> [Int] {
        switch cpu {
        case 256: [512, 1024, 2048]
        case 512: Array(stride(from: 1024, through: 4096, by: 1024))
        case 1024: Array(stride(from: 2048, through: 8192, by: 1024))
        case 2048: Array(stride(from: 4096, through: 16384, by: 1024))
        case 4096: Array(stride(from: 8192, through: 30720, by: 1024))
        case 8192: Array(stride(from: 16384, through: 61440, by: 4096))
        case 16384: Array(stride(from: 32768, through: 122880, by: 8192))
        default: []
        }
    }

    /// Every combination Fargate offers, by cpu then memory.
    public static var supportedSizes: [FargateTaskSize] {
        supportedCPUValues.flatMap { cpu in
            supportedMemory(forCPU: cpu).map { FargateTaskSize(cpu: cpu, memory: $0) }
        }
    }
}
