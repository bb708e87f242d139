import ECSModel
import Testing

@Suite("Container memory and memoryReservation")
struct ContainerMemoryValidationTests {
    @Test("Without task memory each container needs memory or memoryReservation")
    func requiredWithoutTaskMemory() {
        Registration.expectRejected(
            Registration.ec2 { $0.containerDefinitions[0].memory = nil },
            "Invalid setting for container 'my-container'. At least one of 'memory' or 'memoryReservation' "
                + "must be specified.")
        Registration.expectAccepted(
            Registration.ec2 {
                $0.containerDefinitions[0].memory = nil
                $0.containerDefinitions[0].memoryReservation = 128
            })
    }

    @Test("With task memory neither is needed")
    func notRequiredWithTaskMemory() {
        Registration.expectAccepted(Registration.seed)
        Registration.expectAccepted(
            Registration.ec2 {
                $0.memory = "1024"
                $0.containerDefinitions[0].memory = nil
            })
    }

    @Test("memory is at least 6 MiB (Docker's minimum)")
    func memoryMinimum() {
        Registration.expectRejected(
            Registration.seedContainer { $0.memory = 5 },
            "Invalid 'memory' setting for container 'my-container'. The minimum is 6 MiB.")
        Registration.expectRejected(
            Registration.seedContainer { $0.memory = 0 },
            "Invalid 'memory' setting for container 'my-container'. The minimum is 6 MiB.")
        Registration.expectAccepted(Registration.seedContainer { $0.memory = 6 })
    }

    @Test("memoryReservation is at least 6 MiB")
    func reservationMinimum() {
        Registration.expectRejected(
            Registration.seedContainer { $0.memoryReservation = 4 },
            "Invalid 'memoryReservation' setting for container 'my-container'. The minimum is 6 MiB.")
        Registration.expectAccepted(Registration.seedContainer { $0.memoryReservation = 6 })
    }

    @Test("memoryReservation is not above memory")
    func reservationAboveMemory() {
        Registration.expectRejected(
            Registration.seedContainer {
                $0.memory = 256
                $0.memoryReservation = 257
            },
            "Invalid setting for container 'my-container'. 'memoryReservation' must be less than or equal to 'memory'.")
        Registration.expectAccepted(
            Registration.seedContainer {
                $0.memory = 256
                $0.memoryReservation = 128
            })
        // awsdocs/amazon-ecs-developer-guide#242: ECS accepts equal values.
        Registration.expectAccepted(
            Registration.seedContainer {
                $0.memory = 256
                $0.memoryReservation = 256
            })
    }

    @Test("A container's memory is not above the task's")
    func containerAboveTask() {
        Registration.expectRejected(
            Registration.seedContainer { $0.memory = 513 },
            "The 'memory' setting for container 'my-container' is greater than for the task.")
        Registration.expectAccepted(Registration.seedContainer { $0.memory = 512 })
    }

    @Test("The containers' memory together is not above the task's")
    func memorySum() {
        var sidecar = Registration.container("sidecar")
        sidecar.memory = 200
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].memory = 313
                $0.containerDefinitions.append(sidecar)
            }, "The sum of all container 'memory' values cannot be greater than the value of the task 'memory'.")
        Registration.expectAccepted(
            Registration.seed {
                $0.containerDefinitions[0].memory = 312
                $0.containerDefinitions.append(sidecar)
            })
    }

    @Test("A container reserves memoryReservation when it has one, else memory")
    func reservationSum() {
        var sidecar = Registration.container("sidecar")
        sidecar.memory = 512
        sidecar.memoryReservation = 256
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].memory = 257
                $0.containerDefinitions.append(sidecar)
            },
            "The sum of all container 'memoryReservation' values cannot be greater than the value of the task "
                + "'memory'.")
        Registration.expectAccepted(
            Registration.seed {
                $0.containerDefinitions[0].memory = 256
                $0.containerDefinitions.append(sidecar)
            })
    }

    @Test("Huge values are refused, not overflowed")
    func hugeValues() {
        var sidecar = Registration.container("sidecar")
        sidecar.memoryReservation = Int.max
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].memoryReservation = Int.max
                $0.containerDefinitions.append(sidecar)
            },
            "The sum of all container 'memoryReservation' values cannot be greater than the value of the task "
                + "'memory'.")
    }
}
