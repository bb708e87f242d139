import ECSModel
import Testing

@Suite("family")
struct FamilyValidationTests {
    @Test("A blank family is refused")
    func blank() {
        Registration.expectRejected(Registration.seed { $0.family = "" }, "Family can not be blank.")
    }

    @Test("Only letters, numbers, hyphens and underscores", arguments: ["my task", "app.v1", "app:1", "café", "a/b"])
    func invalidCharacters(family: String) {
        Registration.expectRejected(Registration.seed { $0.family = family }, "Family contains invalid characters.")
    }

    @Test("Letters, numbers, hyphens and underscores are accepted", arguments: ["a", "Web_App-2", "9", "_-_"])
    func validCharacters(family: String) {
        Registration.expectAccepted(Registration.seed { $0.family = family })
    }

    @Test("Up to 255 characters")
    func length() {
        Registration.expectAccepted(Registration.seed { $0.family = String(repeating: "f", count: 255) })
        Registration.expectRejected(
            Registration.seed { $0.family = String(repeating: "f", count: 256) },
            "Family is too long. Up to 255 letters (uppercase and lowercase), numbers, underscores, "
                + "and hyphens are allowed.")
    }
}
