import ECSModel
import Testing

@Suite("Container list, names and images")
struct ContainerIdentityValidationTests {
    @Test("At least one container")
    func emptyList() {
        Registration.expectRejected(
            Registration.seed { $0.containerDefinitions = [] }, "Container list cannot be empty.")
    }

    @Test("At most ten containers")
    func tooMany() {
        let ten = (1...10).map { Registration.container("c\($0)") }
        Registration.expectAccepted(Registration.seed { $0.containerDefinitions = ten })
        let eleven = (1...11).map { Registration.container("c\($0)") }
        Registration.expectRejected(Registration.seed { $0.containerDefinitions = eleven }, "Too many containers.")
    }

    @Test("A name is required")
    func nameRequired() {
        Registration.expectRejected(
            Registration.seedContainer { $0.name = nil }, "Container.name should not be null or empty.")
        Registration.expectRejected(
            Registration.seedContainer { $0.name = "" }, "Container.name should not be null or empty.")
    }

    @Test("Names use letters, numbers, hyphens and underscores", arguments: ["my container", "web.1", "ü", "a:b"])
    func invalidName(name: String) {
        Registration.expectRejected(
            Registration.seedContainer { $0.name = name }, "Container.name contains invalid characters.")
    }

    @Test("Names are up to 255 characters")
    func nameLength() {
        Registration.expectAccepted(Registration.seedContainer { $0.name = String(repeating: "n", count: 255) })
        Registration.expectRejected(
            Registration.seedContainer { $0.name = String(repeating: "n", count: 256) },
            "Container.name is too long. Up to 255 letters (uppercase and lowercase), numbers, underscores, "
                + "and hyphens are allowed.")
    }

    @Test("Names are unique")
    func uniqueNames() {
        Registration.expectRejected(
            Registration.seed { $0.containerDefinitions.append(Registration.container("my-container")) },
            "Container names must be unique within a Task Definition.")
        Registration.expectAccepted(Registration.seed { $0.containerDefinitions.append(Registration.container("b")) })
    }

    @Test("An image is required")
    func imageRequired() {
        Registration.expectRejected(
            Registration.seedContainer { $0.image = nil }, "Container.image should not be null or empty.")
        Registration.expectRejected(
            Registration.seedContainer { $0.image = "" }, "Container.image should not be null or empty.")
    }
}
