import ECSModel
import Testing

@Suite("dependsOn")
struct ContainerDependencyValidationTests {
    /// The seed's container "my-container" depending on "init" (non-essential unless `initIsEssential`).
    private static func app(
        dependsOn condition: ContainerCondition, initIsEssential: Bool = false, initHealthCheck: HealthCheck? = nil
    ) -> RegisterTaskDefinitionRequest {
        var initContainer = Registration.container("init")
        initContainer.essential = initIsEssential
        initContainer.healthCheck = initHealthCheck
        return Registration.seed {
            $0.containerDefinitions[0].dependsOn = [ContainerDependency(containerName: "init", condition: condition)]
            $0.containerDefinitions.append(initContainer)
        }
    }

    @Test("The target must exist in the task")
    func unknownTarget() {
        Registration.expectRejected(
            Registration.seedContainer { $0.dependsOn = [ContainerDependency(containerName: "db", condition: .start)] },
            "Cannot depend on container + 'db' because it does not exist")
    }

    @Test("A container cannot depend on itself")
    func selfDependency() {
        Registration.expectRejected(
            Registration.seedContainer {
                $0.dependsOn = [ContainerDependency(containerName: "my-container", condition: .start)]
            }, "Container 'my-container' cannot depend on itself.")
    }

    @Test(
        "START, and COMPLETE or SUCCESS on a non-essential container",
        arguments: [
            ContainerCondition.start, .complete, .success,
        ])
    func acceptedConditions(condition: ContainerCondition) {
        Registration.expectAccepted(Self.app(dependsOn: condition))
    }

    @Test(
        "COMPLETE and SUCCESS cannot target an essential container",
        arguments: [
            ContainerCondition.complete, .success,
        ])
    func essentialTarget(condition: ContainerCondition) {
        Registration.expectRejected(
            Self.app(dependsOn: condition, initIsEssential: true),
            "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
    }

    @Test("START may target an essential container")
    func startOnEssential() {
        Registration.expectAccepted(Self.app(dependsOn: .start, initIsEssential: true))
    }

    @Test("essential defaults to true for the target too")
    func defaultEssentialTarget() {
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].dependsOn = [ContainerDependency(containerName: "init", condition: .success)]
                $0.containerDefinitions.append(Registration.container("init"))
            }, "A dependency container with SUCCESS or COMPLETE condition cannot be an essential container")
    }

    @Test("HEALTHY needs a health check on the target")
    func healthy() {
        Registration.expectRejected(
            Self.app(dependsOn: .healthy),
            "A dependency container with HEALTHY condition must have health check configured")
        Registration.expectAccepted(
            Self.app(dependsOn: .healthy, initHealthCheck: HealthCheck(command: ["CMD-SHELL", "true"])))
    }

    @Test("An unknown condition is refused")
    func unknownCondition() {
        Registration.expectRejected(
            Self.app(dependsOn: "READY"),
            "Invalid dependency condition 'READY' for container 'my-container'. "
                + "Valid values are START, COMPLETE, SUCCESS and HEALTHY.")
    }

    @Test("No cycles", arguments: [2, 3, 5])
    func cycle(length: Int) {
        let names = (0..<length).map { "c\($0)" }
        let containers = names.indices.map { index in
            var container = Registration.container(names[index])
            let next = names[(index + 1) % length]
            container.dependsOn = [ContainerDependency(containerName: next, condition: .start)]
            return container
        }
        Registration.expectRejected(
            Registration.seed { $0.containerDefinitions = containers }, "Container dependencies should not have a cycle"
        )
    }

    @Test("Chains and shared dependencies are not cycles")
    func diamond() {
        var top = Registration.container("top")
        top.dependsOn = [
            ContainerDependency(containerName: "left", condition: .start),
            ContainerDependency(containerName: "right", condition: .start),
        ]
        var left = Registration.container("left")
        left.dependsOn = [ContainerDependency(containerName: "bottom", condition: .start)]
        var right = Registration.container("right")
        right.dependsOn = [ContainerDependency(containerName: "bottom", condition: .start)]
        let bottom = Registration.container("bottom")
        Registration.expectAccepted(Registration.seed { $0.containerDefinitions = [top, left, right, bottom] })
    }
}
