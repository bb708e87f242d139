/// The container list, container names and images (RegisterTaskDefinitionRequest.containerDefinitions,
/// ContainerDefinition.name and ContainerDefinition.image docs).
enum ContainerIdentityRules {
    /// "Containers per task definition": 10 (Amazon ECS service quotas; aws/amazon-ecs-cli#184).
    static let maximumContainers = 10

    /// The containers, each with its name, once every container has a valid, unique name and an image.
    static func check(_ containers: [ContainerDefinition]) throws(ECSError) -> [CheckedContainer] {
        guard !containers.isEmpty else {
            // AWS's text (awsdocs/aws-cloudformation-user-guide#454).
            throw ECSError(.clientException, "Container list cannot be empty.")
        }
        guard containers.count <= maximumContainers else {
            // AWS's text (aws/amazon-ecs-cli#184).
            throw ECSError(.clientException, "Too many containers.")
        }
        var checked: [CheckedContainer] = []
        for container in containers {
            let name = try checkName(container.name)
            guard !checked.contains(where: { $0.name == name }) else {
                // AWS's text (Shippable/support#2946).
                throw ECSError(.clientException, "Container names must be unique within a Task Definition.")
            }
            guard let image = container.image, !image.isEmpty else {
                // AWS's text (convox/praxis#121).
                throw ECSError(.clientException, "Container.image should not be null or empty.")
            }
            checked.append(CheckedContainer(definition: container, name: name))
        }
        return checked
    }

    /// ContainerDefinition.name: "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
    /// hyphens are allowed."
    private static func checkName(_ name: String?) throws(ECSError) -> String {
        guard let name, !name.isEmpty else {
            // AWS's text (hashicorp/terraform#2888, awsdocs/aws-cloudformation-user-guide#612).
            throw ECSError(.clientException, "Container.name should not be null or empty.")
        }
        guard ECSNameCharacters.areAllAllowed(in: name) else {
            // AWS's text (hashicorp/terraform-provider-aws#5950, ansible/ansible#22860).
            throw ECSError(.clientException, "Container.name contains invalid characters.")
        }
        guard name.count <= ECSNameCharacters.maximumLength else {
            // berth's wording: the limit is documented, ECS's text for it is not known.
            throw ECSError(
                .clientException,
                "Container.name is too long. Up to 255 letters (uppercase and lowercase), numbers, underscores, "
                    + "and hyphens are allowed.")
        }
        return name
    }
}
