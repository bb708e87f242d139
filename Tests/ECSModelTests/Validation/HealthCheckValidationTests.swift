import ECSModel
import Testing

@Suite("healthCheck")
struct HealthCheckValidationTests {
    private static func healthCheck(_ healthCheck: HealthCheck) -> RegisterTaskDefinitionRequest {
        Registration.seedContainer { $0.healthCheck = healthCheck }
    }

    private static let curl = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"]

    @Test(
        "CMD, CMD-SHELL with a command, or NONE",
        arguments: [
            ["CMD-SHELL", "curl -f http://localhost/ || exit 1"], ["CMD", "/bin/check", "--quick"], ["NONE"],
        ])
    func acceptedCommands(command: [String]) {
        Registration.expectAccepted(Self.healthCheck(HealthCheck(command: command)))
    }

    @Test(
        "Any other command",
        arguments: [[], ["curl", "-f", "http://localhost/"], ["CMD"], ["CMD-SHELL"], ["cmd", "x"]])
    func rejectedCommands(command: [String]) {
        Registration.expectRejected(
            Self.healthCheck(HealthCheck(command: command)),
            "Invalid 'healthCheck' setting for container 'my-container'. The command must be CMD or CMD-SHELL "
                + "followed by the command to run, or NONE.")
    }

    @Test("The ends of every range are accepted")
    func rangeEnds() {
        Registration.expectAccepted(
            Self.healthCheck(HealthCheck(command: Self.curl, interval: 5, timeout: 2, retries: 1, startPeriod: 0)))
        Registration.expectAccepted(
            Self.healthCheck(HealthCheck(command: Self.curl, interval: 300, timeout: 60, retries: 10, startPeriod: 300))
        )
    }

    @Test(
        "One past either end of a range",
        arguments: [
            (HealthCheck(command: curl, interval: 4), "interval", false, 5),
            (HealthCheck(command: curl, interval: 301), "interval", true, 300),
            (HealthCheck(command: curl, timeout: 1), "timeout", false, 2),
            (HealthCheck(command: curl, timeout: 61), "timeout", true, 60),
            (HealthCheck(command: curl, retries: 0), "retries", false, 1),
            (HealthCheck(command: curl, retries: 11), "retries", true, 10),
            (HealthCheck(command: curl, startPeriod: -1), "startPeriod", false, 0),
            (HealthCheck(command: curl, startPeriod: 301), "startPeriod", true, 300),
        ])
    func outOfRange(healthCheck: HealthCheck, member: String, isAboveMaximum: Bool, limit: Int) {
        let message =
            isAboveMaximum
            ? "Health check \(member) must be less than or equal to the maximum allowed value \(limit) "
                + "for container 'my-container'"
            : "Health check \(member) must be greater than or equal to the minimum allowed value \(limit) "
                + "for container 'my-container'"
        Registration.expectRejected(Self.healthCheck(healthCheck), message)
    }

    @Test("AWS's text for too many retries")
    func retriesText() {
        Registration.expectRejected(
            Self.healthCheck(HealthCheck(command: Self.curl, retries: 11)),
            "Health check retries must be less than or equal to the maximum allowed value 10 for container 'my-container'"
        )
    }
}
