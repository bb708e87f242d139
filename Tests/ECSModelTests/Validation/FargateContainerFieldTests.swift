import ECSModel
import Testing

@Suite("Container settings Fargate rejects")
struct FargateContainerFieldTests {
    private static func unsupported(_ member: String) -> String {
        "Fargate compatible task definitions do not support \(member)"
    }

    @Test("privileged")
    func privileged() {
        Registration.expectRejected(
            Registration.seedContainer { $0.privileged = true },
            "Fargate requires that the 'privileged' setting be 'false'")
        Registration.expectAccepted(Registration.seedContainer { $0.privileged = false })
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].privileged = true })
    }

    @Test("disableNetworking")
    func disableNetworking() {
        Registration.expectRejected(
            Registration.seedContainer { $0.disableNetworking = true }, Self.unsupported("disableNetworking"))
        Registration.expectAccepted(Registration.seedContainer { $0.disableNetworking = false })
    }

    @Test("dnsServers and dnsSearchDomains")
    func dns() {
        Registration.expectRejected(
            Registration.seedContainer { $0.dnsServers = ["10.0.0.2"] }, Self.unsupported("dnsServers"))
        Registration.expectRejected(
            Registration.seedContainer { $0.dnsSearchDomains = ["corp.example"] }, Self.unsupported("dnsSearchDomains"))
        Registration.expectAccepted(
            Registration.seedContainer {
                $0.dnsServers = []
                $0.dnsSearchDomains = []
            })
    }

    @Test("dockerSecurityOptions")
    func dockerSecurityOptions() {
        Registration.expectRejected(
            Registration.seedContainer { $0.dockerSecurityOptions = ["no-new-privileges"] },
            Self.unsupported("dockerSecurityOptions"))
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].dockerSecurityOptions = ["label:x"] })
    }

    @Test("GPU resource requirements")
    func gpu() {
        Registration.expectRejected(
            Registration.seedContainer { $0.resourceRequirements = [ResourceRequirement(value: "1", type: .gpu)] },
            Self.unsupported("GPU resourceRequirements"))
    }

    @Test("linuxParameters devices, sharedMemorySize, tmpfs, maxSwap, swappiness")
    func linuxParameters() {
        let cases: [(LinuxParameters, String)] = [
            (LinuxParameters(devices: [Device(hostPath: "/dev/fuse")]), "devices"),
            (LinuxParameters(sharedMemorySize: 64), "sharedMemorySize"),
            (LinuxParameters(tmpfs: [Tmpfs(containerPath: "/run", size: 64)]), "tmpfs"),
            (LinuxParameters(maxSwap: 0), "maxSwap"),
            (LinuxParameters(swappiness: 60), "swappiness"),
        ]
        for (parameters, member) in cases {
            Registration.expectRejected(
                Registration.seedContainer { $0.linuxParameters = parameters }, Self.unsupported(member))
            Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].linuxParameters = parameters })
        }
        Registration.expectAccepted(
            Registration.seedContainer { $0.linuxParameters = LinuxParameters(devices: [], initProcessEnabled: true) })
    }

    @Test("Only SYS_PTRACE can be added; anything can be dropped")
    func capabilities() {
        Registration.expectAccepted(
            Registration.seedContainer {
                $0.linuxParameters = LinuxParameters(
                    capabilities: KernelCapabilities(add: ["SYS_PTRACE"], drop: ["ALL"]))
            })
        Registration.expectRejected(
            Registration.seedContainer {
                $0.linuxParameters = LinuxParameters(
                    capabilities: KernelCapabilities(add: ["SYS_PTRACE", "NET_ADMIN"]))
            }, "NET_ADMIN is not allowed on Fargate.")
        Registration.expectRejected(
            Registration.seedContainer {
                $0.linuxParameters = LinuxParameters(capabilities: KernelCapabilities(add: ["ALL"]))
            }, "ALL is not allowed on Fargate.")
        Registration.expectAccepted(
            Registration.ec2 {
                $0.containerDefinitions[0].linuxParameters = LinuxParameters(
                    capabilities: KernelCapabilities(add: ["NET_ADMIN"]))
            })
    }
}
