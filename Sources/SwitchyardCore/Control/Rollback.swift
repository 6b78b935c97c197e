import Foundation

/// A rollback drain: moves the bad bundle's traffic onto the target, stage by stage, never faster than the
/// target's warm capacity allows. A pure state machine; the Engine feeds it capacity readings and the clock.
public struct Rollback: Hashable, Sendable, Codable {
    /// Staged drains wait for capacity at each stage; fast moves everything at once.
    public enum Mode: String, Hashable, Sendable, Codable, CaseIterable {
        case fast, staged
    }

    /// Where the drain is.
    public enum Status: Hashable, Sendable, Codable {
        /// `--warm-first`: waiting for the target to have warm replicas before the first stage.
        case warming
        case draining
        /// Held by an operator: no stage advances until `rollback continue`.
        case held(reason: String)
        case completed

        public var isFinished: Bool { self == .completed }
    }

    public var from: BundleRef
    public var to: BundleRef
    /// The route keys (`*` is the default route) the drain moves, with their routes when it started.
    public var originalRoutes: [String: TenantRoute]
    public var mode: Mode
    public var plan: DrainPlan
    /// Overrides capacity checks (`--force`); the reason is in the journal.
    public var forced: Bool
    /// How many stages have been applied.
    public private(set) var stagesApplied = 0
    public private(set) var status: Status
    public private(set) var startedAt: Date
    public private(set) var stageStartedAt: Date

    enum CodingKeys: String, CodingKey {
        case from, to, mode, plan, forced, status
        case originalRoutes = "original_routes"
        case stagesApplied = "stages_applied"
        case startedAt = "started_at"
        case stageStartedAt = "stage_started_at"
    }

    public init(from: BundleRef, to: BundleRef, originalRoutes: [String: TenantRoute], mode: Mode, plan: DrainPlan,
                forced: Bool, warmFirst: Bool, at now: Date) {
        self.from = from
        self.to = to
        self.originalRoutes = originalRoutes
        self.mode = mode
        self.plan = plan
        self.forced = forced
        status = warmFirst ? .warming : .draining
        startedAt = now
        stageStartedAt = now
    }

    /// The tenants whose routes the drain moves.
    public var tenants: [String] { originalRoutes.keys.sorted() }

    /// The bad bundle's share (of its original share) now, in basis points.
    public var remainingBasisPoints: Int {
        stagesApplied == 0 ? fullWeight : plan.stages[stagesApplied - 1].remainingBasisPoints
    }

    /// The next stage to apply, nil when every stage is applied.
    public var nextStage: DrainStage? { stagesApplied < plan.stages.count ? plan.stages[stagesApplied] : nil }

    /// Applies the next stage if the target has a warm replica and its usable capacity (warm capacity ×
    /// utilisation) can carry the stage, or when forced. Returns the stage applied, nil when nothing moved.
    public mutating func advance(usableCapacity: Int, warmReplicas: Int, at now: Date) -> DrainStage? {
        if status == .warming {
            guard warmReplicas > 0 || forced else { return nil }
            status = .draining
        }
        guard status == .draining, let stage = nextStage else { return nil }
        // A stage needing no capacity (no load seen on the bad bundle yet) still never lands on a cold target.
        guard forced || (warmReplicas > 0 && usableCapacity >= stage.targetConcurrency) else { return nil }
        stagesApplied += 1
        stageStartedAt = now
        if nextStage == nil { status = .completed }
        return stage
    }

    /// `rollback hold`: no stage advances until `continue`. Traffic already moved stays moved.
    public mutating func hold(reason: String) throws {
        guard status == .draining || status == .warming else { throw SwitchyardError.refused("the drain from \(from) is \(statusText), not draining") }
        status = .held(reason: reason)
    }

    /// `rollback continue`: resumes a held drain. One held before its first stage waits for a warm target again,
    /// since it may have been held while warming.
    public mutating func resume() throws {
        guard case .held = status else { throw SwitchyardError.refused("the drain from \(from) is \(statusText), not held") }
        status = stagesApplied == 0 && !forced ? .warming : .draining
    }

    public var statusText: String {
        switch status {
        case .warming: "warming the target"
        case .draining: "draining (stage \(stagesApplied)/\(plan.stages.count))"
        case .held(let reason): "held at stage \(stagesApplied)/\(plan.stages.count): \(reason)"
        case .completed: "completed"
        }
    }

    /// `table` with every drained tenant's route at the current stage: the bad bundle keeps `remaining` of the share
    /// it had when the drain started, the target takes the rest; other bundles keep theirs. Sessions migrate.
    public func routing(applyingTo table: RoutingTable) -> RoutingTable {
        var next = table
        for (tenant, original) in originalRoutes {
            next.routes[tenant] = route(from: original)
        }
        return next
    }

    func route(from original: TenantRoute) -> TenantRoute {
        let badShare = original.weights.filter { $0.bundle == from }.map(\.basisPoints).reduce(0, +)
        let kept = badShare * remainingBasisPoints / fullWeight
        var weights = original.weights.filter { $0.bundle != from && $0.bundle != to }
        let targetShare = original.weights.filter { $0.bundle == to }.map(\.basisPoints).reduce(0, +) + badShare - kept
        if targetShare > 0 { weights.append(WeightedBundle(bundle: to, basisPoints: targetShare)) }
        if kept > 0 { weights.append(WeightedBundle(bundle: from, basisPoints: kept)) }
        var route = original
        route.weights = weights
        if route.shadow?.bundle == from || route.shadow?.bundle == to { route.shadow = nil }
        route.migrateSessions = true
        return route
    }
}

extension DrainPlan {
    /// A fast rollback's plan: one stage straight to 0, ready when the final stage of the staged plan would be.
    public init(fastFrom staged: DrainPlan) {
        self = staged
        if let last = staged.stages.last {
            stages = [DrainStage(remainingBasisPoints: 0, targetConcurrency: last.targetConcurrency,
                                 readyAfterSeconds: staged.fastAllowed ? 0 : last.readyAfterSeconds)]
        }
    }
}
