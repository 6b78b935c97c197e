import Foundation
import SwitchyardCore
import SwitchyardStore

extension ControlLoop {
    /// Tier 0 on the rollout's canary: three failing checks in a row roll it back to the baseline, unless the
    /// cooldown or the breaker forbids automatic action. The second automatic rollback in a row trips the
    /// breaker and goes to the last human-validated bundle instead. Readings are journaled with the decision.
    func tickTriggers() throws -> [String] {
        let now = clock.now()
        var state = try store.automationState(policy: policy)
        let before = state
        let rollout = try store.activeRollout()
        if rollout == nil, state.watched != nil, case .completed? = try store.latestRollout()?.status {
            state.guards.recordHealthyOutcome()
        }
        state.watch(rollout?.canary)
        guard let rollout, try store.activeRollback() == nil else {
            if state != before { try store.saveAutomation(state) }
            return []
        }
        let windows = Tier0Trigger.Windows.read(telemetry, canary: rollout.canary, baseline: rollout.baseline, policy: policy, now: now)
        let (decision, reading) = state.tier0.check(windows, policy: policy)
        let readings = try JSONValue(encoding: reading)
        let trends = state.tier2.add(minute: Int(now.timeIntervalSince1970 / 60) - 1,
                                     canary: telemetry.counters(bundle: rollout.canary, lastSeconds: 60, now: now),
                                     baseline: telemetry.counters(bundle: rollout.baseline, lastSeconds: 60, now: now), policy: policy)
        for trend in trends {
            try store.saveAutomation(state, draft: JournalDraft(
                actor: "auto:tier2", kind: JournalKind.automation("trend"), subject: rollout.canary.description,
                reason: "advisory, no action: \(trend.summary)", payload: ["readings": try JSONValue(encoding: trend)]))
        }
        let contracts = try store.bundle(rollout.canary)?.bundle.contracts
        let tenantCost = contracts?.cost?.maxUSDPerTenantHour == nil ? [:] : telemetry.costByTenant(bundle: rollout.canary, lastSeconds: 3600, now: now)
        let llm = state.llm.check(canary: windows.canaryShort, baseline: windows.baselineShort, contracts: contracts, policy: policy,
                                  tenantHourCost: tenantCost)
        for advisory in llm.advisories {
            try store.saveAutomation(state, draft: JournalDraft(
                actor: "auto:tier2", kind: JournalKind.automation("llm-advisory"), subject: rollout.canary.description,
                reason: "advisory, no action: \(advisory.summary)", payload: ["readings": try JSONValue(encoding: advisory)]))
        }
        if !llm.firing.isEmpty {
            let summary = "LLM signal " + llm.firing.map { "\($0.signal.rawValue): \($0.summary)" }.joined(separator: "; ")
            return try act(rollout, state: state, before: before, started: llm.started, summary: summary,
                           readings: try JSONValue(encoding: ["llm": llm.firing]))
        }
        if decision == .environmentFault {
            try store.saveAutomation(state, draft: JournalDraft(
                actor: "auto:tier0", kind: JournalKind.automation("environment-fault"), subject: rollout.canary.description,
                reason: "canary and baseline are failing together: an environment fault, not the canary; no rollback",
                payload: ["readings": readings]))
            return ["environment fault: \(reading.summary)"]
        }
        // A trigger that fired during the cooldown stays firing and acts once the cooldown is over.
        guard state.tier0.checks.firing else {
            if state != before { try store.saveAutomation(state) }
            return []
        }
        return try act(rollout, state: state, before: before, started: decision == .fire, summary: reading.summary, readings: readings)
    }

    /// A firing tier-0 trigger (burn rate, error ratio, or a hard LLM signal) rolls the canary back, unless the
    /// cooldown or the breaker forbids automatic action: then the firing that `started` on this check is journaled
    /// as suppressed, and the trigger acts once the guard allows if it is still firing.
    private func act(_ rollout: Rollout, state: AutomationState, before: AutomationState, started: Bool, summary: String,
                     readings: JSONValue) throws -> [String] {
        if let blocked = state.guards.automaticActionBlocked(at: clock.now()) {
            guard started else {
                if state != before { try store.saveAutomation(state) }
                return []
            }
            try store.saveAutomation(state, draft: JournalDraft(
                actor: "auto:tier0", kind: JournalKind.automation("suppressed"), subject: rollout.canary.description,
                reason: "tier 0 fired but \(blocked): \(summary)", payload: ["readings": readings]))
            return ["tier 0 fired on \(rollout.canary), suppressed: \(blocked)"]
        }
        return try rollBack(rollout, state: state, summary: summary, readings: readings)
    }

    private func rollBack(_ rollout: Rollout, state: AutomationState, summary: String, readings: JSONValue) throws -> [String] {
        var state = state
        let now = clock.now()
        let tripped = state.guards.recordAutomaticRollback(at: now)
        state.tier0.reset()
        state.llm.reset()
        let commands = RollbackCommands(store: store, clock: clock, capacity: capacity, policy: policy)
        let target = tripped ? (try? commands.lastValidatedProduction(excluding: rollout.canary)) ?? rollout.baseline : rollout.baseline
        let reason = "tier 0: \(summary)" + (tripped ? "; circuit breaker open after \(state.guards.consecutiveAutomaticRollbacks) automatic rollbacks in a row" : "")
        let (preflight, _) = try commands.start(
            RollbackRequest(to: target, from: rollout.canary, warmFirst: true), actor: "auto:tier0", reason: reason, readings: readings,
            automation: state, incidentFreeze: policy.incidentFreezeSeconds.map { (.bundle(rollout.canary.name), $0) })
        return ["automatic rollback \(preflight.from) → \(preflight.to) (\(preflight.mode.rawValue)): \(reason)"]
    }
}
