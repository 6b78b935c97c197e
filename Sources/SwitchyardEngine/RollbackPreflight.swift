import Foundation
import SwitchyardCore

/// What an operator asks of a rollback.
public struct RollbackRequest: Sendable {
    /// The bundle to roll back to; nil: the last human-validated production bundle.
    public var to: BundleRef?
    /// The bundle to drain; nil: the rollout's canary, else the heaviest other bundle in the affected routes.
    public var from: BundleRef?
    /// Tenants to roll back; empty: every route the bad bundle is in.
    public var tenants: [String]
    /// nil: fast when the target's warm capacity allows it, staged otherwise.
    public var mode: Rollback.Mode?
    public var force: Bool
    public var warmFirst: Bool

    public init(to: BundleRef? = nil, from: BundleRef? = nil, tenants: [String] = [], mode: Rollback.Mode? = nil, force: Bool = false,
                warmFirst: Bool = false) {
        self.to = to
        self.from = from
        self.tenants = tenants
        self.mode = mode
        self.force = force
        self.warmFirst = warmFirst
    }
}

/// The plan a rollback shows before it acts: target warmth and capacity, the traffic to move, the stages
/// and their timing, requests in flight and what happens to them.
public struct RollbackPreflight: Hashable, Sendable, Codable {
    public var from: BundleRef
    public var to: BundleRef
    /// Route keys the drain moves (`*` is the default route).
    public var tenants: [String]
    public var mode: Rollback.Mode
    public var target: DrainTarget
    public var usableCapacity: Int
    public var load: BundleLoad
    public var targetLoad: BundleLoad
    public var plan: DrainPlan
    public var inFlightPolicy: InFlightPolicy

    enum CodingKeys: String, CodingKey {
        case from, to, tenants, mode, target, load, plan
        case usableCapacity = "usable_capacity"
        case targetLoad = "target_load"
        case inFlightPolicy = "in_flight_policy"
    }

    /// Why this plan may not run as asked, or nil when it may.
    public func refusal(force: Bool, warmFirst: Bool) -> SwitchyardError? {
        if force { return nil }
        if !plan.targetWarm && !warmFirst {
            return .targetNotWarm("TargetNotWarm: \(to) has no health-checked replicas to take the traffic",
                                  hint: "pass --warm-first to scale it up and drain as it warms, pick a warm target with --to, or --force (audited)")
        }
        if mode == .fast && !plan.fastAllowed {
            return .refused("a fast rollback would put \(plan.requiredConcurrency) concurrent requests on \(to), whose warm capacity allows \(usableCapacity)",
                            hint: "drop --fast for a staged drain that waits for capacity, or pass --force (audited)")
        }
        if plan.estimatedSeconds == nil && !warmFirst {
            return .refused("\(to)'s pool cannot carry \(plan.requiredConcurrency) concurrent requests even fully scaled (\(target.maxReplicas * target.perReplicaConcurrency) at most)",
                            hint: "raise its replicas (switchyard pool set …), roll back fewer tenants, or pass --force (audited)")
        }
        return nil
    }

    /// The plan as the CLI prints it and the console shows it.
    public var lines: [String] {
        let tenantText = tenants == [RoutingTable.defaultTenant] ? "all (the default route)" : tenants.joined(separator: ", ")
        let warmText = plan.targetWarm
            ? "yes, \(target.warmReplicas) of \(target.maxReplicas) replicas healthy"
            : "NO: no health-checked replicas (0 of \(target.maxReplicas))"
        let traffic = load.observed
            ? String(format: "%.1f req/s × %.2f s = %.1f concurrent to move; the target already carries %.1f",
                     load.requestsPerSecond, load.meanLatencySeconds, load.concurrency, targetLoad.concurrency)
            : "no live traffic observed (is `switchyard serve` running?); planning for an idle fleet"
        let stagesText = (["100%"] + plan.stages.map { stage in
            let when = stage.readyAfterSeconds.map { $0 == 0 ? "now" : "+" + DurationText.format($0) } ?? "never"
            return "\(stage.remainingBasisPoints / 100)% (\(when))"
        }).joined(separator: " → ")
        let policy = inFlightPolicy == .reissue
            ? "cancel and re-send those not yet answering; started streams finish"
            : "let them finish on \(from)"
        return [
            "Rollback plan: \(from) → \(to)",
            "  tenants:     \(tenantText)",
            "  target warm: \(warmText)",
            "  capacity:    \(plan.warmCapacity) concurrent warm, \(usableCapacity) usable; \(plan.requiredConcurrency) needed when done",
            "  traffic:     \(traffic)",
            "  in flight:   \(load.inFlight) request(s) on \(from); policy: \(policy)",
            "  mode:        \(mode.rawValue)" + (plan.fastAllowed ? " (capacity allows moving everything at once)" : " (capacity does not allow moving everything at once)"),
            "  stages:      \(stagesText) on \(from)",
            "  estimate:    " + (plan.estimatedSeconds.map { DurationText.format($0) } ?? "never: the pool cannot carry the traffic"),
        ]
    }
}
