import ECSModel
import Foundation
import VPCNetwork

/// The EC2 verbs that matter to awsvpc tasks (`berth ec2 ...`): subnets and security groups as berthd's
/// state, answered in the shapes the aws CLI prints for `aws ec2`. Served as `BerthNetwork<Operation>` with
/// the same awsJson1_1 framing as the ECS operations; request members are EC2's (SubnetIds, GroupId,
/// IpPermissions, ...).
extension ECSService {
    static let ec2Operations: Set<String> = [
        "CreateSubnet", "DescribeSubnets", "CreateSecurityGroup", "DescribeSecurityGroups",
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
        "RevokeSecurityGroupEgress",
    ]

    func handleEC2(_ operation: String, body: Data) throws -> Data {
        guard let network = engine.network else {
            throw ECSError(.clientException, "berthd runs without awsvpc networking; EC2 operations are unavailable.")
        }
        let request = (try? JSONSerialization.jsonObject(with: body.isEmpty ? Data("{}".utf8) : body)) as? [String: Any]
        guard let request else { throw Self.invalidParameter("\(operation) takes a JSON object.") }
        func strings(_ key: String) -> [String] { request[key] as? [String] ?? [] }
        func string(_ key: String) -> String? { request[key] as? String }
        let answer: Any
        do {
            switch operation {
            case "CreateSubnet":
                answer = [
                    "Subnet": Self.subnetDocument(
                        try network.createSubnet(cidr: string("CidrBlock")), region: configuration.region)
                ]
            case "DescribeSubnets":
                answer = [
                    "Subnets": try network.describeSubnets(ids: strings("SubnetIds")).map {
                        Self.subnetDocument($0, region: configuration.region)
                    }
                ]
            case "CreateSecurityGroup":
                guard let name = string("GroupName"), let description = string("Description") else {
                    throw Self.invalidParameter("CreateSecurityGroup needs GroupName and Description.")
                }
                answer = ["GroupId": try network.createSecurityGroup(name: name, description: description).id]
            case "DescribeSecurityGroups":
                answer = [
                    "SecurityGroups": try network.describeSecurityGroups(ids: strings("GroupIds")).map {
                        Self.groupDocument($0, owner: configuration.accountID)
                    }
                ]
            case "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress":
                guard let group = string("GroupId") else { throw Self.invalidParameter("GroupId is required.") }
                let permissions = try Self.permissions(request)
                let rules =
                    operation.hasSuffix("Ingress")
                    ? try network.authorizeIngress(groupID: group, permissions: permissions)
                    : try network.authorizeEgress(groupID: group, permissions: permissions)
                answer = [
                    "Return": true,
                    "SecurityGroupRules": rules.map { Self.ruleDocument($0, owner: configuration.accountID) },
                ]
            case "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress":
                guard let group = string("GroupId") else { throw Self.invalidParameter("GroupId is required.") }
                if !strings("SecurityGroupRuleIds").isEmpty {
                    try network.revokeRules(groupID: group, ruleIDs: strings("SecurityGroupRuleIds"))
                } else if operation.hasSuffix("Ingress") {
                    try network.revokeIngress(groupID: group, permissions: try Self.permissions(request))
                } else {
                    try network.revokeEgress(groupID: group, permissions: try Self.permissions(request))
                }
                answer = ["Return": true]
            default:
                throw ECSError(.init(rawValue: "UnknownOperationException"), "Unknown operation \(operation)")
            }
        } catch let error as NetworkError {
            throw Self.ec2Error(error)
        }
        return try JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys])
    }

    static func ec2Error(_ error: NetworkError) -> ECSError {
        switch error {
        case .notFound(let message):
            let type = message.contains("subnet") ? "InvalidSubnetID.NotFound" : "InvalidGroup.NotFound"
            return ECSError(.init(rawValue: type), message)
        case .invalidParameter(let message): return ECSError(.init(rawValue: "InvalidParameterValue"), message)
        case .hostPortInUse(let message): return ECSError(.invalidParameterException, message)
        case .exhausted(let message): return ECSError(.init(rawValue: "InsufficientFreeAddressesInSubnet"), message)
        default: return ECSError(.serverException, error.description)
        }
    }

    /// `IpPermissions` (EC2's list), or the aws CLI's shortcut members: IpProtocol + FromPort/ToPort +
    /// CidrIp or SourceSecurityGroupId.
    static func permissions(_ request: [String: Any]) throws -> [IpPermission] {
        if let list = request["IpPermissions"] as? [[String: Any]] {
            return list.map { item in
                IpPermission(
                    ipProtocol: (item["IpProtocol"] as? String) ?? "-1", fromPort: item["FromPort"] as? Int ?? -1,
                    toPort: item["ToPort"] as? Int ?? -1,
                    cidrs: (item["IpRanges"] as? [[String: Any]] ?? []).compactMap { $0["CidrIp"] as? String },
                    groupIDs: (item["UserIdGroupPairs"] as? [[String: Any]] ?? []).compactMap {
                        $0["GroupId"] as? String
                    },
                    description: (item["IpRanges"] as? [[String: Any]])?.first?["Description"] as? String)
            }
        }
        guard let ipProtocol = request["IpProtocol"] as? String else {
            throw invalidParameter(
                "Give IpPermissions, or IpProtocol with FromPort/ToPort and CidrIp or SourceSecurityGroupId.")
        }
        var cidrs = [request["CidrIp"] as? String].compactMap { $0 }
        let groups = [request["SourceSecurityGroupId"] as? String].compactMap { $0 }
        if cidrs.isEmpty && groups.isEmpty { cidrs = ["0.0.0.0/0"] }
        return [
            IpPermission(
                ipProtocol: ipProtocol, fromPort: request["FromPort"] as? Int ?? -1,
                toPort: request["ToPort"] as? Int ?? -1, cidrs: cidrs, groupIDs: groups)
        ]
    }

    static func subnetDocument(_ subnet: Subnet, region: String) -> [String: Any] {
        [
            "SubnetId": subnet.id, "VpcId": subnet.vpcID, "CidrBlock": subnet.cidr.description, "State": "available",
            "AvailableIpAddressCount": subnet.availableIpAddressCount, "AvailabilityZone": "\(region)a",
            "DefaultForAz": false, "MapPublicIpOnLaunch": false,
            "Tags": subnet.autoCreated ? [["Key": "berth:auto-created", "Value": "true"]] : [],
        ]
    }

    static func groupDocument(_ group: SecurityGroup, owner: String) -> [String: Any] {
        func permissions(_ rules: [SecurityGroupRule]) -> [[String: Any]] {
            rules.map { rule in
                var item: [String: Any] = [
                    "IpProtocol": rule.ipProtocol, "IpRanges": rule.cidr.map { [["CidrIp": $0]] } ?? [],
                    "UserIdGroupPairs": rule.peerGroupID.map { [["GroupId": $0, "UserId": owner]] } ?? [],
                    "Ipv6Ranges": [], "PrefixListIds": [],
                ]
                if rule.ipProtocol != "-1" {
                    item["FromPort"] = rule.fromPort
                    item["ToPort"] = rule.toPort
                }
                return item
            }
        }
        return [
            "GroupId": group.id, "GroupName": group.name, "Description": group.description, "VpcId": group.vpcID,
            "OwnerId": owner, "IpPermissions": permissions(group.ingress),
            "IpPermissionsEgress": permissions(group.egress),
        ]
    }

    static func ruleDocument(_ rule: SecurityGroupRule, owner: String) -> [String: Any] {
        var item: [String: Any] = [
            "SecurityGroupRuleId": rule.id, "GroupId": rule.groupID, "GroupOwnerId": owner, "IsEgress": rule.isEgress,
            "IpProtocol": rule.ipProtocol, "FromPort": rule.fromPort, "ToPort": rule.toPort,
        ]
        if let cidr = rule.cidr { item["CidrIpv4"] = cidr }
        if let peer = rule.peerGroupID { item["ReferencedGroupInfo"] = ["GroupId": peer, "UserId": owner] }
        return item
    }
}
