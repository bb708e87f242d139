extension Sequence<Int> {
    /// The sum, stopping at Int.max instead of trapping: a request may carry any Int, and the sums the rules
    /// compare against task limits must not crash the validator.
    var saturatingSum: Int {
        reduce(0) { total, value in
            let (sum, overflow) = total.addingReportingOverflow(value)
            return overflow ? (value > 0 ? Int.max : Int.min) : sum
        }
    }
}
