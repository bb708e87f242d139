/// What the rules need to know about one RegisterTaskDefinition request, worked out once.
struct TaskDefinitionFacts {
    let request: RegisterTaskDefinitionRequest
    let containers: [CheckedContainer]
    /// `requiresCompatibilities` contains FARGATE: "The task launch type that Amazon ECS validates the task
    /// definition against" (RegisterTaskDefinitionRequest.requiresCompatibilities doc).
    let requiresFargate: Bool
    /// The network mode in effect: "If no network mode is specified, the default is bridge."
    /// (RegisterTaskDefinitionRequest.networkMode doc).
    let networkMode: NetworkMode
    /// Task-level CPU units, when `cpu` is given.
    let cpu: Int?
    /// Task-level memory in MiB, when `memory` is given.
    let memory: Int?

    init(request: RegisterTaskDefinitionRequest, containers: [CheckedContainer], cpu: Int?, memory: Int?) {
        self.request = request
        self.containers = containers
        self.requiresFargate = request.requiresCompatibilities?.contains(.fargate) ?? false
        self.networkMode = request.networkMode ?? .bridge
        self.cpu = cpu
        self.memory = memory
    }

    /// The container named `name`, if the task has one.
    func container(named name: String) -> CheckedContainer? {
        containers.first { $0.name == name }
    }
}
