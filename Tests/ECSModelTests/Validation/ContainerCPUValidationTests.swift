import ECSModel
import Testing

@Suite("Container cpu")
struct ContainerCPUValidationTests {
    @Test("The containers' cpu together is not above the task's")
    func cpuSum() {
        var sidecar = Registration.container("sidecar")
        sidecar.cpu = 128
        Registration.expectAccepted(
            Registration.seed {
                $0.containerDefinitions[0].cpu = 128
                $0.containerDefinitions.append(sidecar)
            })
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].cpu = 129
                $0.containerDefinitions.append(sidecar)
            }, "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
    }

    @Test("A single container above the task")
    func singleContainer() {
        Registration.expectRejected(
            Registration.seedContainer { $0.cpu = 1024 },
            "The sum of all container 'cpu' values cannot be greater than the value of the task 'cpu'.")
        Registration.expectAccepted(Registration.seedContainer { $0.cpu = 0 })
    }

    @Test("The task cpu after vCPU conversion")
    func convertedTaskCPU() {
        Registration.expectAccepted(
            Registration.seed {
                $0.cpu = "1 vCPU"
                $0.memory = "2 GB"
                $0.containerDefinitions[0].cpu = 1024
            })
    }

    @Test("Without task cpu there is no sum to respect")
    func noTaskCPU() {
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].cpu = 4096 })
    }

    @Test("A negative cpu is refused")
    func negative() {
        Registration.expectRejected(
            Registration.seedContainer { $0.cpu = -1 }, "Invalid 'cpu' setting for container 'my-container'.")
    }
}
