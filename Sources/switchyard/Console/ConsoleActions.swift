import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardEngine
import SwitchyardStore

/// Carries out the console's intents with the same Engine commands as the CLI, as the OS user.
struct ConsoleActions: Sendable {
    let store: SwitchyardStore
    let clock: any Clock
    let capacity: any CapacityProvider
    let policy: ControlPolicy
    let actor: String

    var rollouts: RolloutCommands { RolloutCommands(store: store, clock: clock) }
    var rollbacks: RollbackCommands { RollbackCommands(store: store, clock: clock, capacity: capacity, policy: policy) }

    /// The pre-flight plan of a rollback of every tenant to the default target, for the typed confirmation.
    func rollbackPlan() throws -> RollbackPlan {
        let plan = try rollbacks.preflight(RollbackRequest())
        var lines = plan.lines
        if let refusal = plan.refusal(force: false, warmFirst: true) { lines.append("REFUSED: \(refusal.message)") }
        return RollbackPlan(target: plan.to.description, lines: lines)
    }

    func execute(_ intent: ConsoleIntent) throws -> String {
        switch intent {
        case .promote(let full, let reason):
            return "rollout: " + (try rollouts.promote(full: full, actor: actor, reason: reason, overrideFreeze: false)).statusText
        case .pause(let reason):
            return "rollout: " + (try rollouts.pause(actor: actor, reason: reason)).statusText
        case .resume(let reason):
            return "rollout: " + (try rollouts.resume(actor: actor, reason: reason)).statusText
        case .abort(let reason):
            return "rollout: " + (try rollouts.abort(actor: actor, reason: reason)).statusText
        case .rollback(let target, let reason):
            let (plan, rollback) = try rollbacks.start(RollbackRequest(to: try BundleRef(parsing: target), warmFirst: true), actor: actor, reason: reason)
            return "rollback \(plan.from) → \(plan.to): \(rollback.statusText)"
        case .freeze(let scope, let reason, let expires):
            let seconds = try expires.map { try DurationText.seconds($0, field: "expires") }
            let freeze = try store.freeze(scope: try Freeze.Scope(parsing: scope), reason: reason, actor: actor, expiresAfterSeconds: seconds)
            return "frozen (\(freeze.scope))" + (freeze.expires.map { " until \(Timestamp.format($0))" } ?? " until unfreeze")
        case .unfreeze(let reason):
            return "lifted \(try store.unfreeze(scope: nil, reason: reason, actor: actor).count) freeze(s)"
        case .breakerReset(let reason):
            _ = try BreakerCommands(store: store, policy: policy).reset(actor: actor, reason: reason)
            return "circuit breaker reset"
        case .drainHold(let reason):
            return "drain: " + (try rollbacks.hold(actor: actor, reason: reason)).statusText
        case .drainAdvance(let reason):
            return "drain: " + (try rollbacks.resume(actor: actor, reason: reason)).statusText
        case .requestRollbackPlan, .theme, .quit, .redraw, .replay:
            return ""
        }
    }
}
