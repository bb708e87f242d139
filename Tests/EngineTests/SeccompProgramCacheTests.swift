import Foundation
import Isolation
import Testing

@testable import Engine

@Suite("Compiled seccomp programs, cached per capability set")
struct SeccompProgramCacheTests {
    @Test func compilesOnceAndReusesTheFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-seccomp-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let cache = SeccompProgramCache(root: root)
        let path = try cache.programPath(for: Capabilities.dockerDefault)
        let program = try Data(contentsOf: URL(fileURLWithPath: path))
        // struct sock_filter is 8 bytes; the profile is hundreds of instructions.
        #expect(program.count % 8 == 0 && program.count > 800)
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        #expect(try cache.programPath(for: Capabilities.dockerDefault.reversed()) == path)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == modified)
        let withPtrace = try cache.programPath(for: Capabilities.dockerDefault + ["CAP_SYS_PTRACE"])
        #expect(withPtrace != path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: withPtrace)) != program)
    }

    @Test func keysDependOnTheSetNotItsOrder() {
        #expect(SeccompProgramCache.key(for: ["CAP_A", "CAP_B"]) == SeccompProgramCache.key(for: ["CAP_B", "CAP_A"]))
        #expect(SeccompProgramCache.key(for: ["CAP_A"]) != SeccompProgramCache.key(for: ["CAP_B"]))
        #expect(SeccompProgramCache.key(for: []).hasPrefix("r\(SeccompFilter.revision)-"))
    }
}
