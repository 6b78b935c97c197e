import Foundation
import GRDB
import SwitchyardCore

/// Which journal entries a replay step lands on: kinds by family (`rollout` matches `rollout` and
/// `rollout.start`) and actors by prefix (`auto:`). Empty lists mean every entry but telemetry snapshots.
public struct JournalMatch: Sendable {
    public var families: [String]
    public var actorPrefixes: [String]

    public init(families: [String] = [], actorPrefixes: [String] = []) {
        self.families = families
        self.actorPrefixes = actorPrefixes
    }
}

/// Reads for replaying a journal of any length. Each is answered from an index (by seq, kind, time or
/// journal entry), so seeking in a million entries costs about what seeking in a hundred does.
extension SwitchyardStore {
    /// The seqs of the entries between two times (ISO 8601), or nil when none falls between them.
    public func journalSpan(from: String?, to: String?) throws -> ClosedRange<Int>? {
        try read { db in
            let first: Int? = try Int.fetchOne(db, sql: "SELECT seq FROM journal WHERE time >= ? ORDER BY time, seq LIMIT 1",
                                               arguments: [from ?? ""])
            let last: Int? = try to.map { try Int.fetchOne(db, sql: "SELECT seq FROM journal WHERE time <= ? ORDER BY time DESC, seq DESC LIMIT 1",
                                                           arguments: [$0]) } ?? Self.head(in: db)?.seq
            guard let first, let last, first <= last else { return nil }
            return first...last
        }
    }

    /// The last entry written at or before `time`, or nil when the journal starts later.
    public func journalSeq(atOrBefore time: String) throws -> Int? {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT seq FROM journal WHERE time <= ? ORDER BY time DESC, seq DESC LIMIT 1", arguments: [time])
        }
    }

    public func journalEntry(seq: Int) throws -> JournalEntry? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM journal WHERE seq = ?", arguments: [seq]).map(Self.entry(from:)) }
    }

    /// The nearest entry after (or before) `seq` within `span` that matches, never a telemetry snapshot.
    public func journalStep(from seq: Int, forward: Bool, matching match: JournalMatch, within span: ClosedRange<Int>) throws -> JournalEntry? {
        var clauses = ["kind <> ?", forward ? "seq > ? AND seq <= ?" : "seq < ? AND seq >= ?"]
        var arguments: StatementArguments = [TelemetrySnapshot.kind, seq, forward ? span.upperBound : span.lowerBound]
        var alternatives: [String] = []
        for family in match.families {
            alternatives.append("(kind >= ? AND kind < ?)")
            arguments += [family, family + "/"]
        }
        for prefix in match.actorPrefixes {
            alternatives.append("substr(actor, 1, ?) = ?")
            arguments += [prefix.utf8.count, prefix]
        }
        if !alternatives.isEmpty { clauses.append("(" + alternatives.joined(separator: " OR ") + ")") }
        let sql = "SELECT * FROM journal WHERE \(clauses.joined(separator: " AND ")) ORDER BY seq \(forward ? "ASC" : "DESC") LIMIT 1"
        return try read { db in try Row.fetchOne(db, sql: sql, arguments: arguments).map(Self.entry(from:)) }
    }

    /// Entries at or before `seq` whose kind is in one of `families`, oldest first; the newest `limit` when given.
    /// Each kind of a family is a walk down the (kind, seq) index from `seq`, so only the entries returned are
    /// read, however many of that family the journal holds.
    public func journal(upTo seq: Int, families: [String], limit: Int? = nil) throws -> [JournalEntry] {
        try read { db in
            let entries = try families.flatMap { try Self.kinds(in: $0, db: db) }.flatMap { kind in
                try Row.fetchAll(db, sql: "SELECT * FROM journal WHERE kind = ? AND seq <= ? ORDER BY seq DESC LIMIT ?",
                                 arguments: [kind, seq, limit ?? -1]).map(Self.entry(from:))
            }
            let sorted = entries.sorted { $0.seq < $1.seq }
            return limit.map { Array(sorted.suffix($0)) } ?? sorted
        }
    }

    /// The kinds present in a family (`rollback` → `rollback.stage`, `rollback.start` …), each found with one
    /// index lookup from the one before.
    static func kinds(in family: String, db: Database) throws -> [String] {
        var kinds: [String] = []
        var next = try String.fetchOne(db, sql: "SELECT min(kind) FROM journal WHERE kind >= ? AND kind < ?", arguments: [family, family + "/"])
        while let kind = next {
            kinds.append(kind)
            next = try String.fetchOne(db, sql: "SELECT min(kind) FROM journal WHERE kind > ? AND kind < ?", arguments: [kind, family + "/"])
        }
        return kinds
    }

    /// The newest `limit` entries at or before `seq` other than telemetry snapshots, oldest first.
    public func recentEvents(upTo seq: Int, limit: Int) throws -> [JournalEntry] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM journal WHERE seq <= ? AND kind <> ? ORDER BY seq DESC LIMIT ?",
                             arguments: [seq, TelemetrySnapshot.kind, limit]).map(Self.entry(from:)).reversed()
        }
    }

    /// The routing table in force just after journal entry `seq` (generation 0, empty, before the first).
    public func routing(asOfJournalSeq seq: Int) throws -> RoutingTable {
        try read { db in
            guard let text = try String.fetchOne(db, sql: "SELECT routing FROM routing_generations WHERE journal_seq <= ? ORDER BY journal_seq DESC LIMIT 1",
                                                 arguments: [seq]) else { return RoutingTable() }
            return try JSONValue(parsing: text).decode(as: RoutingTable.self)
        }
    }

    /// Appends entries with the times they happened, in one transaction: a long history at once (generated
    /// for a benchmark, or carried over), chained like any other entries. Times must not go backwards.
    public func appendHistory(_ history: [(time: Date, draft: JournalDraft)]) throws {
        try write { db, _ in
            var last = try Self.head(in: db).flatMap { head in try String.fetchOne(db, sql: "SELECT time FROM journal WHERE seq = ?", arguments: [head.seq]) } ?? ""
            for (date, draft) in history {
                let time = Timestamp.format(date)
                guard time >= last else {
                    throw SwitchyardError.refused("history at \(time) would go back in time (the journal is at \(last))", hint: "nothing was appended")
                }
                try Self.append(draft, time: time, in: db)
                last = time
            }
        }
    }
}
