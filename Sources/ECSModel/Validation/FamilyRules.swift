/// RegisterTaskDefinitionRequest.family: "You must specify a family for a task definition. … Up to 255
/// letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed."
enum FamilyRules {
    static func check(_ family: String) throws(ECSError) {
        guard !family.isEmpty else {
            // AWS's text (aws-actions/amazon-ecs-deploy-task-definition#630).
            throw ECSError(.clientException, "Family can not be blank.")
        }
        guard ECSNameCharacters.areAllAllowed(in: family) else {
            // AWS's text (aws/amazon-ecs-cli#37, #542).
            throw ECSError(.clientException, "Family contains invalid characters.")
        }
        guard family.count <= ECSNameCharacters.maximumLength else {
            // berth's wording: the limit is documented, ECS's text for it is not known.
            throw ECSError(
                .clientException,
                "Family is too long. Up to 255 letters (uppercase and lowercase), numbers, underscores, "
                    + "and hyphens are allowed.")
        }
    }
}
