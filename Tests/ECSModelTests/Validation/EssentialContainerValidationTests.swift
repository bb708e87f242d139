import ECSModel
import Testing

@Suite("essential")
struct EssentialContainerValidationTests {
    @Test("A task needs an essential container")
    func noneEssential() {
        Registration.expectRejected(
            Registration.seedContainer { $0.essential = false }, "Task definition doesn't have any essential container."
        )
    }

    @Test("essential defaults to true")
    func defaultEssential() {
        Registration.expectAccepted(Registration.seedContainer { $0.essential = nil })
        var worker = Registration.container("worker")
        worker.essential = false
        Registration.expectAccepted(
            Registration.seed {
                $0.containerDefinitions[0].essential = nil
                $0.containerDefinitions.append(worker)
            })
    }

    @Test("One essential among several is enough")
    func oneOfSeveral() {
        var worker = Registration.container("worker")
        worker.essential = true
        Registration.expectAccepted(
            Registration.seed {
                $0.containerDefinitions[0].essential = false
                $0.containerDefinitions.append(worker)
            })
    }
}
