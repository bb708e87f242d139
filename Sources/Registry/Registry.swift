/// The Registry target: pulling images from OCI distribution registries. See docs/ARCHITECTURE.md.
public enum Registry {}
