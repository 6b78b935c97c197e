import Foundation
import SwitchyardCore
import SwitchyardStore

/// Scores a finished run from its journal and measurements: when each tier acted, when traffic was restored,
/// wrong actions, and each expectation.
struct DrillScoring {
    let script: DrillScript
    let store: SwitchyardStore
    let start: Date
    let measure: DrillMeasurements

    func scorecard() throws -> DrillScorecard {
        let journal = try store.journal()
        let seconds = { (entry: JournalEntry) in DrillSession.seconds(entry, since: start) }
        let prompts = measure.prompts.asked
        let onset = measure.onset
        let afterOnset = journal.filter { onset != nil && seconds($0) >= onset! }
        let tierActs: [(tier: Int, entry: JournalEntry)] = afterOnset.compactMap { entry in
            if entry.actor == "auto:tier0" && entry.kind == "rollback.start" { return (0, entry) }
            if entry.actor == "auto:analysis" && !entry.reason.hasPrefix("analysis pass") { return (1, entry) }
            if entry.kind == "automation.trend" || entry.kind == "automation.llm-advisory" { return (2, entry) }
            return nil
        }
        let firstAct = tierActs.first
        let decision = afterOnset.first { $0.kind == "rollback.start" || $0.kind == "rollout.abort" }
        let rollbacks = journal.filter { $0.kind == "rollback.start" }
        let wrong = rollbacks.compactMap { entry -> String? in
            let from = entry.subject.components(separatedBy: " → ").first ?? entry.subject
            let faulty = measure.faulty.contains { $0.description == from }
            return faulty ? nil : "\(entry.actor) rolled back \(from), which had no fault (#\(entry.seq))"
        }
        let repeated = Dictionary(grouping: rollbacks, by: { $0.subject.components(separatedBy: " → ").first ?? "" }).values.filter { $0.count > 1 }.count
        let guards = try store.automationState(policy: script.policy).guards
        let rollout = try store.latestRollout()
        var card = DrillScorecard(
            drill: script.name, seed: script.seed, durationSeconds: script.durationSeconds, faultOnsetSeconds: onset,
            timeToDetectSeconds: firstAct.flatMap { act in onset.map { seconds(act.entry) - $0 } }, detectedBy: firstAct.map { "tier \($0.tier)" },
            timeToDecideSeconds: decision.flatMap { entry in onset.map { seconds(entry) - $0 } },
            timeToRestoreSeconds: measure.restoredAt.flatMap { restored in onset.map { restored - $0 } },
            failedRequests: measure.failedAfterOnset, requests: measure.requests, wrongActions: wrong,
            oscillations: measure.oscillations + repeated, capacityViolations: measure.capacityViolations,
            operatorResponses: prompts.map { .init(prompt: $0.prompt.text, askedAtSeconds: $0.atSeconds, answeredAfterSeconds: $0.answeredAfterSeconds,
                                                   answeredBy: $0.answeredBy) },
            checks: [],
            journalEntries: journal.count, journalHead: journal.last?.hash ?? "")
        card.checks = script.expectations.map { check($0, card: card, tierActs: tierActs.map { ($0.tier, seconds($0.entry)) }, rollbacks: rollbacks.count,
                                                      breakerOpen: guards.breakerTripped, rollout: rollout) }
            + prompts.map { asked in
                let limit = DurationText.format(asked.prompt.withinSeconds)
                return .init(expectation: "the on-call answers \"\(asked.prompt.text)\" (\(asked.prompt.answer.rawValue)) within \(limit)",
                             passed: asked.answeredAfterSeconds.map { $0 <= asked.prompt.withinSeconds } ?? false,
                             detail: asked.answeredAfterSeconds.map { "\(asked.answeredBy ?? "?") answered after \(DurationText.format($0))" } ?? "unanswered")
            }
        return card
    }

    private func check(_ expectation: DrillExpectation, card: DrillScorecard, tierActs: [(tier: Int, second: Int)], rollbacks: Int,
                       breakerOpen: Bool, rollout: Rollout?) -> DrillScorecard.Check {
        let time = { (seconds: Int?) in seconds.map(DurationText.format) ?? "never" }
        switch expectation {
        case .tierFiresWithin(let tier, let limit):
            let acted = tierActs.first { $0.tier == tier }.flatMap { act in card.faultOnsetSeconds.map { act.second - $0 } }
            return .init(expectation: "tier \(tier) acts within \(DurationText.format(limit)) of the fault", passed: acted.map { $0 <= limit } ?? false,
                         detail: "acted after \(time(acted))")
        case .restoredWithin(let limit):
            return .init(expectation: "traffic restored within \(DurationText.format(limit))", passed: card.timeToRestoreSeconds.map { $0 <= limit } ?? false,
                         detail: "restored after \(time(card.timeToRestoreSeconds))")
        case .noRollback:
            return .init(expectation: "no rollback", passed: rollbacks == 0, detail: "\(rollbacks) rollback(s)")
        case .maxFailedRequests(let limit):
            return .init(expectation: "at most \(limit) client requests failed", passed: card.failedRequests <= limit,
                         detail: "\(card.failedRequests) failed after the onset")
        case .noOscillation:
            return .init(expectation: "no oscillation", passed: card.oscillations == 0 && card.wrongActions.isEmpty,
                         detail: "\(card.oscillations) oscillation(s), \(card.wrongActions.count) wrong action(s)")
        case .drainWithinCapacity:
            return .init(expectation: "drains stay within warm capacity", passed: card.capacityViolations == 0,
                         detail: "\(card.capacityViolations) second(s) over capacity")
        case .breakerOpen(let open):
            return .init(expectation: "circuit breaker \(open ? "open" : "closed") at the end", passed: breakerOpen == open,
                         detail: breakerOpen ? "open" : "closed")
        case .rolloutEnds(let state):
            let actual: String = switch rollout?.status {
            case .completed?: "completed"
            case .aborted?: "aborted"
            case .running?: "running"
            case .paused?: "paused"
            case .awaitingPromotion?: "waiting"
            case nil: "none"
            }
            return .init(expectation: "the rollout ends \(state)", passed: actual == state, detail: "it ended \(actual)")
        }
    }
}
