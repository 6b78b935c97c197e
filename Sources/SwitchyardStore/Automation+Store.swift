import Foundation
import GRDB
import SwitchyardCore

extension SwitchyardStore {
    /// The automation state (guards, tier-0 trigger), or a fresh one under `policy` before the first decision.
    public func automationState(policy: ControlPolicy) throws -> AutomationState {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT state FROM automation WHERE id = 1") else { return AutomationState(policy: policy) }
            guard let state = try? JSONValue(parsing: text).decode(as: AutomationState.self) else {
                throw SwitchyardError.failure("the stored automation state is unreadable", hint: "run `switchyard audit verify`")
            }
            return state
        }
    }

    /// Saves the automation state, with a journal entry when the change is a decision (an alert, a breaker reset).
    public func saveAutomation(_ state: AutomationState, draft: JournalDraft? = nil) throws {
        try write { db, time in
            if let draft { try Self.append(draft, time: time, in: db) }
            try Self.saveAutomation(state, time: time, in: db)
        }
    }

    static func saveAutomation(_ state: AutomationState, time: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO automation (id, state, updated_at) VALUES (1, ?, ?)
            ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at
            """, arguments: [try JSONValue(encoding: state).canonicalText, time])
    }

    /// Replaces the data plane's latest observations (not journaled: they are readings, not decisions).
    public func recordObservations(_ observations: [BundleObservation]) throws {
        try write { db, time in
            try db.execute(sql: "DELETE FROM observations")
            for observation in observations {
                try db.execute(sql: "INSERT INTO observations (bundle, observation, updated_at) VALUES (?, ?, ?)",
                               arguments: [observation.bundle.description, try JSONValue(encoding: observation).canonicalText, time])
            }
        }
    }

    /// The data plane's latest observations, by bundle; empty when no router has written any.
    public func observations() throws -> [BundleRef: BundleObservation] {
        try read { db in
            var out: [BundleRef: BundleObservation] = [:]
            for text in try String.fetchAll(db, sql: "SELECT observation FROM observations") {
                if let observation = try? JSONValue(parsing: text).decode(as: BundleObservation.self) { out[observation.bundle] = observation }
            }
            return out
        }
    }
}
