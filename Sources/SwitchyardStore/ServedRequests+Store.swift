import Foundation
import GRDB
import SwitchyardCore

extension SwitchyardStore {
    /// Saves the requests the router answered and forgets those older than `cutoff`, in one transaction. These are
    /// records of traffic, not decisions, so they have no journal entry.
    public func recordServedRequests(_ requests: [ServedRequest], forgettingBefore cutoff: Date) throws {
        try write { db, _ in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO served_requests (id, time, tenant, session, bundle, generation, status) VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            for request in requests {
                try insert.execute(arguments: [request.id, Timestamp.format(request.time), request.tenant, request.session,
                                               request.bundle.description, request.generation, request.status])
            }
            try db.execute(sql: "DELETE FROM served_requests WHERE time < ?", arguments: [Timestamp.format(cutoff)])
        }
    }

    /// The requests `bundle` answered between `from` and `to` (inclusive, either may be open), oldest first.
    public func servedRequests(bundle: BundleRef, from: Date?, to: Date?) throws -> [ServedRequest] {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, time, tenant, session, generation, status FROM served_requests
                WHERE bundle = ? AND time >= ? AND time <= ? ORDER BY time, rowid
                """, arguments: [bundle.description, from.map(Timestamp.format) ?? "", to.map(Timestamp.format) ?? "~"])
            return rows.map { row in
                ServedRequest(id: row["id"], time: Timestamp.parse(row["time"]) ?? .distantPast, tenant: row["tenant"], session: row["session"],
                              bundle: bundle, generation: row["generation"], status: row["status"])
            }
        }
    }
}
