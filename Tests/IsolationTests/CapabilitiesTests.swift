import Isolation
import Testing

@Suite("Capabilities: Docker's defaults and add/drop rules")
struct CapabilitiesTests {
    @Test func defaultsAreDockersFourteen() throws {
        let resolved = try Capabilities.resolve(add: [], drop: [])
        #expect(resolved.count == 14)
        #expect(Set(resolved) == Set(Capabilities.dockerDefault))
        #expect(!resolved.contains("CAP_SYS_ADMIN"))
    }

    @Test func dropsFirstThenAdds() throws {
        let resolved = try Capabilities.resolve(add: ["SYS_PTRACE"], drop: ["NET_RAW", "chown"])
        #expect(resolved.contains("CAP_SYS_PTRACE"))
        #expect(!resolved.contains("CAP_NET_RAW"))
        #expect(!resolved.contains("CAP_CHOWN"))
        #expect(resolved.count == 13)
        // Dropping and adding the same one: the add wins, because add comes after drop.
        #expect(try Capabilities.resolve(add: ["KILL"], drop: ["KILL"]).contains("CAP_KILL"))
    }

    @Test func allForms() throws {
        #expect(try Capabilities.resolve(add: ["SYS_PTRACE"], drop: ["ALL"]) == ["CAP_SYS_PTRACE"])
        #expect(try Capabilities.resolve(add: [], drop: ["ALL"]).isEmpty)
        let everything = try Capabilities.resolve(add: ["ALL"], drop: ["SYS_ADMIN"])
        #expect(everything.count == Capabilities.all.count - 1)
        #expect(!everything.contains("CAP_SYS_ADMIN"))
    }

    @Test func resultIsInKernelOrder() throws {
        let resolved = try Capabilities.resolve(add: [], drop: [])
        let numbers = resolved.compactMap(Capabilities.number)
        #expect(numbers == numbers.sorted())
    }

    @Test func unknownNamesAreRejectedByName() {
        #expect(throws: LaunchError.unknownCapability("SYS_PTRAC")) {
            try Capabilities.resolve(add: ["SYS_PTRAC"], drop: [])
        }
        #expect(throws: LaunchError.unknownCapability("")) { try Capabilities.resolve(add: [], drop: [""]) }
    }
}
