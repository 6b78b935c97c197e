import Foundation
import SwitchyardCore
import SwitchyardStore

/// The rollback commands, the same for the CLI, the console and automatic triggers: plan, start, hold and
/// continue a drain. Rollbacks are never blocked by a freeze.
public struct RollbackCommands: Sendable {
    let store: SwitchyardStore
    let clock: any Clock
    let capacity: any CapacityProvider
    let policy: ControlPolicy

    public init(store: SwitchyardStore, clock: any Clock, capacity: any CapacityProvider, policy: ControlPolicy = ControlPolicy()) {
        self.store = store
        self.clock = clock
        self.capacity = capacity
        self.policy = policy
    }

    /// Computes the pre-flight plan without changing anything.
    public func preflight(_ request: RollbackRequest) throws -> RollbackPreflight {
        let table = try store.routing().table
        let rollout = try store.activeRollout()
        let to = try request.to ?? lastValidatedProduction(excluding: request.from ?? rollout?.canary)
        let keys = request.tenants.isEmpty ? table.routes.keys.sorted() : request.tenants
        let from = try request.from ?? rollout?.canary ?? heaviest(in: keys.compactMap { table.route(forTenant: $0) }, excluding: to)
        guard from != to else { throw SwitchyardError.usage("the rollback would drain \(from) onto itself", hint: "pass --to another bundle") }
        var tenants = keys.filter { key in table.route(forTenant: key)?.weights.contains { $0.bundle == from } ?? false }
        if !request.tenants.isEmpty, let missing = request.tenants.first(where: { !tenants.contains($0) }) {
            throw SwitchyardError.failure("tenant '\(missing)' sends no traffic to \(from); nothing to roll back there",
                                          hint: "`switchyard route show` lists each tenant's split")
        }
        if tenants.isEmpty { throw SwitchyardError.failure("\(from) receives no traffic; nothing to roll back") }
        tenants.sort()
        let target = try capacity.drainTarget(for: to)
        let load = capacity.load(of: from)
        let targetLoad = capacity.load(of: to)
        let plan = policy.drainPlanner.plan(requestsPerSecond: load.requestsPerSecond, meanLatencySeconds: load.meanLatencySeconds,
                                            targetBaseConcurrency: Int(targetLoad.concurrency.rounded(.up)), target: target)
        let usable = Int(Double(target.capacity(after: 0)) * policy.drainMaximumUtilisation)
        let mode = request.mode ?? (plan.fastAllowed ? .fast : .staged)
        return RollbackPreflight(from: from, to: to, tenants: tenants, mode: mode, target: target, usableCapacity: usable, load: load,
                                 targetLoad: targetLoad, plan: mode == .fast ? DrainPlan(fastFrom: plan) : plan, inFlightPolicy: .reissue)
    }

    /// Starts the drain the plan describes, applying its first stage at once when capacity allows. A cold target
    /// is refused (TargetNotWarm) unless `warmFirst` or `force`.
    @discardableResult
    public func start(_ request: RollbackRequest, actor: String, reason: String, readings: JSONValue? = nil, automation: AutomationState? = nil,
                      incidentFreeze: (scope: Freeze.Scope, seconds: Int)? = nil) throws -> (RollbackPreflight, Rollback) {
        try store.decide("the rollback") { basedOn in
            try start(request, actor: actor, reason: reason, readings: readings, automation: automation, incidentFreeze: incidentFreeze, basedOn: basedOn)
        }
    }

    private func start(_ request: RollbackRequest, actor: String, reason: String, readings: JSONValue?, automation: AutomationState?,
                       incidentFreeze: (scope: Freeze.Scope, seconds: Int)?, basedOn: Int) throws -> (RollbackPreflight, Rollback) {
        let preflight = try preflight(request)
        if let refusal = preflight.refusal(force: request.force, warmFirst: request.warmFirst) { throw refusal }
        let now = clock.now()
        let table = try store.routing().table
        var originals: [String: TenantRoute] = [:]
        for tenant in preflight.tenants { originals[tenant] = table.route(forTenant: tenant) }
        var rollback = Rollback(from: preflight.from, to: preflight.to, originalRoutes: originals, mode: preflight.mode, plan: preflight.plan,
                                forced: request.force, warmFirst: request.warmFirst && !preflight.plan.targetWarm, at: now)
        var note: [String: JSONValue] = ["preflight": try JSONValue(encoding: preflight)]
        // A cold target, or one too small to take everything now, is asked to grow; stages follow its capacity.
        if rollback.status == .warming || !preflight.plan.fastAllowed { note["scale_up"] = .string(capacity.requestScaleUp(of: preflight.to)) }
        note["detector"] = readings
        let moved = rollback.advance(usableCapacity: preflight.usableCapacity, warmReplicas: preflight.target.warmReplicas, at: now) != nil
        var aborted: Rollout?
        if request.tenants.isEmpty, var rollout = try store.activeRollout(), rollout.canary == preflight.from {
            _ = rollout.abort(reason: "rolled back by \(actor): \(reason)", at: now)
            aborted = rollout
        }
        try store.commitRollback(RollbackTransition(
            rollback: rollback, event: "start", actor: actor, reason: request.force ? "FORCED: \(reason)" : reason, movedTraffic: moved,
            readings: .object(note), abortedRollout: aborted, automation: automation, incidentFreeze: incidentFreeze,
            basedOn: basedOn))
        return (preflight, rollback)
    }

    /// `rollback hold`: stops the drain where it is.
    @discardableResult
    public func hold(actor: String, reason: String) throws -> Rollback {
        try transition(event: "hold", actor: actor, reason: reason) { try $0.hold(reason: "held by \(actor): \(reason)") }
    }

    /// `rollback continue`: lets a held drain go on as capacity allows.
    @discardableResult
    public func resume(actor: String, reason: String) throws -> Rollback {
        try transition(event: "continue", actor: actor, reason: reason) { try $0.resume() }
    }

    private func transition(event: String, actor: String, reason: String, _ change: (inout Rollback) throws -> Void) throws -> Rollback {
        try store.decide("rollback \(event)") { basedOn in
            guard var rollback = try store.activeRollback() else {
                throw SwitchyardError.failure("no rollback is in progress", hint: "`switchyard rollback status` shows the last one")
            }
            try change(&rollback)
            try store.commitRollback(RollbackTransition(rollback: rollback, event: event, actor: actor, reason: reason, movedTraffic: false,
                                                        basedOn: basedOn))
            return rollback
        }
    }

    /// The production bundle with the newest human sign-off: where a rollback goes by default.
    public func lastValidatedProduction(excluding bad: BundleRef?) throws -> BundleRef {
        let validated = try store.bundles().filter { $0.stage == .production && $0.lastSignOff != nil && $0.ref != bad }
        guard let newest = validated.max(by: { $0.lastSignOff!.time < $1.lastSignOff!.time }) else {
            throw SwitchyardError.failure("there is no human-validated production bundle to roll back to",
                                          hint: "pass --to NAME@VERSION, or sign one off: switchyard registry validate NAME@VERSION --reason …")
        }
        return newest.ref
    }

    private func heaviest(in routes: [TenantRoute], excluding target: BundleRef) throws -> BundleRef {
        var totals: [BundleRef: Int] = [:]
        for route in routes { for weight in route.weights where weight.bundle != target { totals[weight.bundle, default: 0] += weight.basisPoints } }
        guard let bad = totals.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else {
            throw SwitchyardError.failure("every affected route already sends all its traffic to \(target); nothing to roll back")
        }
        return bad
    }
}
