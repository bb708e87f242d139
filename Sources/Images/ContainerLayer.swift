/// The writable directories of one container's overlayfs root: the mount itself happens elsewhere.
public struct ContainerLayer: Sendable, Equatable {
    public var upperDir: String
    public var workDir: String
    public var mergedDir: String

    public init(upperDir: String, workDir: String, mergedDir: String) {
        self.upperDir = upperDir
        self.workDir = workDir
        self.mergedDir = mergedDir
    }
}
