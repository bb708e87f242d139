import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A `file://` value that could not be read, worded as the aws CLI words it.
struct ParamFileError: Error, Equatable {
    var message: String
}

/// The aws CLI's parameter files (`awscli/paramfile.py`): a value starting with `file://`
/// is replaced by the file's text (universal newlines, as Python's text mode reads it),
/// `fileb://` by its bytes. `~` and `$VARS` in the path are expanded.
struct ParamFileLoader: Sendable {
    var environment: [String: String]

    init(environment: [String: String]) {
        self.environment = environment
    }

    /// The contents `value` refers to, or nil if it is not a `file://`/`fileb://` value.
    func load(_ value: String) throws(ParamFileError) -> String? {
        for (prefix, binary) in [("file://", false), ("fileb://", true)] where value.hasPrefix(prefix) {
            let path = expandVars(expandUser(String(value.dropFirst(prefix.count))))
            let bytes: [UInt8]
            switch ParamFileLoader.readAll(path) {
            case .success(let b): bytes = b
            case .failure(let code):
                throw ParamFileError(
                    message: "Unable to load paramfile \(value): \(PythonText.osError(code, path: path))")
            }
            if binary { return String(decoding: bytes, as: UTF8.self) }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw ParamFileError(
                    message: "Unable to load paramfile (\(path)), text contents could not be decoded.  If this is a "
                        + "binary file, please use the fileb:// prefix instead of the file:// prefix.")
            }
            return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return nil
    }

    /// `os.path.expanduser`.
    func expandUser(_ path: String) -> String {
        guard path.hasPrefix("~") else { return path }
        let slash = path.firstIndex(of: "/") ?? path.endIndex
        let user = path[path.index(after: path.startIndex)..<slash]
        var home: String?
        if user.isEmpty {
            home = environment["HOME"] ?? getpwuid(getuid()).flatMap { String(cString: $0.pointee.pw_dir) }
        } else {
            home = getpwnam(String(user)).flatMap { String(cString: $0.pointee.pw_dir) }
        }
        guard var home else { return path }
        if home.count > 1, home.hasSuffix("/") { home.removeLast() }
        let rest = path[slash...]
        return (home == "/" && rest.hasPrefix("/") ? "" : home) + rest
    }

    /// `os.path.expandvars`: `$name` and `${name}` for variables that are set.
    func expandVars(_ path: String) -> String {
        guard path.contains("$") else { return path }
        let chars = Array(path)
        var out = ""
        var i = 0
        func isWord(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_") }
        while i < chars.count {
            guard chars[i] == "$", i + 1 < chars.count else {
                out.append(chars[i])
                i += 1
                continue
            }
            var name = ""
            var end = i + 1
            if chars[end] == "{" {
                guard let close = chars[(end + 1)...].firstIndex(of: "}") else {
                    out.append(chars[i])
                    i += 1
                    continue
                }
                name = String(chars[(end + 1)..<close])
                end = close + 1
            } else {
                while end < chars.count, isWord(chars[end]) {
                    name.append(chars[end])
                    end += 1
                }
            }
            if !name.isEmpty, let value = environment[name] {
                out += value
                i = end
            } else {
                out.append(chars[i])
                i += 1
            }
        }
        return out
    }

    /// The whole file, or the errno Python's `open()`/`read()` would report.
    static func readAll(_ path: String) -> Result<[UInt8], Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return .failure(Errno(errno)) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR { return .failure(Errno(EISDIR)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return .success(bytes)
    }

    struct Errno: Error, Equatable {
        var code: Int32
        init(_ code: Int32) { self.code = code }
    }
}

extension PythonText {
    static func osError(_ errno: ParamFileLoader.Errno, path: String) -> String {
        osError(errno.code, path: path)
    }
}
