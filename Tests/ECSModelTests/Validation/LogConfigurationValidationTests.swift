import ECSModel
import Testing

@Suite("logConfiguration on Fargate")
struct LogConfigurationValidationTests {
    private static let executionRole = "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"

    private static func logging(_ driver: LogDriver, executionRoleArn: String? = executionRole)
        -> RegisterTaskDefinitionRequest
    {
        Registration.seed {
            $0.executionRoleArn = executionRoleArn
            $0.containerDefinitions[0].logConfiguration = LogConfiguration(
                logDriver: driver, options: ["awslogs-group": "/ecs/app", "awslogs-region": "us-east-1"])
        }
    }

    @Test("awslogs, splunk and awsfirelens", arguments: [LogDriver.awslogs, .splunk, .awsfirelens])
    func fargateDrivers(driver: LogDriver) {
        Registration.expectAccepted(Self.logging(driver))
    }

    @Test("Other drivers are refused", arguments: [LogDriver.jsonFile, .syslog, .journald, .gelf, .fluentd, "loki"])
    func otherDrivers(driver: LogDriver) {
        Registration.expectRejected(
            Self.logging(driver),
            "\(driver.rawValue) is not a valid log driver. Must be one of [awslogs,splunk,awsfirelens]")
        Registration.expectAccepted(
            Registration.ec2 { $0.containerDefinitions[0].logConfiguration = LogConfiguration(logDriver: driver) })
    }

    @Test("awslogs needs the execution role")
    func awslogsNeedsExecutionRole() {
        let message = "Fargate requires task definition to have execution role ARN to support log driver awslogs."
        Registration.expectRejected(Self.logging(.awslogs, executionRoleArn: nil), message)
        Registration.expectRejected(Self.logging(.awslogs, executionRoleArn: ""), message)
        Registration.expectAccepted(Self.logging(.splunk, executionRoleArn: nil))
    }
}
