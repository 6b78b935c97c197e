import Foundation

/// A rollout of a canary bundle through a plan: a pure state machine driven by operator events and clock ticks.
/// It holds the canary's desired share per tenant; the Engine turns that into routing generations.
public struct Rollout: Hashable, Sendable, Codable {
    /// Where the rollout is.
    public enum Status: Hashable, Sendable, Codable {
        case running
        /// Stopped by an operator or by a marginal or inconclusive analysis; resume or promote to go on.
        case paused(reason: String)
        /// At a pause without a duration: waits for `rollout promote`.
        case awaitingPromotion
        case completed
        /// Stopped for good; the canary's traffic went back to the baseline. Start again to retry.
        case aborted(reason: String)

        public var isFinished: Bool {
            switch self {
            case .completed, .aborted: true
            default: false
            }
        }
    }

    public var plan: RolloutPlan
    public var canary: BundleRef
    public var baseline: BundleRef
    public private(set) var stepIndex = 0
    public private(set) var status = Status.running
    public private(set) var stepStartedAt: Date
    /// The canary's share per tenant key (`*` is the default route), in basis points.
    public private(set) var canaryWeights: [String: Int] = [:]
    /// The share of the baseline's traffic shadowed to the canary.
    public private(set) var mirrorBasisPoints = 0
    public private(set) var lastAnalysis: AnalysisResult?

    enum CodingKeys: String, CodingKey {
        case plan, canary, baseline, status
        case stepIndex = "step_index"
        case stepStartedAt = "step_started_at"
        case canaryWeights = "canary_weights"
        case mirrorBasisPoints = "mirror_basis_points"
        case lastAnalysis = "last_analysis"
    }

    /// Starts a rollout and runs its first steps up to the first one that waits.
    public static func start(plan: RolloutPlan, canary: BundleRef, baseline: BundleRef, at now: Date) -> (Rollout, [RolloutChange]) {
        var rollout = Rollout(plan: plan, canary: canary, baseline: baseline, stepStartedAt: now)
        let changes = rollout.runUntilBlocked(at: now)
        return (rollout, changes)
    }

    private init(plan: RolloutPlan, canary: BundleRef, baseline: BundleRef, stepStartedAt: Date) {
        self.plan = plan
        self.canary = canary
        self.baseline = baseline
        self.stepStartedAt = stepStartedAt
    }

    /// The step in progress, nil when finished.
    public var currentStep: RolloutStep? { status.isFinished || stepIndex >= plan.steps.count ? nil : plan.steps[stepIndex] }

    /// The analysis the Engine must compute before the next tick, if the current step waits on one whose window has passed.
    public func analysisDue(at now: Date) -> AnalysisStep? {
        guard status == .running, case .analysis(let step)? = currentStep,
              now.timeIntervalSince(stepStartedAt) >= Double(step.windowSeconds) else { return nil }
        return step
    }

    /// Advances timed steps. While `frozen`, nothing moves forward.
    public mutating func tick(at now: Date, analysis: AnalysisResult? = nil, frozen: Bool) -> [RolloutChange] {
        guard !frozen, status == .running, let step = currentStep else { return [] }
        switch step {
        case .pause(let seconds?) where now.timeIntervalSince(stepStartedAt) >= Double(seconds):
            return advance(at: now)
        case .analysis:
            guard analysisDue(at: now) != nil, let analysis else { return [] }
            lastAnalysis = analysis
            switch analysis.outcome {
            case .pass:
                return advance(at: now)
            case .marginal:
                status = .paused(reason: "analysis marginal (score \(Int(analysis.score ?? 0))): promote to continue, or abort")
            case .inconclusive:
                status = .paused(reason: "analysis inconclusive: not enough data to judge; promote to continue, or abort")
            case .fail:
                return abort(reason: "analysis failed (score \(Int(analysis.score ?? 0)))", at: now)
            }
            return []
        default:
            return []
        }
    }

