/// What to make of the answer to a `Range: bytes=N-` request when resuming a blob (containerd
/// `remotes/docker/fetcher.go`: only a 206 whose range starts where we asked continues the file).
enum ResumeAnswer: Equatable {
    /// The body continues the file at `offset`.
    case continues
    /// The body is the whole blob: truncate the file and hash from zero.
    case startsOver
    /// A 206 for some other range: not usable.
    case unusable(String)

    static func judge(status: Int, contentRange: String?, requestedOffset: Int64) -> ResumeAnswer {
        if status == 200 { return .startsOver }
        guard status == 206 else { return .unusable("status \(status) to a range request") }
        guard let contentRange else { return .unusable("206 without Content-Range") }
        // "bytes N-M/total" or "bytes N-M/*".
        let trimmed = contentRange.trimmingSpaces
        guard trimmed.hasPrefix("bytes ") else { return .unusable("Content-Range \"\(contentRange)\"") }
        let range = trimmed.dropFirst("bytes ".count)
        guard let dash = range.firstIndex(of: "-"), let start = Int64(range[..<dash]) else {
            return .unusable("Content-Range \"\(contentRange)\"")
        }
        return start == requestedOffset ? .continues : .unusable("Content-Range \"\(contentRange)\"")
    }
}

extension String {
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" { view = view.dropLast() }
        return String(view)
    }
}
