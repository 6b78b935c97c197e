import SwitchyardCore
import SwitchyardEngine
import SwitchyardStore

/// A drill's operator actions: the same Engine commands as the CLI and the console, run as a drill actor
/// against the drill's store, clock and capacity (simulated or real).
struct DrillActions {
    let script: DrillScript
    let store: SwitchyardStore
    let clock: any Clock
    let capacity: any CapacityProvider

    func startRollout(_ canary: String, plan: RolloutPlan) throws {
        try RolloutCommands(store: store, clock: clock).start(script.ref(canary), plan: plan, baseline: nil, actor: DrillSession.actor,
                                                             reason: "drill: start the rollout of \(canary)", overrideFreeze: false)
    }

    func perform(_ action: DrillAction, actor: String) throws {
        let rollouts = RolloutCommands(store: store, clock: clock)
        let reason = "drill: scripted \(DrillSession.describe(.action(action)))"
        switch action {
        case .promote(let full): try rollouts.promote(full: full, actor: actor, reason: reason, overrideFreeze: false)
        case .pause: try rollouts.pause(actor: actor, reason: reason)
        case .resume: try rollouts.resume(actor: actor, reason: reason)
        case .abort: try rollouts.abort(actor: actor, reason: reason)
        case .unfreeze: try store.unfreeze(scope: nil, reason: reason, actor: actor)
        case .breakerReset: try BreakerCommands(store: store, policy: script.policy).reset(actor: actor, reason: reason)
        case .freeze(let scope, let expires): try store.freeze(scope: scope, reason: reason, actor: actor, expiresAfterSeconds: expires)
        case .rollback(let to, let tenants, let mode, let warmFirst):
            try RollbackCommands(store: store, clock: clock, capacity: capacity, policy: script.policy).start(
                RollbackRequest(to: to.map(script.ref), tenants: tenants, mode: mode, warmFirst: warmFirst), actor: actor, reason: reason)
        }
    }
}
