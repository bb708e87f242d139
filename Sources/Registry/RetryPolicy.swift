/// How often and how patiently a pull retries. The ECS agent retries an image pull 5 times with an
/// exponential backoff from 1.1 s, doubling, capped at 5 s, with a jitter of 0.2 (agent `dockerapi`
/// image-pull backoff); Fargate users see "has been retried 5 time(s)" in its messages.
public struct RetryPolicy: Sendable {
    /// Attempts in all, the first included.
    public var attempts: Int
    /// Seconds before the second attempt.
    public var initialDelay: Double
    public var multiplier: Double
    /// The cap on the delay before jitter is added, as the agent's backoff applies it.
    public var maximumDelay: Double
    /// The fraction of the delay added at random, so many tasks pulling at once do not retry in lockstep.
    public var jitter: Double

    public static let ecsAgent = RetryPolicy(
        attempts: 5, initialDelay: 1.1, multiplier: 2, maximumDelay: 5, jitter: 0.2)

    /// No retries: for callers (and tests) that retry themselves.
    public static let once = RetryPolicy(attempts: 1, initialDelay: 0, multiplier: 1, maximumDelay: 0, jitter: 0)

    public init(attempts: Int, initialDelay: Double, multiplier: Double, maximumDelay: Double, jitter: Double) {
        self.attempts = attempts
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// Seconds to wait before attempt `n` (1-based; the first attempt waits 0). `random` in [0, 1) picks
    /// the jitter: the delay is `base + base × jitter × random`, `base = min(initial × multiplier^(n−2), max)`.
    public func delay(beforeAttempt n: Int, random: Double) -> Double {
        guard n >= 2 else { return 0 }
        var base = initialDelay
        for _ in 0..<(n - 2) {
            base *= multiplier
            if base >= maximumDelay { break }
        }
        base = min(base, maximumDelay)
        return base + base * jitter * min(max(random, 0), 1)
    }
}
