import ECSModel
import Testing

@Suite("Containers in awsvpc mode")
struct AwsvpcContainerValidationTests {
    @Test("hostname is not supported")
    func hostname() {
        Registration.expectRejected(
            Registration.seedContainer { $0.hostname = "web" },
            "hostname is not supported on container when networkMode=awsvpc.")
        Registration.expectAccepted(Registration.ec2 { $0.containerDefinitions[0].hostname = "web" })
    }

    @Test("links are not supported")
    func links() {
        Registration.expectRejected(
            Registration.seed {
                $0.containerDefinitions[0].links = ["db"]
                $0.containerDefinitions.append(Registration.container("db"))
            }, "Links are not supported when networkMode=awsvpc.")
        Registration.expectAccepted(Registration.seedContainer { $0.links = [] })
    }

    @Test("extraHosts are not supported")
    func extraHosts() {
        Registration.expectRejected(
            Registration.seedContainer { $0.extraHosts = [HostEntry(hostname: "db", ipAddress: "10.0.0.2")] },
            "extraHosts is not supported on container when networkMode=awsvpc.")
        Registration.expectAccepted(Registration.seedContainer { $0.extraHosts = [] })
    }

    @Test("The awsvpc rules apply to EC2 awsvpc tasks too")
    func ec2Awsvpc() {
        Registration.expectRejected(
            Registration.ec2 {
                $0.networkMode = .awsvpc
                $0.containerDefinitions[0].hostname = "web"
            }, "hostname is not supported on container when networkMode=awsvpc.")
    }
}
