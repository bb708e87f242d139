import Testing

@testable import Registry

@Suite struct RegistryTargetTests {
    @Test func theTargetLinks() { _ = Registry.self }
}
