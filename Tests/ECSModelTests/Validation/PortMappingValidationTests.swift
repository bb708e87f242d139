import ECSModel
import Testing

@Suite("Port mappings")
struct PortMappingValidationTests {
    private static func mappings(_ mappings: [PortMapping]) -> RegisterTaskDefinitionRequest {
        Registration.seedContainer { $0.portMappings = mappings }
    }

    @Test("In awsvpc, hostPort is absent or equals containerPort")
    func awsvpcHostPort() {
        Registration.expectAccepted(Self.mappings([PortMapping(containerPort: 8080)]))
        Registration.expectAccepted(Self.mappings([PortMapping(containerPort: 8080, hostPort: 8080)]))
        let message = "When networkMode=awsvpc, the host ports and container ports in port mappings must match."
        Registration.expectRejected(Self.mappings([PortMapping(containerPort: 8080, hostPort: 80)]), message)
        Registration.expectRejected(Self.mappings([PortMapping(containerPort: 8080, hostPort: 0)]), message)
    }

    @Test("In host mode, the same rule in host mode's words")
    func hostModeHostPort() {
        Registration.expectRejected(
            Registration.ec2 {
                $0.networkMode = .host
                $0.containerDefinitions[0].portMappings = [PortMapping(containerPort: 8080, hostPort: 80)]
            }, "When networkMode=host, the host ports and container ports in port mappings must match.")
    }

    @Test("In bridge mode, any host port", arguments: [0, 80, 32768])
    func bridgeHostPort(hostPort: Int) {
        Registration.expectAccepted(
            Registration.ec2 {
                $0.containerDefinitions[0].portMappings = [PortMapping(containerPort: 8080, hostPort: hostPort)]
            })
    }

    @Test("containerPort is 1-65535", arguments: [0, -1, 65536])
    func badContainerPort(port: Int) {
        Registration.expectRejected(
            Self.mappings([PortMapping(containerPort: port)]),
            "Invalid 'containerPort' setting for container 'my-container'.")
    }

    @Test("containerPort is required without containerPortRange")
    func missingContainerPort() {
        Registration.expectRejected(
            Self.mappings([PortMapping(protocol: .tcp)]),
            "Invalid 'containerPort' setting for container 'my-container'.")
    }

    @Test("The ends of the port range", arguments: [1, 65535])
    func portRangeEnds(port: Int) {
        Registration.expectAccepted(Self.mappings([PortMapping(containerPort: port)]))
    }

    @Test("protocol is tcp or udp")
    func transportProtocol() {
        Registration.expectAccepted(Self.mappings([PortMapping(containerPort: 53, protocol: .udp)]))
        Registration.expectAccepted(Self.mappings([PortMapping(containerPort: 80, protocol: .tcp)]))
        Registration.expectRejected(
            Self.mappings([PortMapping(containerPort: 80, protocol: "sctp")]),
            "Invalid 'protocol' setting for container 'my-container'.")
    }

    @Test("A container port is exposed once, whatever the protocol")
    func containerPortOnce() {
        let message = "Container port 53 is used in more than one port mapping for container my-container"
        Registration.expectRejected(
            Self.mappings([
                PortMapping(containerPort: 53, protocol: .tcp), PortMapping(containerPort: 53, protocol: .udp),
            ]),
            .invalidParameterException, message)
        Registration.expectRejected(
            Self.mappings([PortMapping(containerPort: 53), PortMapping(containerPort: 53)]),
            .invalidParameterException, message)
    }

    @Test("Two containers of an awsvpc task cannot take the same port and protocol")
    func hostPortOnceInTask() {
        var sidecar = Registration.container("sidecar")
        sidecar.portMappings = [PortMapping(containerPort: 80)]
        Registration.expectRejected(
            Registration.seed { $0.containerDefinitions.append(sidecar) },
            "TCP host port '80' is mapped multiple times in task.")
        sidecar.portMappings = [PortMapping(containerPort: 80, protocol: .udp)]
        Registration.expectAccepted(Registration.seed { $0.containerDefinitions.append(sidecar) })
    }

    @Test("In bridge mode only fixed host ports clash")
    func bridgeHostPortClash() {
        var second = Registration.container("second")
        second.memory = 64
        second.portMappings = [PortMapping(containerPort: 53, hostPort: 5353, protocol: .udp)]
        var first = Registration.container("first")
        first.memory = 64
        first.portMappings = [PortMapping(containerPort: 53, hostPort: 5353, protocol: .udp)]
        Registration.expectRejected(
            Registration.ec2 { $0.containerDefinitions = [first, second] },
            "UDP host port '5353' is mapped multiple times in task.")
        first.portMappings = [PortMapping(containerPort: 53, hostPort: 0, protocol: .udp)]
        second.portMappings = [PortMapping(containerPort: 53, protocol: .udp)]
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions = [first, second] })
    }

    @Test("containerPortRange instead of containerPort")
    func containerPortRange() {
        Registration.expectAccepted(Self.mappings([PortMapping(containerPortRange: "8000-8010")]))
        for range in ["8010-8000", "0-10", "8000", "a-b", "8000-70000"] {
            Registration.expectRejected(
                Self.mappings([PortMapping(containerPortRange: range)]),
                "Invalid 'containerPortRange' setting for container 'my-container'.")
        }
    }
}
