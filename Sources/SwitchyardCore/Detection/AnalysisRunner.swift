import Foundation

/// Where analysis reads telemetry from: the live router, a simulation, or a recorded journal.
public protocol TelemetryWindows: Sendable {
    /// Counters of live (primary) traffic to `bundle`, all tenants, over the last `seconds`.
    func counters(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> TelemetryCounters
    /// Latency or time-to-first-token samples (microseconds) of live traffic to `bundle` over the last `seconds`.
    func latencySamples(bundle: BundleRef, lastSeconds seconds: Int, now: Date, ttft: Bool) -> [Double]
    /// What live traffic to `bundle` cost each tenant over the last `seconds`, in US dollars.
    func costByTenant(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> [String: Double]
}

extension TelemetryWindows {
    /// Sources that keep no per-tenant series (the simulation, journal snapshots) know no tenant's cost;
    /// the tenant-budget signal then stays silent.
    public func costByTenant(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> [String: Double] { [:] }
}

/// Runs an analysis step: each metric judged canary against baseline over the same window.
/// Latencies by Mann-Whitney U; error, schema-failure and refusal rates by the critical ratio.
public struct AnalysisRunner: Sendable {
    public var judge: MetricJudge
    public var ratio: CriticalRatioRule

    public init(judge: MetricJudge = .defaults, ratio: CriticalRatioRule = .defaults) {
        self.judge = judge
        self.ratio = ratio
    }

    public func run(_ step: AnalysisStep, canary: BundleRef, baseline: BundleRef, telemetry: any TelemetryWindows, now: Date) -> AnalysisResult {
        var judge = judge
        judge.minimumSamples = step.minimumSamples
        var ratio = ratio
        ratio.minimumRequests = step.minimumSamples
        let canaryCounters = telemetry.counters(bundle: canary, lastSeconds: step.windowSeconds, now: now)
        let baselineCounters = telemetry.counters(bundle: baseline, lastSeconds: step.windowSeconds, now: now)
        let judgements = step.metrics.map { metric -> MetricJudgement in
            switch metric {
            case "latency", "ttft":
                let ttft = metric == "ttft"
                return judge.judge(metric: metric,
                                   canary: telemetry.latencySamples(bundle: canary, lastSeconds: step.windowSeconds, now: now, ttft: ttft),
                                   baseline: telemetry.latencySamples(bundle: baseline, lastSeconds: step.windowSeconds, now: now, ttft: ttft))
            default:
                let reading = ratio.evaluate(canary: Self.rateView(metric, canaryCounters), baseline: Self.rateView(metric, baselineCounters))
                return MetricJudgement(metric: metric, verdict: reading.verdict, medianRatio: reading.ratio, pValue: nil,
                                       critical: reading.verdict == .fail && reading.ratio > judge.criticalIncrease * ratio.maximumRatio)
            }
        }
        return AnalysisResult(judgements: judgements)
    }

    /// The counters with `failed` standing for the metric's own bad outcomes, so one ratio rule judges them all.
    static func rateView(_ metric: String, _ counters: TelemetryCounters) -> TelemetryCounters {
        var view = counters
        switch metric {
        case "schema_failures":
            view.requests = counters.contractChecked
            view.failed = counters.contractFailed
        case "refusals":
            view.failed = counters.refusals
        default:
            break
        }
        return view
    }
}
