import Foundation

// Dates are stored as REAL seconds since Foundation's reference date (2001-01-01 UTC), the Double that
// `Date` itself holds: the round trip is exact, so a record read back compares equal to the one written
// (seconds since 1970 would add and subtract 978307200 and can lose the last bit).
extension Date {
    var storedValue: Double { timeIntervalSinceReferenceDate }

    init(storedValue: Double) {
        self.init(timeIntervalSinceReferenceDate: storedValue)
    }
}
