/// A rollout plan: steps in the spirit of Argo Rollouts, run in order against a canary bundle.
public struct RolloutPlan: Hashable, Sendable, Codable {
    public var name: String
    public var steps: [RolloutStep]

    public init(name: String, steps: [RolloutStep]) {
        self.name = name
        self.steps = steps
    }
}

/// One step of a rollout plan.
public enum RolloutStep: Hashable, Sendable, Codable {
    /// Send this share of traffic to the canary: of every tenant without its own route, or of one tenant.
    case setWeight(basisPoints: Int, tenant: String?)
    /// Hold for a duration, or (nil) until an operator promotes.
    case pause(seconds: Int?)
    /// Judge the canary against the baseline over a window; fail rolls back, marginal pauses.
    case analysis(AnalysisStep)
    /// Shadow this share of the baseline's traffic to the canary, answers discarded.
    case mirror(basisPoints: Int)
    /// Set one tenant's canary share (a tenant-by-tenant ramp).
    case setTenant(tenant: String, basisPoints: Int)

    /// How the step reads in `rollout status` and the console.
    public var summary: String {
        switch self {
        case .setWeight(let points, nil): "setWeight \(WeightSpec.percent(points))"
        case .setWeight(let points, let tenant?): "setWeight \(WeightSpec.percent(points)) (tenant \(tenant))"
        case .pause(let seconds?): "pause \(DurationText.format(seconds))"
        case .pause(nil): "pause until promoted"
        case .analysis(let step): "analysis \(step.metrics.joined(separator: ", ")) over \(DurationText.format(step.windowSeconds))"
        case .mirror(let points): "mirror \(WeightSpec.percent(points))"
        case .setTenant(let tenant, let points): "setTenant \(tenant) \(WeightSpec.percent(points))"
        }
    }
}

/// What an analysis step judges and over how much data.
public struct AnalysisStep: Hashable, Sendable, Codable {
    /// The metrics analysis can judge.
    public static let knownMetrics = ["latency", "ttft", "error_rate", "schema_failures", "refusals"]

    public var metrics: [String]
    public var windowSeconds: Int
    public var minimumSamples: Int

    public init(metrics: [String], windowSeconds: Int, minimumSamples: Int) {
        self.metrics = metrics
        self.windowSeconds = windowSeconds
        self.minimumSamples = minimumSamples
    }
}
