import SwitchyardCore
import SwitchyardStore

/// `switchyard breaker`: the operator's side of the circuit breaker that automatic rollbacks trip.
public struct BreakerCommands: Sendable {
    let store: SwitchyardStore
    let policy: ControlPolicy

    public init(store: SwitchyardStore, policy: ControlPolicy = ControlPolicy()) {
        self.store = store
        self.policy = policy
    }

    public func state() throws -> AutomationGuards { try store.automationState(policy: policy).guards }

    /// Closes an open breaker; refuses when it is closed. The cooldown still runs out.
    @discardableResult
    public func reset(actor: String, reason: String) throws -> AutomationGuards {
        var state = try store.automationState(policy: policy)
        guard state.guards.breakerTripped else {
            throw SwitchyardError.refused("the circuit breaker is closed; there is nothing to reset")
        }
        let count = state.guards.consecutiveAutomaticRollbacks
        state.guards.resetBreaker()
        try store.saveAutomation(state, draft: JournalDraft(actor: actor, kind: JournalKind.automation("breaker-reset"), subject: "breaker",
                                                            reason: reason, payload: ["consecutive_automatic_rollbacks": .int(count)]))
        return state.guards
    }
}
