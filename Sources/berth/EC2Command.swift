import ArgumentParser
import ECSModel
import Foundation

/// `berth ec2 <verb>`: the EC2 verbs awsvpc tasks depend on (subnets, security groups and their rules),
/// with the aws CLI's flag names and JSON output, against berthd's own VPC.
struct EC2Command: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ec2",
        abstract: "Subnets and security groups of berthd's VPC, with the aws CLI's `aws ec2` verbs.",
        discussion: """
            Unknown subnet-… and sg-… IDs given to run-task are created on first use (a new /24; a group \
            allowing the task's container ports from anywhere); these verbs create and change them explicitly.
            """,
        subcommands: [
            CreateSubnet.self, DescribeSubnets.self, CreateSecurityGroup.self, DescribeSecurityGroups.self,
            AuthorizeIngress.self, AuthorizeEgress.self, RevokeIngress.self, RevokeEgress.self,
        ])

    struct Connection: ParsableArguments {
        @Option(help: "berthd's socket (default: BERTH_SOCKET or /run/berth/berth.sock).")
        var socket: String?

        /// Sends `BerthEC2<operation>` and prints the answer as the aws CLI does (4-space JSON).
        func call(_ operation: String, _ request: [String: Any]) throws {
            let data = try BerthdCall(socket: socket).sendJSON("BerthNetwork\(operation)", request)
            let text = String(decoding: data, as: UTF8.self)
            print((try? JSON.parse(text).pythonDumps(indent: 4, ensureASCII: false)) ?? text)
        }
    }

    /// `--protocol tcp --port 80|8000-8080 --cidr 10.0.0.0/8 | --source-group sg-…`, or `--ip-permissions JSON`.
    struct RuleOptions: ParsableArguments {
        @Option(help: "The security group.") var groupId: String
        @Option(name: .customLong("protocol"), help: "tcp, udp, icmp or all (-1).") var ipProtocol: String?
        @Option(help: "A port or a range (8000-8080).") var port: String?
        @Option(help: "The CIDR allowed (default 0.0.0.0/0 when no --source-group).") var cidr: String?
        @Option(help: "Another security group whose tasks are allowed.") var sourceGroup: String?
        @Option(help: "EC2's IpPermissions as JSON (or file://path).") var ipPermissions: String?
        @Option(parsing: .upToNextOption, help: "Rule ids to revoke.") var securityGroupRuleIds: [String] = []

        func request() throws -> [String: Any] {
            var request: [String: Any] = ["GroupId": groupId]
            if !securityGroupRuleIds.isEmpty { request["SecurityGroupRuleIds"] = securityGroupRuleIds }
            if let ipPermissions {
                var text = ipPermissions
                if text.hasPrefix("file://") {
                    text = try String(contentsOfFile: String(text.dropFirst(7)), encoding: .utf8)
                }
                guard let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else {
                    throw ValidationError("--ip-permissions takes EC2's IpPermissions as JSON")
                }
                request["IpPermissions"] = list
                return request
            }
            guard let ipProtocol else {
                if !securityGroupRuleIds.isEmpty { return request }
                throw ValidationError("give --protocol (with --port and --cidr or --source-group) or --ip-permissions")
            }
            request["IpProtocol"] = ipProtocol == "all" ? "-1" : ipProtocol
            if let port {
                let bounds = port.split(separator: "-").map { Int($0) }
                guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0 != nil }) else {
                    throw ValidationError("--port takes a port or a range like 8000-8080")
                }
                request["FromPort"] = bounds[0]!
                request["ToPort"] = bounds.last!!
            }
            if let cidr { request["CidrIp"] = cidr }
            if let sourceGroup { request["SourceSecurityGroupId"] = sourceGroup }
            return request
        }
    }

    struct CreateSubnet: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-subnet")
        @Option(help: "The subnet's CIDR inside the VPC (default: the next free /24).") var cidrBlock: String?
        @Option(help: "Accepted for aws compatibility; berthd has one VPC.") var vpcId: String?
        @OptionGroup var connection: Connection
        func run() throws {
            var request: [String: Any] = [:]
            if let cidrBlock { request["CidrBlock"] = cidrBlock }
            try connection.call("CreateSubnet", request)
        }
    }

    struct DescribeSubnets: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe-subnets")
        @Option(parsing: .upToNextOption, help: "Only these subnets.") var subnetIds: [String] = []
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("DescribeSubnets", ["SubnetIds": subnetIds]) }
    }

    struct CreateSecurityGroup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create-security-group")
        @Option var groupName: String
        @Option var description: String
        @Option(help: "Accepted for aws compatibility; berthd has one VPC.") var vpcId: String?
        @OptionGroup var connection: Connection
        func run() throws {
            try connection.call("CreateSecurityGroup", ["GroupName": groupName, "Description": description])
        }
    }

    struct DescribeSecurityGroups: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "describe-security-groups")
        @Option(parsing: .upToNextOption, help: "Only these groups.") var groupIds: [String] = []
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("DescribeSecurityGroups", ["GroupIds": groupIds]) }
    }

    struct AuthorizeIngress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "authorize-security-group-ingress")
        @OptionGroup var rule: RuleOptions
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("AuthorizeSecurityGroupIngress", try rule.request()) }
    }

    struct AuthorizeEgress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "authorize-security-group-egress")
        @OptionGroup var rule: RuleOptions
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("AuthorizeSecurityGroupEgress", try rule.request()) }
    }

    struct RevokeIngress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-security-group-ingress")
        @OptionGroup var rule: RuleOptions
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("RevokeSecurityGroupIngress", try rule.request()) }
    }

    struct RevokeEgress: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "revoke-security-group-egress")
        @OptionGroup var rule: RuleOptions
        @OptionGroup var connection: Connection
        func run() throws { try connection.call("RevokeSecurityGroupEgress", try rule.request()) }
    }
}
