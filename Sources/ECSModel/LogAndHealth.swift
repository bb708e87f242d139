import Foundation

/// Where the container's output goes (`--log-driver`, `--log-opt`).
public struct LogConfiguration: ECSShape {
    public static let shapeName = "LogConfiguration"

    public var logDriver: LogDriver
    public var options: [String: String]?
    public var secretOptions: [Secret]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case logDriver, options, secretOptions
    }

    public init(
        logDriver: LogDriver,
        options: [String: String]? = nil,
        secretOptions: [Secret]? = nil
    ) {
        self.logDriver = logDriver
        self.options = options
        self.secretOptions = secretOptions
    }
}

/// FireLens log router settings for a fluentd or fluentbit container.
public struct FirelensConfiguration: ECSShape {
    public static let shapeName = "FirelensConfiguration"

    public var type: FirelensConfigurationType
    public var options: [String: String]?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case type, options
    }

    public init(
        type: FirelensConfigurationType,
        options: [String: String]? = nil
    ) {
        self.type = type
        self.options = options
    }
}

/// A container health check: `command` is `["CMD", ...]` or `["CMD-SHELL", "..."]`;
/// interval 5...300 s (30), timeout 2...60 s (5), retries 1...10 (3), startPeriod 0...300 s (off).
public struct HealthCheck: ECSShape {
    public static let shapeName = "HealthCheck"

    public var command: [String]
    public var interval: Int?
    public var timeout: Int?
    public var retries: Int?
    public var startPeriod: Int?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case command, interval, timeout, retries, startPeriod
    }

    public init(
        command: [String],
        interval: Int? = nil,
        timeout: Int? = nil,
        retries: Int? = nil,
        startPeriod: Int? = nil
    ) {
        self.command = command
        self.interval = interval
        self.timeout = timeout
        self.retries = retries
        self.startPeriod = startPeriod
    }
}
