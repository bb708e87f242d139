import Foundation
import Glibc

@testable import Images

/// A private berth root under /tmp for one test, deleted afterwards.
final class TestRoot {
    let path: String
    let store: ImageStore

    init() throws {
        var template = Array("/tmp/berth-images-test-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: created)
        store = try ImageStore(root: path + "/root")
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A fresh directory inside the test root for inputs (layouts, archives).
    func scratch(_ name: String) throws -> String {
        let directory = path + "/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    var images: String { store.layout.images }

    func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// Everything an import may leave: temporary files, blobs, unpacked layers, records.
    var leftovers: [String] {
        names(in: images + "/tmp").map { "tmp/" + $0 } + names(in: images + "/blobs/sha256").map { "blob " + $0 }
            + names(in: images + "/layers/sha256").map { "layer " + $0 }
            + ((try? store.list()) ?? []).map { "record " + $0.id }
    }

    func importError(from source: String, name: String? = nil) -> ImageError? {
        do {
            _ = try store.importImage(from: source, name: name)
            return nil
        } catch let error as ImageError {
            return error
        } catch {
            return .corruptStore("unexpected error type", "\(error)")
        }
    }
}

func fileType(_ path: String) -> mode_t? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    return info.st_mode & S_IFMT
}

func contents(_ path: String) -> String? {
    (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
}

/// lgetxattr through dlsym: the Glibc module does not import sys/xattr.h.
func extendedAttribute(_ name: String, of path: String) -> String? {
    typealias LGetXattr =
        @convention(c) (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafeMutableRawPointer?, Int) -> Int
    guard let symbol = dlsym(nil, "lgetxattr") else { return nil }
    let lgetxattr = unsafeBitCast(symbol, to: LGetXattr.self)
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = lgetxattr(path, name, &buffer, buffer.count)
    guard count >= 0 else { return nil }
    return String(decoding: buffer[0..<count], as: UTF8.self)
}
