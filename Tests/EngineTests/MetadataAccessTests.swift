import Testing

@testable import Engine

/// Each task's metadata is served to that task alone: the request's source must be the address of the task
/// whose container the path names.
@Suite struct MetadataAccessTests {
    @Test(
        arguments: [
            ("10.88.0.4", "10.88.0.4", true),
            ("10.88.0.5", "10.88.0.4", false),  // another task
            ("127.0.0.1", "10.88.0.4", false),  // the host
            ("169.254.170.2", "10.88.0.4", false),  // the host, through the metadata address on lo
            ("10.88.0.1", "10.88.0.4", false),  // the gateway
            (nil, "10.88.0.4", false),  // no peer address (a closed connection)
            ("10.88.0.4", nil, false),  // a task without an address
        ] as [(String?, String?, Bool)])
    func onlyTheTasksOwnAddressIsAnswered(client: String?, taskAddress: String?, answered: Bool) {
        let refusal = ECSService.metadataRefusal(client: client, taskAddress: taskAddress, containerID: "c0ffee")
        #expect((refusal == nil) == answered)
        if let refusal { #expect(refusal.contains("c0ffee")) }
    }
}
