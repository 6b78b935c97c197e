import Foundation
import SwitchyardCore

/// How a simulated bundle behaves and what its pool can carry.
public struct SimBundle: Sendable {
    /// Replicas serving at the start.
    public var warmReplicas: Int
    public var maxReplicas: Int
    public var perReplicaConcurrency: Int
    public var coldStartSeconds: Int
    public var scaleUpPerMinute: Double
    /// Mean latency; each request draws from an exponential around it.
    public var meanLatencySeconds: Double
    /// The part of each request's latency spent before its first token.
    public var firstTokenShare: Double
    /// Until when every replica is restarting after a cold-start fault (nothing serves).
    public var restartingUntil: Date?
    /// Share of requests that fail (5xx).
    public var errorRate: Double
    /// Share of answers that refuse (a quality signal, not a failure).
    public var refusalRate: Double
    /// Share of structured answers that fail their output contract (a quality signal, not a failure).
    public var schemaFailureRate: Double
    /// Share of answers that call tools past the maximum depth (an agent loop).
    public var toolLoopRate = 0.0
    /// Mean cost of an answered request, in US dollars.
    public var costPerRequestUSD = 0.002

    public init(warmReplicas: Int, maxReplicas: Int? = nil, perReplicaConcurrency: Int = 8, coldStartSeconds: Int = 60,
                scaleUpPerMinute: Double = 2, meanLatencySeconds: Double = 0.5, firstTokenShare: Double = 0.3, errorRate: Double = 0.001, refusalRate: Double = 0.01,
                schemaFailureRate: Double = 0.005) {
        self.warmReplicas = warmReplicas
        self.maxReplicas = maxReplicas ?? warmReplicas
        self.perReplicaConcurrency = perReplicaConcurrency
        self.coldStartSeconds = coldStartSeconds
        self.scaleUpPerMinute = scaleUpPerMinute
        self.meanLatencySeconds = meanLatencySeconds
        self.firstTokenShare = firstTokenShare
        self.errorRate = errorRate
        self.refusalRate = refusalRate
        self.schemaFailureRate = schemaFailureRate
    }

    /// Multiplies the time to first token; the rest of each answer takes as long as before.
    public mutating func slowFirstToken(by factor: Double) {
        let firstToken = meanLatencySeconds * firstTokenShare * factor
        let rest = meanLatencySeconds * (1 - firstTokenShare)
        meanLatencySeconds = firstToken + rest
        firstTokenShare = firstToken / meanLatencySeconds
    }
}

/// Synthetic traffic: requests per second over time, split across tenants.
public struct SimTraffic: Sendable {
    /// Requests per second at a virtual second since the start.
    public var requestsPerSecond: @Sendable (Int) -> Double
    /// Tenants and their share of requests (the default route serves tenants without a route of their own).
    public var tenants: [(name: String, share: Double)]

    public init(tenants: [(name: String, share: Double)] = [("acme", 0.5), ("globex", 0.5)], requestsPerSecond: @escaping @Sendable (Int) -> Double) {
        self.tenants = tenants
        self.requestsPerSecond = requestsPerSecond
    }

    public static func constant(_ rps: Double) -> SimTraffic { SimTraffic { _ in rps } }
}
