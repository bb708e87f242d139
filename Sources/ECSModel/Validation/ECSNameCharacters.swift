/// The naming rule ECS shares between a task family and a container name: "Up to 255 letters (uppercase
/// and lowercase), numbers, underscores, and hyphens are allowed." (RegisterTaskDefinitionRequest.family
/// and ContainerDefinition.name docs).
enum ECSNameCharacters {
    static let maximumLength = 255

    /// Whether every character of `name` is an ASCII letter, digit, underscore or hyphen.
    static func areAllAllowed(in name: String) -> Bool {
        name.unicodeScalars.allSatisfy { scalar in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": true
            default: false
            }
        }
    }
}
