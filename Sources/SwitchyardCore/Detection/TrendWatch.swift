import Foundation

/// Tier 2, trends: slow quality drifts of the canary (refusal rate, schema failures) that no single window
/// shows. Each minute, the canary's rate is standardised against the baseline's rate in the same minute and
/// fed to an EWMA and a CUSUM chart. Advisory only: a signal is journaled and shown, never acted on.
public struct TrendWatch: Hashable, Sendable, Codable {
    /// The quality signals watched, as `TelemetryCounters` views.
    public static let signals = ["refusals", "schema_failures"]

    /// The two charts on one signal.
    struct Charts: Hashable, Sendable, Codable {
        var ewma: EWMAChart
        var cusum: CUSUMChart
    }

    private var charts: [String: Charts] = [:]
    /// The last minute (since the epoch) fed.
    public private(set) var lastMinute: Int?
    /// Signals whose charts are out of control now.
    public private(set) var signalling: Set<String> = []

    enum CodingKeys: String, CodingKey {
        case charts, signalling
        case lastMinute = "last_minute"
    }

    public init() {}

    /// Feeds one minute of canary and baseline counters; returns the readings of signals that started
    /// signalling. A minute with too few canary requests (or checks, for schema failures) is skipped.
    public mutating func add(minute: Int, canary: TelemetryCounters, baseline: TelemetryCounters, policy: ControlPolicy) -> [TrendReading] {
        guard minute != lastMinute else { return [] }
        lastMinute = minute
        var started: [TrendReading] = []
        for signal in Self.signals {
            let (hits, trials) = Self.view(signal, canary)
            let (baseHits, baseTrials) = Self.view(signal, baseline)
            guard trials >= policy.trendMinimumRequests, baseTrials > 0 else { continue }
            let canaryRate = Double(hits) / Double(trials)
            let baselineRate = max(Double(baseHits) / Double(baseTrials), 0.001)
            // Counts this small make the normal approximation jumpy: skip minutes where the baseline's rate
            // predicts under one bad outcome, and apply a continuity correction (a drill caught three schema
            // failures in 116 requests signalling on a healthy canary).
            let expected = baselineRate * Double(trials)
            guard expected >= 1 else { continue }
            let z = (Double(hits) - expected - (Double(hits) > expected ? 0.5 : -0.5)) / (expected * (1 - baselineRate)).squareRoot()
            var pair = charts[signal] ?? Charts(ewma: EWMAChart(target: 0, sigma: 1, lambda: policy.ewmaLambda, limit: policy.ewmaLimit),
                                                cusum: CUSUMChart(target: 0, sigma: 1, k: policy.cusumSlack, h: policy.cusumThreshold))
            let ewmaOut = pair.ewma.add(z)
            let cusumOut = pair.cusum.add(z)
            charts[signal] = pair
            if ewmaOut || cusumOut {
                if signalling.insert(signal).inserted {
                    started.append(TrendReading(signal: signal, canaryRate: canaryRate, baselineRate: baselineRate, z: z,
                                                ewma: pair.ewma.value, cusum: pair.cusum.sum, chart: ewmaOut ? "ewma" : "cusum"))
                }
            } else {
                signalling.remove(signal)
            }
        }
        return started
    }

    /// (bad outcomes, trials) of `signal` in `counters`.
    static func view(_ signal: String, _ counters: TelemetryCounters) -> (Int, Int) {
        signal == "schema_failures" ? (counters.contractFailed, counters.contractChecked) : (counters.refusals, counters.status2xx)
    }
}

/// A trend signal as journaled: the minute's rates and where the charts stood.
public struct TrendReading: Hashable, Sendable, Codable {
    public var signal: String
    public var canaryRate: Double
    public var baselineRate: Double
    /// The canary's rate in standard errors above the baseline's.
    public var z: Double
    public var ewma: Double
    public var cusum: Double
    /// Which chart signalled first: `ewma` or `cusum`.
    public var chart: String

    enum CodingKeys: String, CodingKey {
        case signal, z, ewma, cusum, chart
        case canaryRate = "canary_rate"
        case baselineRate = "baseline_rate"
    }

    public var summary: String {
        "\(signal) " + String(format: "%.1f%% on the canary against %.1f%% on the baseline", canaryRate * 100, baselineRate * 100)
            + " (\(chart) out of control)"
    }
}
