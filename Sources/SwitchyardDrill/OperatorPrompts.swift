import Foundation
import SwitchyardCore
import SwitchyardStore

/// The drill's questions to the on-call. Each is journaled when asked (`drill.prompt`, which the console shows
/// with a timer), answered by the first operator action of its kind after it (scripted steps and automation do
/// not count), or marked unanswered at its deadline. Without a human, a scripted on-call answers after the
/// prompt's `unattended_after`.
struct OperatorPrompts {
    /// The actor of the scripted on-call.
    static let standIn = "drill:on-call"

    /// One prompt and what became of it.
    struct Asked {
        var prompt: OperatorPrompt
        var seq: Int
        var atSeconds: Int
        var answeredAfterSeconds: Int?
        var answeredBy: String?
        var closed = false
    }

    private(set) var asked: [Asked] = []

    mutating func ask(_ prompt: OperatorPrompt, at second: Int, drill: String, store: SwitchyardStore) throws {
        let entry = try store.note(JournalDraft(actor: DrillSession.actor, kind: "drill.prompt", subject: drill, reason: prompt.text, payload: [
            "answer": .string(prompt.answer.rawValue), "within_seconds": .int(prompt.withinSeconds), "at_seconds": .int(second),
        ]))
        asked.append(Asked(prompt: prompt, seq: entry.seq, atSeconds: second))
    }

    /// Once a second: lets the scripted on-call act when nobody else is there, records answers, closes expired prompts.
    mutating func review(at second: Int, store: SwitchyardStore, attended: Bool, seconds: (JournalEntry) -> Int,
                         answer: (OperatorPrompt.Answer) throws -> Void) throws {
        for index in asked.indices where !asked[index].closed {
            let item = asked[index]
            if !attended, let delay = item.prompt.unattendedAfterSeconds, second == item.atSeconds + delay {
                do {
                    try answer(item.prompt.answer)
                } catch {
                    try store.note(JournalDraft(actor: DrillSession.actor, kind: "drill.step", subject: item.prompt.text,
                                                reason: "the scripted on-call's \(item.prompt.answer.rawValue): refused: \(error)",
                                                payload: ["at_seconds": .int(second)]))
                }
            }
            let answering = try Self.firstOperatorAction(after: item, store: store)
            if let answering {
                let after = max(0, seconds(answering) - item.atSeconds)
                asked[index].answeredAfterSeconds = after
                asked[index].answeredBy = answering.actor
                asked[index].closed = true
                try store.note(JournalDraft(actor: DrillSession.actor, kind: "drill.answer", subject: item.prompt.text,
                                            reason: "\(answering.actor) answered with \(answering.kind) after \(DurationText.format(after))",
                                            payload: ["prompt_seq": .int(item.seq), "seconds": .int(after), "by": .string(answering.actor)]))
            } else if second >= item.atSeconds + item.prompt.withinSeconds {
                asked[index].closed = true
                try store.note(JournalDraft(actor: DrillSession.actor, kind: "drill.unanswered", subject: item.prompt.text,
                                            reason: "nobody answered within \(DurationText.format(item.prompt.withinSeconds))",
                                            payload: ["prompt_seq": .int(item.seq)]))
            }
        }
    }

    /// The first entry of an answering kind after the prompt written by an operator, read forward from the
    /// prompt's entry rather than over the whole journal.
    private static func firstOperatorAction(after item: Asked, store: SwitchyardStore) throws -> JournalEntry? {
        let match = JournalMatch(families: item.prompt.answer.kinds)
        var from = item.seq
        while let entry = try store.journalStep(from: from, forward: true, matching: match, within: item.seq...Int.max) {
            if entry.actor != DrillSession.actor && !entry.actor.hasPrefix("auto:") { return entry }
            from = entry.seq
        }
        return nil
    }

    /// The scripted action that answers a prompt.
    static func action(for answer: OperatorPrompt.Answer) -> DrillAction {
        switch answer {
        case .rollback, .any: .rollback(to: nil, tenants: [], mode: nil, warmFirst: false)
        case .abort: .abort
        case .pause: .pause
        case .freeze: .freeze(scope: .all, expiresSeconds: nil)
        case .promote: .promote(full: false)
        }
    }
}
