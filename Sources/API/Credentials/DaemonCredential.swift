/// The one access key pair berthd accepts over loopback TCP (the Unix socket needs none).
///
/// Shaped like an IAM user's long-term key so the aws CLI and SDKs take it as is: an access key id of
/// "AKIA" and 16 characters of AWS's base32 alphabet (A-Z, 2-7), and a 40-character secret in the base64
/// alphabet. `description` never shows the secret, so interpolating a credential into a log line is safe.
public struct DaemonCredential: Sendable, Codable, Equatable, CustomStringConvertible {
    public var accessKeyId: String
    public var secretAccessKey: String

    public init(accessKeyId: String, secretAccessKey: String) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
    }

    /// The lines of an aws CLI credentials file section (the caller adds the `[profile]` header).
    public var configFileText: String {
        "aws_access_key_id = \(accessKeyId)\naws_secret_access_key = \(secretAccessKey)\n"
    }

    public var description: String {
        "DaemonCredential(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>)"
    }
}
