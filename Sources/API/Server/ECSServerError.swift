/// Why `ECSServer` could not start (or stop): said so an operator knows what to change.
public struct ECSServerError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
