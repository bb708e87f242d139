import ECSModel
import Testing

@Suite("startTimeout and stopTimeout")
struct ContainerTimeoutValidationTests {
    @Test("Fargate accepts 2-120 seconds", arguments: [2, 30, 120])
    func accepted(seconds: Int) {
        Registration.expectAccepted(Registration.seedContainer { $0.startTimeout = seconds })
        Registration.expectAccepted(Registration.seedContainer { $0.stopTimeout = seconds })
    }

    @Test("startTimeout outside 2-120 on Fargate", arguments: [-1, 0, 1, 121, 300])
    func startTimeout(seconds: Int) {
        Registration.expectRejected(
            Registration.seedContainer { $0.startTimeout = seconds },
            "Invalid 'startTimeout' setting for container 'my-container'. The valid values for Fargate are 2-120 seconds."
        )
    }

    @Test("stopTimeout outside 2-120 on Fargate", arguments: [0, 1, 121])
    func stopTimeout(seconds: Int) {
        Registration.expectRejected(
            Registration.seedContainer { $0.stopTimeout = seconds },
            "Invalid 'stopTimeout' setting for container 'my-container'. The valid values for Fargate are 2-120 seconds."
        )
    }

    @Test("The Fargate range does not apply to EC2")
    func ec2() {
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].stopTimeout = 300 })
    }
}
