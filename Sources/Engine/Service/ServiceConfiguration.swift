/// What berthd says about where it is: ARNs carry AWS's long format with this region and account.
public struct ServiceConfiguration: Sendable {
    public var region: String
    public var accountID: String

    public init(region: String = "us-east-1", accountID: String = "000000000000") {
        self.region = region
        self.accountID = accountID
    }

    func arn(_ resource: String) -> String { "arn:aws:ecs:\(region):\(accountID):\(resource)" }
    func clusterARN(_ name: String) -> String { arn("cluster/\(name)") }
    func taskDefinitionARN(family: String, revision: Int) -> String { arn("task-definition/\(family):\(revision)") }
    func taskARN(cluster: String, id: String) -> String { arn("task/\(cluster)/\(id)") }
    func containerARN(id: String) -> String { arn("container/\(id)") }

    /// The last path component of an ECS ARN ("cluster/name" -> "name"), or the text itself.
    static func resourceName(_ text: String) -> String {
        guard text.hasPrefix("arn:") else { return text }
        let resource = text.split(separator: ":", maxSplits: 5).last.map(String.init) ?? text
        return resource.split(separator: "/").last.map(String.init) ?? resource
    }
}
