import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// SigV4's timestamps: `X-Amz-Date` in ISO 8601 basic form (20150830T123600Z), or the HTTP `Date`
/// header (Sun, 30 Aug 2015 12:36:00 GMT), which botocore signs with if a request already carries one.
/// Parsed by hand in UTC: no formatter objects, no locale, no time zone.
enum SigV4Timestamp {
    /// 20150830T123600Z -> that instant; nil for anything else, including impossible dates.
    static func parse(amzDate text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16, bytes[8] == UInt8(ascii: "T"), bytes[15] == UInt8(ascii: "Z") else { return nil }
        guard let year = number(bytes[0..<4]), let month = number(bytes[4..<6]), let day = number(bytes[6..<8]),
            let hour = number(bytes[9..<11]), let minute = number(bytes[11..<13]), let second = number(bytes[13..<15])
        else { return nil }
        let date = instant(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        // timegm normalizes month 13 or second 61 into a real date; only a value that survives the
        // round trip was a real timestamp.
        return format(date) == text ? date : nil
    }

    /// "Sun, 30 Aug 2015 12:36:00 GMT" (RFC 7231's IMF-fixdate, fixed width) -> that instant.
    static func parse(httpDate text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 29, bytes[3] == UInt8(ascii: ","), text.hasSuffix(" GMT"),
            let day = number(bytes[5..<7]),
            let monthIndex = months.firstIndex(of: String(decoding: bytes[8..<11], as: UTF8.self)),
            let year = number(bytes[12..<16]), let hour = number(bytes[17..<19]),
            let minute = number(bytes[20..<22]), let second = number(bytes[23..<25])
        else { return nil }
        let date = instant(
            year: year, month: Int32(monthIndex + 1), day: day, hour: hour, minute: minute, second: second)
        // As above: "31 Feb" must not quietly become 3 March.
        let monthDigits = monthIndex < 9 ? "0\(monthIndex + 1)" : "\(monthIndex + 1)"
        let asAmzDate =
            String(decoding: bytes[12..<16], as: UTF8.self) + monthDigits
            + String(decoding: bytes[5..<7], as: UTF8.self)
            + "T" + String(decoding: bytes[17..<19] + bytes[20..<22] + bytes[23..<25], as: UTF8.self) + "Z"
        return format(date) == asAmzDate ? date : nil
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func number(_ digits: ArraySlice<UInt8>) -> Int32? {
        var value: Int32 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int32(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func instant(year: Int32, month: Int32, day: Int32, hour: Int32, minute: Int32, second: Int32)
        -> Date
    {
        var fields = tm()
        fields.tm_year = year - 1900
        fields.tm_mon = month - 1
        fields.tm_mday = day
        fields.tm_hour = hour
        fields.tm_min = minute
        fields.tm_sec = second
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }

    /// The instant in ISO 8601 basic form, UTC: 20150830T123600Z.
    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(fields.tm_year + 1900, 4) + pad(fields.tm_mon + 1, 2) + pad(fields.tm_mday, 2) + "T"
            + pad(fields.tm_hour, 2) + pad(fields.tm_min, 2) + pad(fields.tm_sec, 2) + "Z"
    }
}
