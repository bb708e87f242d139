import Foundation

/// A port the container exposes. With awsvpc, `hostPort` is omitted or equals `containerPort`.
public struct PortMapping: ECSShape {
    public static let shapeName = "PortMapping"

    public var containerPort: Int?
    public var hostPort: Int?
    public var `protocol`: TransportProtocol?
    public var name: String?
    public var appProtocol: ApplicationProtocol?
    public var containerPortRange: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case containerPort, hostPort, `protocol`, name, appProtocol, containerPortRange
    }

    public init(
        containerPort: Int? = nil,
        hostPort: Int? = nil,
        protocol: TransportProtocol? = nil,
        name: String? = nil,
        appProtocol: ApplicationProtocol? = nil,
        containerPortRange: String? = nil
    ) {
        self.containerPort = containerPort
        self.hostPort = hostPort
        self.protocol = `protocol`
        self.name = name
        self.appProtocol = appProtocol
        self.containerPortRange = containerPortRange
    }
}
