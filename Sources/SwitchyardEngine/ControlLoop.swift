import Foundation
import SwitchyardCore
import SwitchyardStore

/// One tick of the control loop: telemetry windows → detectors → guards → state machines. It advances the
/// rollout's timed steps unless frozen, judges a due analysis, advances a rollback drain as the target's
/// capacity allows, and lets tier 0 roll a failing canary back. Each transition commits with its routing
/// generation and the readings behind it, under an `auto:` actor.
public struct ControlLoop: Sendable {
    let store: SwitchyardStore
    let clock: any Clock
    let telemetry: any TelemetryWindows
    let capacity: any CapacityProvider
    let policy: ControlPolicy
    let analysis: AnalysisRunner

    public init(store: SwitchyardStore, clock: any Clock, telemetry: any TelemetryWindows, capacity: any CapacityProvider,
                policy: ControlPolicy = ControlPolicy(), analysis: AnalysisRunner = AnalysisRunner()) {
        self.store = store
        self.clock = clock
        self.telemetry = telemetry
        self.capacity = capacity
        self.policy = policy
        self.analysis = analysis
    }

    /// Runs one tick; returns what it did, for the log (empty when nothing changed).
    @discardableResult
    public func tick() throws -> [String] {
        try recordTelemetry()
        return try tickTriggers() + tickRollout() + tickDrain()
    }

    /// Every `TelemetrySnapshot.intervalSeconds`, journals what each routed bundle served in the interval, for
    /// replay and what-if. Idle fleets write nothing.
    func recordTelemetry() throws {
        let now = clock.now()
        let interval = TelemetrySnapshot.intervalSeconds
        guard Int(now.timeIntervalSince1970) % interval == 0 else { return }
        var figures: [String: TelemetrySnapshot.BundleFigures] = [:]
        for bundle in try store.routing().table.referencedBundles {
            let counters = telemetry.counters(bundle: bundle, lastSeconds: interval, now: now - 1)
            if counters.requests > 0 { figures[bundle.description] = .init(counters) }
        }
        guard !figures.isEmpty else { return }
        try store.note(try TelemetrySnapshot(intervalSeconds: interval, bundles: figures).draft())
    }

    /// The rollout's timed steps and due analyses; nothing moves while frozen or while the breaker is open.
    func tickRollout() throws -> [String] {
        try store.decide("the rollout's step", tickRollout(basedOn:))
    }

    private func tickRollout(basedOn: Int) throws -> [String] {
        guard var rollout = try store.activeRollout() else { return [] }
        let now = clock.now()
        let freezes = try store.activeFreezes(at: now)
        let breakerOpen = try store.automationState(policy: policy).guards.breakerTripped
        let frozen = breakerOpen || FreezeGuard.blocking(.advanceRollout(bundleName: rollout.canary.name, tenant: nil), freezes: freezes, at: now) != nil
        let result = frozen ? nil : rollout.analysisDue(at: now).map {
            analysis.run($0, canary: rollout.canary, baseline: rollout.baseline, telemetry: telemetry, now: now)
        }
        let before = rollout
        let changes = rollout.tick(at: now, analysis: result, frozen: frozen)
        guard rollout != before else { return [] }
        let event: String
        let reason: String
        if case .aborted = rollout.status {
            event = "abort"
            reason = "analysis failed: the canary is worse than the baseline"
        } else if let result {
            event = "analysis"
            reason = "analysis \(result.outcome.rawValue)" + (result.score.map { " (score \(Int($0)))" } ?? "")
        } else {
            event = "step"
            reason = "pause elapsed"
        }
        try store.commitRollout(rollout, changes: changes, start: false, event: event, actor: result == nil ? "auto:engine" : "auto:analysis",
                                reason: reason, readings: try result.map { try JSONValue(encoding: $0) }, basedOn: basedOn)
        return ["\(rollout.canary): \(reason); \(rollout.statusText)"] + changes.map(\.detail)
    }

    /// Applies the drain's next stage once the target's warm capacity can carry it.
    func tickDrain() throws -> [String] {
        try store.decide("the drain's stage", tickDrain(basedOn:))
    }

    private func tickDrain(basedOn: Int) throws -> [String] {
        guard var rollback = try store.activeRollback() else { return [] }
        let target = try capacity.drainTarget(for: rollback.to)
        let usable = Int(Double(target.capacity(after: 0)) * policy.drainMaximumUtilisation)
        let wasWarming = rollback.status == .warming
        guard let stage = rollback.advance(usableCapacity: usable, warmReplicas: target.warmReplicas, at: clock.now()) else {
            guard wasWarming, rollback.status != .warming else { return [] }
            try store.commitRollback(RollbackTransition(rollback: rollback, event: "warm", actor: "auto:engine",
                                                        reason: "\(rollback.to) is warm: \(target.warmReplicas) replica(s) healthy", movedTraffic: false,
                                                        basedOn: basedOn))
            return ["\(rollback.to) is warm; draining"]
        }
        let reason = "capacity allows \(stage.remainingBasisPoints / 100)% on \(rollback.from): \(usable) usable ≥ \(stage.targetConcurrency) needed"
        let readings: JSONValue = ["warm_replicas": .int(target.warmReplicas), "usable_capacity": .int(usable),
                                   "needed": .int(stage.targetConcurrency)]
        try store.commitRollback(RollbackTransition(rollback: rollback, event: rollback.status == .completed ? "complete" : "stage",
                                                    actor: "auto:engine", reason: reason, movedTraffic: true, readings: readings,
                                                    basedOn: basedOn))
        return ["rollback \(rollback.from) → \(rollback.to): \(reason)"]
    }
}