    /// `rollout promote`: skips the waiting step. With `full`, sends all traffic to the canary and completes.
    public mutating func promote(full: Bool, at now: Date) throws -> [RolloutChange] {
        guard !status.isFinished else { throw SwitchyardError.refused("the rollout of \(canary) is already \(statusText)") }
        if full {
            let tenants = Set(["*"]).union(canaryWeights.keys).union(plan.steps.compactMap(\.tenant))
            let changes = tenants.sorted().map { setWeight(fullWeight, tenant: $0) }
            stepIndex = plan.steps.count
            status = .completed
            return changes + [RolloutChange(kind: .completed, detail: "promoted in full: \(canary) takes all traffic")]
        }
        return advance(at: now)
    }

    /// `rollout pause`: holds where it is.
    public mutating func pause(reason: String) throws {
        guard !status.isFinished else { throw SwitchyardError.refused("the rollout of \(canary) is already \(statusText)") }
        status = .paused(reason: reason)
    }

    /// `rollout resume`: restarts the current step's timer and goes on.
    public mutating func resume(at now: Date) throws -> [RolloutChange] {
        guard case .paused = status else { throw SwitchyardError.refused("the rollout of \(canary) is \(statusText), not paused") }
        status = .running
        stepStartedAt = now
        return runUntilBlocked(at: now)
    }

    /// `rollout abort` (or a failed analysis): the canary's traffic goes back to the baseline.
    public mutating func abort(reason: String, at now: Date) -> [RolloutChange] {
        guard !status.isFinished else { return [] }
        let changes = canaryWeights.keys.sorted().compactMap { tenant in canaryWeights[tenant] == 0 ? nil : setWeight(0, tenant: tenant) }
        mirrorBasisPoints = 0
        status = .aborted(reason: reason)
        return changes + [RolloutChange(kind: .aborted, detail: "aborted: \(reason)")]
    }

    public var statusText: String {
        switch status {
        case .running: "running"
        case .paused(let reason): "paused (\(reason))"
        case .awaitingPromotion: "waiting for promotion"
        case .completed: "completed"
        case .aborted(let reason): "aborted (\(reason))"
        }
    }

    private mutating func advance(at now: Date) -> [RolloutChange] {
        stepIndex += 1
        stepStartedAt = now
        status = .running
        return runUntilBlocked(at: now)
    }

    /// Applies steps that take effect at once, and stops at the first that waits (or at the end).
    private mutating func runUntilBlocked(at now: Date) -> [RolloutChange] {
        var changes: [RolloutChange] = []
        while stepIndex < plan.steps.count {
            switch plan.steps[stepIndex] {
            case .setWeight(let points, let tenant):
                changes.append(setWeight(points, tenant: tenant ?? "*"))
            case .setTenant(let tenant, let points):
                changes.append(setWeight(points, tenant: tenant))
            case .mirror(let points):
                mirrorBasisPoints = points
                changes.append(RolloutChange(kind: .mirror, detail: "mirror \(WeightSpec.percent(points)) of \(baseline)'s traffic to \(canary)"))
            case .pause(nil):
                status = .awaitingPromotion
                return changes
            case .pause, .analysis:
                stepStartedAt = now
                return changes
            }
            stepIndex += 1
        }
        status = .completed
        return changes + [RolloutChange(kind: .completed, detail: "all \(plan.steps.count) steps done")]
    }

    private mutating func setWeight(_ points: Int, tenant: String) -> RolloutChange {
        canaryWeights[tenant] = points
        let who = tenant == "*" ? "default route" : "tenant \(tenant)"
        return RolloutChange(kind: .weight(tenant: tenant, basisPoints: points), detail: "\(who): \(canary) at \(WeightSpec.percent(points))")
    }
}

/// One thing a rollout changed, for the Engine to apply and journal.
public struct RolloutChange: Hashable, Sendable, Codable {
    /// What changed.
    public enum Kind: Hashable, Sendable, Codable {
        case weight(tenant: String, basisPoints: Int)
        case mirror
        case completed
        case aborted

        /// Whether applying this change needs a new routing generation.
        public var changesRouting: Bool {
            switch self {
            case .weight, .mirror: true
            case .completed, .aborted: false
            }
        }
    }

    public var kind: Kind
    public var detail: String
}

extension RolloutStep {
    var tenant: String? {
        switch self {
        case .setWeight(_, let tenant): tenant
        case .setTenant(let tenant, _): tenant
        default: nil
        }
    }
}
