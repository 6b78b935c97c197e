import Foundation
import GRDB
import SwitchyardCore

extension SwitchyardStore {
    /// The rollout in progress, if any.
    public func activeRollout() throws -> Rollout? {
        try read { db in try Self.activeRollout(in: db) }
    }

    /// The newest rollout, finished or not, for `rollout status` after it ended.
    public func latestRollout() throws -> Rollout? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT state FROM rollouts ORDER BY id DESC LIMIT 1").map(Self.decodeRollout)
        }
    }

    /// Saves a rollout transition in one transaction: its state, the routing generation its changes imply, and
    /// its journal entry. `start` refuses while another rollout is active. A transition `basedOn` a journal head
    /// that has moved is refused with `StaleTransition`, and nothing is saved.
    @discardableResult
    public func commitRollout(_ rollout: Rollout, changes: [RolloutChange], start: Bool, event: String, actor: String, reason: String,
                              readings: JSONValue? = nil, overriddenFreeze: Freeze? = nil, basedOn: Int? = nil) throws -> RoutingTable {
        try write { db, time in
            try StaleTransition.check(basedOn, in: db)
            let existing = try Self.activeRollout(in: db)
            if start, let existing {
                throw SwitchyardError.refused("a rollout of \(existing.canary) is already \(existing.statusText)",
                                              hint: "finish it first: switchyard rollout promote --full, or switchyard rollout abort --reason …")
            }
            if !start && existing == nil { throw SwitchyardError.failure("no rollout is in progress", hint: "switchyard rollout start NAME@VERSION --plan FILE --reason …") }
            let state = try JSONValue(encoding: rollout).canonicalText
            if start {
                try db.execute(sql: "INSERT INTO rollouts (canary, state, active, started_at, updated_at) VALUES (?, ?, 1, ?, ?)",
                               arguments: [rollout.canary.description, state, time, time])
            } else {
                try db.execute(sql: "UPDATE rollouts SET state = ?, updated_at = ?, active = ? WHERE active = 1",
                               arguments: [state, time, rollout.status.isFinished ? 0 : 1])
            }
            let current = try Self.currentRouting(in: db)
            var next: RoutingTable?
            if changes.contains(where: \.kind.changesRouting) {
                var table = RolloutRouting.apply(rollout, to: current)
                table.generation = current.generation + 1
                table.inFlightPolicy = event == "abort" ? .reissue : .finish
                next = table
            }
            var payload: [String: JSONValue] = [
                "canary": .string(rollout.canary.description), "baseline": .string(rollout.baseline.description),
                "step": .int(rollout.stepIndex), "status": .string(rollout.statusText),
                "changes": .array(changes.map { .string($0.detail) }),
            ]
            payload["readings"] = readings
            if start { payload["plan"] = .array(rollout.plan.steps.map { .string($0.summary) }) }
            payload["freeze_overridden"] = overriddenFreeze.map(FreezeGuard.overrideNote)
            payload["generation"] = next.map { .int($0.generation) }
            let draft = JournalDraft(actor: actor, kind: JournalKind.rollout(event), subject: rollout.canary.description, reason: reason,
                                     payload: .object(payload))
            if let next {
                try Self.commit(next, checking: [rollout.canary, rollout.baseline], draft: draft, time: time, in: db)
            } else {
                try Self.append(draft, time: time, in: db)
            }
            return next ?? current
        }
    }

    static func activeRollout(in db: Database) throws -> Rollout? {
        try String.fetchOne(db, sql: "SELECT state FROM rollouts WHERE active = 1").map(decodeRollout)
    }

    static func decodeRollout(_ text: String) throws -> Rollout {
        guard let rollout = try? JSONValue(parsing: text).decode(as: Rollout.self) else {
            throw SwitchyardError.failure("the stored rollout is unreadable", hint: "run `switchyard audit verify`")
        }
        return rollout
    }
}
