/// Where a rollback learns what a pool can carry and what a bundle carries now: pool settings plus health
/// checks for real fleets, the simulated pools in scenario tests.
public protocol CapacityProvider: Sendable {
    /// The drain target's capacity figures now (warm replicas, limits, scale-up).
    func drainTarget(for bundle: BundleRef) throws -> DrainTarget
    /// The live traffic a bundle carries now.
    func load(of bundle: BundleRef) -> BundleLoad
    /// Asks for `bundle`'s pool to scale up for `--warm-first`; returns what was done, for the journal.
    func requestScaleUp(of bundle: BundleRef) -> String
}

/// The live traffic of one bundle, which a drain must move.
public struct BundleLoad: Hashable, Sendable, Codable {
    public var requestsPerSecond: Double
    public var meanLatencySeconds: Double
    public var inFlight: Int
    /// Whether anything was observed at all; a plan without live figures says so.
    public var observed: Bool

    enum CodingKeys: String, CodingKey {
        case observed
        case requestsPerSecond = "requests_per_second"
        case meanLatencySeconds = "mean_latency_seconds"
        case inFlight = "in_flight"
    }

    public init(requestsPerSecond: Double, meanLatencySeconds: Double, inFlight: Int, observed: Bool = true) {
        self.requestsPerSecond = requestsPerSecond
        self.meanLatencySeconds = meanLatencySeconds
        self.inFlight = inFlight
        self.observed = observed
    }

    public static let unobserved = BundleLoad(requestsPerSecond: 0, meanLatencySeconds: 0, inFlight: 0, observed: false)

    /// Concurrent requests by Little's law.
    public var concurrency: Double { requestsPerSecond * meanLatencySeconds }
}
