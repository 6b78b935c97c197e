import Foundation
import GRDB
import SwitchyardCore

extension SwitchyardStore {
    /// Saves the requests the router answered and forgets those older than `cutoff`, in one transaction. These are
    /// records of traffic, not decisions, so they have no journal entry.
    public func recordServedRequests(_ batches: [ServedRequestBatch], forgettingBefore cutoff: Date) throws {
        try write { db, _ in
            for batch in batches where batch.count > 0 { try batch.insert(db) }
            try db.execute(sql: "DELETE FROM served_request_batches WHERE last_ms < ?", arguments: [Timestamp.milliseconds(cutoff)])
        }
    }

    /// The requests `bundle` answered between `from` and `to` (inclusive, to the millisecond; either may be open),
    /// oldest first.
    public func servedRequests(bundle: BundleRef, from: Date?, to: Date?) throws -> [ServedRequest] {
        let (low, high) = (from.map(Timestamp.milliseconds) ?? .min, to.map(Timestamp.milliseconds) ?? .max)
        let batches = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT first_ms, last_ms, count, requests FROM served_request_batches
                WHERE bundle = ? AND last_ms >= ? AND first_ms <= ? ORDER BY first_ms, rowid
                """, arguments: [bundle.description, low, high]).map { row in
                ServedRequestBatch(bundle: bundle, firstMillis: row["first_ms"], lastMillis: row["last_ms"], count: row["count"],
                                   bytes: [UInt8](row["requests"] as Data))
            }
        }
        // Batches from different event loops overlap in time: the stable sort keeps each one's order within a millisecond.
        return try batches.flatMap { try $0.requests() }
            .filter { (low...high).contains(Timestamp.milliseconds($0.time)) }
            .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }
}

extension ServedRequestBatch {
    func insert(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO served_request_batches (bundle, first_ms, last_ms, count, requests) VALUES (?, ?, ?, ?, ?)",
                       arguments: [bundle.description, firstMillis, lastMillis, count, Data(bytes)])
    }

    /// Migration v8: the rows of the v6 table, one per request, packed into batches per bundle of at most
    /// `migrationBatch` requests (a day of rows is not held in memory at once).
    static func migrateRows(_ db: Database) throws {
        let migrationBatch = 10_000
        var batches: [String: ServedRequestBatch] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, time, tenant, session, bundle, generation, status FROM served_requests ORDER BY time, rowid")
        while let row = try rows.next() {
            let text: String = row["bundle"]
            let bundle = try BundleRef(parsing: text)
            let time: String = row["time"]
            batches[text, default: ServedRequestBatch(bundle: bundle)].append(ServedRequest(
                id: row["id"], time: Timestamp.parse(time) ?? .distantPast, tenant: row["tenant"], session: row["session"],
                bundle: bundle, generation: row["generation"], status: row["status"]))
            if let full = batches[text], full.count >= migrationBatch {
                try full.insert(db)
                batches[text] = nil
            }
        }
        for batch in batches.values { try batch.insert(db) }
    }
}
