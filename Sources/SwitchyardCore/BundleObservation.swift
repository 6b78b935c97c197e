import Foundation

/// What the data plane last saw of one bundle: traffic, health and the figures the console shows. The router
/// writes these to the store every tick so that the CLI and an attached console read them without an RPC.
public struct BundleObservation: Hashable, Sendable, Codable {
    public var bundle: BundleRef
    public var time: Date
    /// Primary requests per second over the last minute.
    public var requestsPerSecond: Double
    public var errorRate: Double
    public var meanLatencySeconds: Double
    public var latency: LatencySummary
    public var timeToFirstToken: LatencySummary
    public var schemaFailureRate: Double
    public var refusalRate: Double
    public var outputTokensPerSecond: Double
    public var costUSDPerHour: Double
    /// Cached prompt tokens over prompt tokens in the last minute; nil when the backend reports no `cached_tokens`.
    public var cacheHitRate: Double?
    /// Requests per per second for each of the last 60 seconds, oldest first.
    public var requestsPerSecondSeries: [Double]
    public var inFlight: Int
    public var pinnedSessions: Int
    /// The endpoint URLs that passed their last health check and serve the pinned model.
    public var healthyEndpoints: [String]
    /// Healthy endpoints whose `/v1/models` lists other weights than the pinned ones: URL → what they serve.
    public var wrongModel: [String: String]?
    public var endpoints: Int
    /// False when only health was probed and no router measured the traffic.
    public var observed: Bool

    enum CodingKeys: String, CodingKey {
        case bundle, time, latency, endpoints, observed
        case requestsPerSecond = "requests_per_second"
        case errorRate = "error_rate"
        case meanLatencySeconds = "mean_latency_seconds"
        case timeToFirstToken = "time_to_first_token"
        case schemaFailureRate = "schema_failure_rate"
        case refusalRate = "refusal_rate"
        case outputTokensPerSecond = "output_tokens_per_second"
        case costUSDPerHour = "cost_usd_per_hour"
        case cacheHitRate = "cache_hit_rate"
        case requestsPerSecondSeries = "requests_per_second_series"
        case inFlight = "in_flight"
        case pinnedSessions = "pinned_sessions"
        case healthyEndpoints = "healthy_endpoints"
        case wrongModel = "wrong_model"
    }

    public init(bundle: BundleRef, time: Date, lastMinute counters: TelemetryCounters, perSecond: [TelemetryCounters],
                latency: LatencySummary, timeToFirstToken: LatencySummary, inFlight: Int, pinnedSessions: Int = 0, healthyEndpoints: [String],
                endpoints: Int, observed: Bool = true, wrongModel: [String: String]? = nil) {
        self.bundle = bundle
        self.time = time
        requestsPerSecond = Double(counters.requests) / 60
        errorRate = counters.errorRate
        meanLatencySeconds = counters.requests == 0 ? 0 : Double(counters.latencyMicrosSum) / Double(counters.requests) / 1e6
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        schemaFailureRate = counters.contractChecked == 0 ? 0 : Double(counters.contractFailed) / Double(counters.contractChecked)
        refusalRate = counters.refusalRate
        outputTokensPerSecond = Double(counters.outputTokens) / 60
        costUSDPerHour = Double(counters.costMicroUSD) / 1e6 * 60
        cacheHitRate = counters.cacheHitRate
        requestsPerSecondSeries = perSecond.map { Double($0.requests) }
        self.inFlight = inFlight
        self.pinnedSessions = pinnedSessions
        self.healthyEndpoints = healthyEndpoints
        self.endpoints = endpoints
        self.observed = observed
        self.wrongModel = wrongModel
    }
}
