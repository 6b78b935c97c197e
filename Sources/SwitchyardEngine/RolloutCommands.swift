import Foundation
import SwitchyardCore
import SwitchyardStore

/// The rollout commands, the same for the CLI and the console: each checks freezes, runs the pure rollout
/// state machine, and commits the transition with its routing generation and journal entry in one transaction.
public struct RolloutCommands: Sendable {
    let store: SwitchyardStore
    let clock: any Clock

    public init(store: SwitchyardStore, clock: any Clock) {
        self.store = store
        self.clock = clock
    }

    /// Starts a rollout of `canary`; the baseline defaults to the bundle with the most weight in the default route.
    @discardableResult
    public func start(_ canary: BundleRef, plan: RolloutPlan, baseline: BundleRef?, actor: String, reason: String, overrideFreeze: Bool) throws -> Rollout {
        try store.decide("the rollout") { basedOn in
            try start(canary, plan: plan, baseline: baseline, actor: actor, reason: reason, overrideFreeze: overrideFreeze, basedOn: basedOn)
        }
    }

    private func start(_ canary: BundleRef, plan: RolloutPlan, baseline: BundleRef?, actor: String, reason: String, overrideFreeze: Bool,
                       basedOn: Int) throws -> Rollout {
        let now = clock.now()
        let overridden = try FreezeGuard.check(.startRollout(bundleName: canary.name), freezes: try store.activeFreezes(at: now), at: now,
                                               overrideReason: overrideFreeze ? reason : nil)
        _ = try store.requireBundle(canary)
        if try store.automationState(policy: ControlPolicy()).guards.breakerTripped {
            throw SwitchyardError.refused("the circuit breaker is open after consecutive automatic rollbacks; no rollout may start",
                                          hint: "find out why, then: switchyard breaker reset --reason \"…\"")
        }
        let from = try baseline ?? inferBaseline(excluding: canary)
        guard from != canary else { throw SwitchyardError.usage("the canary and the baseline are both \(canary)") }
        let (rollout, changes) = Rollout.start(plan: plan, canary: canary, baseline: from, at: now)
        try store.commitRollout(rollout, changes: changes, start: true, event: "start", actor: actor, reason: reason,
                                overriddenFreeze: overridden, basedOn: basedOn)
        return rollout
    }

    /// `promote`: skips the waiting step, or with `full` sends everything to the canary. Refused while frozen.
    @discardableResult
    public func promote(full: Bool, actor: String, reason: String, overrideFreeze: Bool) throws -> Rollout {
        try transition(event: full ? "promote-full" : "promote", actor: actor, reason: reason) { rollout, now in
            let overridden = try FreezeGuard.check(.promote(bundleName: rollout.canary.name), freezes: try store.activeFreezes(at: now), at: now,
                                                   overrideReason: overrideFreeze ? reason : nil)
            return (try rollout.promote(full: full, at: now), overridden)
        }
    }

    @discardableResult
    public func pause(actor: String, reason: String) throws -> Rollout {
        try transition(event: "pause", actor: actor, reason: reason) { rollout, _ in
            try rollout.pause(reason: "paused by \(actor): \(reason)")
            return ([], nil)
        }
    }

    @discardableResult
    public func resume(actor: String, reason: String) throws -> Rollout {
        try transition(event: "resume", actor: actor, reason: reason) { rollout, now in (try rollout.resume(at: now), nil) }
    }

    /// `abort`: the canary's traffic goes back to the baseline at once; allowed while frozen, like any rollback.
    @discardableResult
    public func abort(actor: String, reason: String) throws -> Rollout {
        try transition(event: "abort", actor: actor, reason: reason) { rollout, now in (rollout.abort(reason: "\(actor): \(reason)", at: now), nil) }
    }

    private func transition(event: String, actor: String, reason: String,
                            _ body: (inout Rollout, Date) throws -> (changes: [RolloutChange], overridden: Freeze?)) throws -> Rollout {
        try store.decide("rollout \(event)") { basedOn in
            guard var rollout = try store.activeRollout() else {
                throw SwitchyardError.failure("no rollout is in progress", hint: "switchyard rollout start NAME@VERSION --plan FILE --reason …")
            }
            let (changes, overridden) = try body(&rollout, clock.now())
            try store.commitRollout(rollout, changes: changes, start: false, event: event, actor: actor, reason: reason,
                                    overriddenFreeze: overridden, basedOn: basedOn)
            return rollout
        }
    }

    private func inferBaseline(excluding canary: BundleRef) throws -> BundleRef {
        let route = try store.routing().table.routes[RoutingTable.defaultTenant]
        guard let heaviest = route?.weights.filter({ $0.bundle != canary }).max(by: { $0.basisPoints < $1.basisPoints }) else {
            throw SwitchyardError.failure("there is no baseline: the default route sends no traffic to another bundle",
                                          hint: "pass --baseline NAME@VERSION, or route traffic first (switchyard route set …)")
        }
        return heaviest.bundle
    }
}
