import Foundation
import GRDB
import SwitchyardCore

extension SwitchyardStore {
    /// Declares a freeze; it holds until lifted or until it expires.
    @discardableResult
    public func freeze(scope: Freeze.Scope, reason: String, actor: String, expiresAfterSeconds: Int?) throws -> Freeze {
        try write { db, time in
            try Self.insertFreeze(scope: scope, reason: reason, actor: actor, expiresAfterSeconds: expiresAfterSeconds, time: time, in: db)
        }
    }

    /// Declares a freeze inside the caller's transaction, with its journal entry.
    @discardableResult
    static func insertFreeze(scope: Freeze.Scope, reason: String, actor: String, expiresAfterSeconds: Int?, time: String, in db: Database) throws -> Freeze {
        let now = Timestamp.parse(time)!
        let expires = expiresAfterSeconds.map { now + Double($0) }
        var payload: [String: JSONValue] = ["scope": .string(scope.description)]
        payload["expires"] = expires.map { .string(Timestamp.format($0)) } ?? .null
        let entry = try append(JournalDraft(actor: actor, kind: JournalKind.freezeDeclared, subject: "freeze:\(scope)",
                                            reason: reason, payload: .object(payload)), time: time, in: db)
        try db.execute(sql: "INSERT INTO freezes (scope, reason, actor, since, expires, journal_seq) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [scope.description, reason, actor, time, expires.map(Timestamp.format), entry.seq])
        return Freeze(scope: scope, reason: reason, actor: actor, since: now, expires: expires)
    }

    /// Lifts the active freezes with `scope` (every active freeze when nil); refuses when none is active.
    @discardableResult
    public func unfreeze(scope: Freeze.Scope?, reason: String, actor: String) throws -> [Freeze] {
        try write { db, time in
            let now = Timestamp.parse(time)!
            let lifting = try Self.activeFreezes(at: now, in: db).filter { scope == nil || $0.freeze.scope == scope }
            guard !lifting.isEmpty else {
                throw SwitchyardError.failure(scope.map { "no active freeze has scope \($0)" } ?? "nothing is frozen",
                                              hint: "`switchyard status` shows the freezes in force")
            }
            for (id, freeze) in lifting {
                try db.execute(sql: "UPDATE freezes SET lifted_at = ?, lifted_by = ? WHERE id = ?", arguments: [time, actor, id])
                try Self.append(JournalDraft(actor: actor, kind: JournalKind.freezeLifted, subject: "freeze:\(freeze.scope)", reason: reason,
                                             payload: ["declared_by": .string(freeze.actor), "declared_reason": .string(freeze.reason)]),
                                time: time, in: db)
            }
            return lifting.map(\.freeze)
        }
    }

    /// Freezes in force at `now`: not lifted and not expired.
    public func activeFreezes(at now: Date) throws -> [Freeze] {
        try read { db in try Self.activeFreezes(at: now, in: db).map(\.freeze) }
    }

    static func activeFreezes(at now: Date, in db: Database) throws -> [(id: Int64, freeze: Freeze)] {
        try Row.fetchAll(db, sql: "SELECT * FROM freezes WHERE lifted_at IS NULL ORDER BY id").compactMap { row in
            guard let scope = try? Freeze.Scope(parsing: row["scope"]), let since = Timestamp.parse(row["since"]) else { return nil }
            let expires = (row["expires"] as String?).flatMap(Timestamp.parse)
            let freeze = Freeze(scope: scope, reason: row["reason"], actor: row["actor"], since: since, expires: expires)
            return freeze.isActive(at: now) ? (row["id"], freeze) : nil
        }
    }
}
