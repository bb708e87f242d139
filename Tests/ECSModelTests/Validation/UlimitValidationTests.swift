import ECSModel
import Testing

@Suite("ulimits")
struct UlimitValidationTests {
    @Test("Every UlimitName is accepted", arguments: UlimitName.knownValues)
    func knownNames(name: UlimitName) {
        Registration.expectAccepted(
            Registration.seedContainer { $0.ulimits = [Ulimit(name: name, softLimit: 1024, hardLimit: 1024)] })
    }

    @Test("An unknown name is refused")
    func unknownName() {
        Registration.expectRejected(
            Registration.seedContainer { $0.ulimits = [Ulimit(name: "memory", softLimit: 1, hardLimit: 1)] },
            "Unrecognized ulimit name memory")
    }

    @Test("The soft limit is not above the hard limit")
    func softAboveHard() {
        Registration.expectRejected(
            Registration.seedContainer { $0.ulimits = [Ulimit(name: .nofile, softLimit: 65536, hardLimit: 65535)] },
            "Soft limit exceeds hard limit for ulimit nofile")
        Registration.expectAccepted(
            Registration.seedContainer { $0.ulimits = [Ulimit(name: .nofile, softLimit: 1024, hardLimit: 65535)] })
    }
}
