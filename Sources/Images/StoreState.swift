import Foundation

/// The contents of images.json: every image record, in import order.
struct StoreState: Codable {
    static let currentVersion = 1

    var version: Int = StoreState.currentVersion
    var images: [ImageRecord] = []

    /// Reads the state; a missing file is an empty store. Readers need no lock because writers replace the
    /// file by rename, so a read sees one complete version.
    static func load(_ layout: StoreLayout) throws -> StoreState {
        guard Filesystem.exists(layout.stateFile) else { return StoreState() }
        let data = try Filesystem.readFile(layout.stateFile, limit: 256 << 20) {
            .corruptStore(layout.stateFile, "larger than 256 MiB")
        }
        var state: StoreState
        do {
            state = try JSONDecoder().decode(StoreState.self, from: data)
        } catch {
            throw ImageError.corruptStore(layout.stateFile, "not valid JSON (\(error))")
        }
        guard state.version == currentVersion else {
            throw ImageError.corruptStore(layout.stateFile, "version \(state.version) is not \(currentVersion)")
        }
        // Layer paths follow from the diffIDs; deriving them keeps records right if the root was moved.
        for index in state.images.indices {
            let diffIDs = state.images[index].diffIDs
            state.images[index].layerPaths = try diffIDs.map { text in
                guard let diffID = Digest(text) else {
                    throw ImageError.corruptStore(layout.stateFile, "malformed diff_id \"\(text)\"")
                }
                return layout.layerContent(diffID)
            }
        }
        return state
    }

    func save(_ layout: StoreLayout) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        try Filesystem.writeAtomically(data, to: layout.stateFile, temporaryDirectory: layout.temporary)
    }
}
