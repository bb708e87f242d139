/// Why an entry (or its hardlink target) is refused; the unpacker adds the layer and entry names.
struct EntryRefusal: Error {
    let reason: String
}

/// A tar entry path as raw byte components, normalized: "./" prefixes, "." components and repeated
/// slashes removed. Construction refuses absolute paths and any ".." component, so a value of this type
/// always names something inside the layer root, lexically.
struct EntryPath: Equatable {
    let components: [[UInt8]]

    /// `role` prefixes refusal reasons, e.g. "hardlink target \"x\"".
    init(_ raw: [UInt8], role: String? = nil) throws(EntryRefusal) {
        let prefix = role.map { $0 + ": " } ?? ""
        if raw.first == UInt8(ascii: "/") {
            throw EntryRefusal(reason: prefix + "absolute path (entries must be relative to the layer root)")
        }
        var components: [[UInt8]] = []
        for component in raw.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            if component.elementsEqual([UInt8(ascii: ".")]) { continue }
            if component.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                throw EntryRefusal(reason: prefix + "path escapes the layer root (\"..\")")
            }
            components.append(Array(component))
        }
        self.components = components
    }

    private init(components: [[UInt8]]) { self.components = components }

    var isRoot: Bool { components.isEmpty }
    var name: [UInt8] { components.last ?? [] }
    var parent: EntryPath { EntryPath(components: Array(components.dropLast())) }

    /// The first `count` components, e.g. to name the parent that turned out to be a symlink.
    func prefix(_ count: Int) -> EntryPath { EntryPath(components: Array(components.prefix(count))) }

    var relative: [UInt8] { Array(components.joined(separator: [UInt8(ascii: "/")])) }
    var display: String { relative.displayString }

    /// The absolute path below `root`, which must be a realpath without a trailing slash.
    func absolute(under root: [UInt8]) -> [UInt8] {
        isRoot ? root : root + [UInt8(ascii: "/")] + relative
    }
}
