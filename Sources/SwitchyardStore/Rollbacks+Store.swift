import Foundation
import GRDB
import SwitchyardCore

/// One rollback transition to save: the drain's new state and everything that must land with it.
public struct RollbackTransition: Sendable {
    public var rollback: Rollback
    /// `start`, `stage`, `hold`, `continue`, `complete`: the journal kind is `rollback.<event>`.
    public var event: String
    public var actor: String
    public var reason: String
    /// Whether this transition moved traffic (a stage was applied), so a new routing generation is due.
    public var movedTraffic: Bool
    /// The detector readings or the pre-flight plan behind the decision.
    public var readings: JSONValue?
    /// A rollout the rollback supersedes, saved as aborted in the same transaction.
    public var abortedRollout: Rollout?
    /// The automation state after an automatic rollback (cooldown, breaker).
    public var automation: AutomationState?
    /// Freeze on incident: the scope and lifetime of the freeze an automatic rollback declares.
    public var incidentFreeze: (scope: Freeze.Scope, seconds: Int)?
    /// The journal head the decision was computed from; the commit throws `StaleTransition` if it moved.
    public var basedOn: Int?

    public init(rollback: Rollback, event: String, actor: String, reason: String, movedTraffic: Bool, readings: JSONValue? = nil,
                abortedRollout: Rollout? = nil, automation: AutomationState? = nil, incidentFreeze: (scope: Freeze.Scope, seconds: Int)? = nil,
                basedOn: Int? = nil) {
        self.basedOn = basedOn
        self.rollback = rollback
        self.event = event
        self.actor = actor
        self.reason = reason
        self.movedTraffic = movedTraffic
        self.readings = readings
        self.abortedRollout = abortedRollout
        self.automation = automation
        self.incidentFreeze = incidentFreeze
    }
}

extension SwitchyardStore {
    /// The drain in progress, if any.
    public func activeRollback() throws -> Rollback? {
        try read { db in try Self.activeRollback(in: db) }
    }

    /// Saves a rollback transition in one transaction: the drain's state, the routing generation of a stage,
    /// a superseded rollout, the automation state, an incident freeze, and the journal entries. A transition
    /// `basedOn` a journal head that has moved is refused with `StaleTransition`, and nothing is saved.
    @discardableResult
    public func commitRollback(_ transition: RollbackTransition) throws -> RoutingTable {
        try write { db, time in
            try StaleTransition.check(transition.basedOn, in: db)
            let rollback = transition.rollback
            let existing = try Self.activeRollback(in: db)
            let starting = transition.event == "start"
            if starting, let existing {
                throw SwitchyardError.refused("a rollback from \(existing.from) to \(existing.to) is already \(existing.statusText)",
                                              hint: "hold or finish it first: switchyard rollback status")
            }
            if !starting && existing == nil { throw SwitchyardError.failure("no rollback is in progress") }
            let state = try JSONValue(encoding: rollback).canonicalText
            let current = try Self.currentRouting(in: db)
            var next: RoutingTable?
            if transition.movedTraffic {
                var table = rollback.routing(applyingTo: current)
                table.generation = current.generation + 1
                table.inFlightPolicy = .reissue
                next = table
            }
            var payload: [String: JSONValue] = [
                "from": .string(rollback.from.description), "to": .string(rollback.to.description),
                "tenants": .array(rollback.tenants.map(JSONValue.string)), "mode": .string(rollback.mode.rawValue),
                "status": .string(rollback.statusText), "stage": .int(rollback.stagesApplied), "stages": .int(rollback.plan.stages.count),
                "remaining_basis_points": .int(rollback.remainingBasisPoints), "forced": .bool(rollback.forced),
            ]
            payload["readings"] = transition.readings
            payload["generation"] = next.map { .int($0.generation) }
            payload["rollout_aborted"] = transition.abortedRollout.map { .string($0.canary.description) }
            let draft = JournalDraft(actor: transition.actor, kind: JournalKind.rollback(transition.event),
                                     subject: "\(rollback.from) → \(rollback.to)", reason: transition.reason, payload: .object(payload))
            let entry: JournalEntry
            if let next {
                entry = try Self.commit(next, checking: [rollback.to], draft: draft, time: time, in: db)
            } else {
                entry = try Self.append(draft, time: time, in: db)
            }
            if starting {
                try db.execute(sql: """
                    INSERT INTO rollbacks (from_bundle, to_bundle, state, active, actor, reason, started_at, updated_at, journal_seq)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [rollback.from.description, rollback.to.description, state, rollback.status.isFinished ? 0 : 1,
                                     transition.actor, transition.reason, time, time, entry.seq])
            } else {
                try db.execute(sql: "UPDATE rollbacks SET state = ?, updated_at = ?, active = ? WHERE active = 1",
                               arguments: [state, time, rollback.status.isFinished ? 0 : 1])
            }
            if let aborted = transition.abortedRollout {
                try db.execute(sql: "UPDATE rollouts SET state = ?, updated_at = ?, active = 0 WHERE active = 1",
                               arguments: [try JSONValue(encoding: aborted).canonicalText, time])
            }
            if let automation = transition.automation { try Self.saveAutomation(automation, time: time, in: db) }
            if let freeze = transition.incidentFreeze {
                try Self.insertFreeze(scope: freeze.scope, reason: "incident: \(transition.reason)", actor: transition.actor,
                                      expiresAfterSeconds: freeze.seconds, time: time, in: db)
            }
            return next ?? current
        }
    }

    static func activeRollback(in db: Database) throws -> Rollback? {
        try String.fetchOne(db, sql: "SELECT state FROM rollbacks WHERE active = 1").map { text in
            guard let rollback = try? JSONValue(parsing: text).decode(as: Rollback.self) else {
                throw SwitchyardError.failure("the stored rollback is unreadable", hint: "run `switchyard audit verify`")
            }
            return rollback
        }
    }
}

extension JournalKind {
    /// A rollback drain started, advanced a stage, was held or continued, or completed: `rollback.<event>`.
    public static func rollback(_ event: String) -> String { "rollback.\(event)" }
    /// The automatic side's own entries: `automation.<event>` (environment fault, breaker reset).
    public static func automation(_ event: String) -> String { "automation.\(event)" }
}
