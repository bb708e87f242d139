/// A container definition that passed `ContainerIdentityRules`: its name and image are present.
struct CheckedContainer {
    let definition: ContainerDefinition
    let name: String

    /// ContainerDefinition.essential: "If this parameter is omitted, a container is assumed to be essential."
    var isEssential: Bool { definition.essential ?? true }
}
