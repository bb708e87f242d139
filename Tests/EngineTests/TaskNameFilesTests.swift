import Testing

@testable import Engine

@Suite struct TaskNameFilesTests {
    @Test func theHostHasANameOnlyWhenTasksMayReachIt() {
        let confined = TaskNameFiles.hosts(hostname: "abc", address: "10.88.0.4")
        #expect(confined.hasSuffix("10.88.0.4\tabc\n"))
        #expect(!confined.contains("host."))
        let open = TaskNameFiles.hosts(hostname: "abc", address: "10.88.0.4", hostGateway: "10.88.0.1")
        #expect(
            open.hasSuffix(
                "10.88.0.4\tabc\n10.88.0.1\thost.berth.internal host.docker.internal host.containers.internal\n"))
    }
}
