import GRDB
import SwitchyardCore

/// Which journal entries to list.
public struct JournalFilter: Sendable {
    /// Entries whose kind equals this or starts with it and a dot (`route` matches `route.set`).
    public var kind: String?
    /// Entries at or after this time (ISO 8601).
    public var since: String?
    public var limit: Int?

    public init(kind: String? = nil, since: String? = nil, limit: Int? = nil) {
        self.kind = kind
        self.since = since
        self.limit = limit
    }
}

extension SwitchyardStore {
    /// Appends an entry inside the caller's transaction and moves the head.
    @discardableResult
    static func append(_ draft: JournalDraft, time: String, in db: Database) throws -> JournalEntry {
        let head = try head(in: db)
        let seq = (head?.seq ?? 0) + 1
        let previous = head?.hash ?? JournalEntry.genesisHash
        let entry = JournalEntry(seq: seq, time: time, draft: draft, previousHash: previous)
        // Cached statements: every change appends, so the SQL is compiled once per connection.
        try db.cachedStatement(sql: """
            INSERT INTO journal (seq, time, actor, kind, subject, reason, payload, prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [entry.seq, entry.time, entry.actor, entry.kind, entry.subject, entry.reason,
                                     entry.payload.canonicalText, entry.previousHash, entry.hash])
        try db.cachedStatement(sql: "INSERT INTO journal_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash")
            .execute(arguments: [entry.seq, entry.hash])
        return entry
    }

    /// Appends an entry that records no change of state (a drill marker, an annotation), in its own transaction.
    @discardableResult
    public func note(_ draft: JournalDraft) throws -> JournalEntry {
        try write { db, time in try Self.append(draft, time: time, in: db) }
    }

    /// Journal entries in order, filtered.
    public func journal(_ filter: JournalFilter = JournalFilter()) throws -> [JournalEntry] {
        try read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let kind = filter.kind {
                clauses.append("(kind = ? OR kind LIKE ?)")
                arguments += [kind, kind + ".%"]
            }
            if let since = filter.since {
                clauses.append("time >= ?")
                arguments += [since]
            }
            let condition = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            var sql = "SELECT * FROM journal \(condition) ORDER BY seq"
            if let limit = filter.limit {
                sql = "SELECT * FROM (SELECT * FROM journal \(condition) ORDER BY seq DESC LIMIT \(limit)) ORDER BY seq"
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.entry(from:))
        }
    }

    /// Walks the whole chain in stored order, a row at a time, and compares its end with the recorded head;
    /// breaks an operator acknowledged are listed and checked past.
    public func verifyJournal() throws -> ChainReport {
        try read(Self.verifyJournal(in:))
    }

    static func verifyJournal(in db: Database) throws -> ChainReport {
        var verifier = JournalChainVerifier(acknowledging: try acknowledgedBreaks(in: db))
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM journal ORDER BY seq")
        while let row = try rows.next() { verifier.check(Self.entry(from: row)) }
        return verifier.finish(head: try Self.head(in: db))
    }

    /// Records that an operator has seen the chain's first unacknowledged break, so that Switchyard steers again;
    /// the break stays in the journal and `audit verify` goes on naming it. Refused when the chain is intact.
    public func acknowledgeJournalBreak(actor: String, reason: String) throws -> (problem: ChainProblem, entry: JournalEntry) {
        try write { db, time in
            guard let problem = try Self.verifyJournal(in: db).problem else {
                throw SwitchyardError.usage("nothing to acknowledge: the journal's chain is intact", hint: "switchyard audit verify")
            }
            let entry = try Self.append(JournalDraft(actor: actor, kind: JournalKind.auditAcknowledged, subject: "journal", reason: reason,
                                                     payload: ["problem_seq": .int(problem.seq), "problem": .string(problem.message)]),
                                        time: time, in: db)
            return (problem, entry)
        }
    }

    /// How many breaks have been acknowledged: a cheap indexed count that changes when somebody acknowledges one.
    public func acknowledgementCount() throws -> Int {
        try read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM journal WHERE kind = ?"), arguments: [JournalKind.auditAcknowledged]) ?? 0
        }
    }

    private static func acknowledgedBreaks(in db: Database) throws -> Set<Int> {
        let payloads = try String.fetchAll(db.cachedStatement(sql: "SELECT payload FROM journal WHERE kind = ?"), arguments: [JournalKind.auditAcknowledged])
        return Set(payloads.compactMap { (try? JSONValue(parsing: $0))?["problem_seq"]?.intValue })
    }

    /// The last entry written, or nil for an empty journal.
    public func journalHead() throws -> JournalHead? {
        try read(Self.head(in:))
    }

    static func head(in db: Database) throws -> JournalHead? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM journal_head WHERE id = 1")).map { JournalHead(seq: $0["seq"], hash: $0["hash"]) }
    }

    static func entry(from row: Row) -> JournalEntry {
        let payloadText: String = row["payload"]
        // A payload that no longer parses was tampered with; keep its text so the hash check fails on it.
        let payload = (try? JSONValue(parsing: payloadText)) ?? .string(payloadText)
        return JournalEntry(
            seq: row["seq"], time: row["time"], actor: row["actor"], kind: row["kind"], subject: row["subject"],
            reason: row["reason"], payload: payload, previousHash: row["prev_hash"], hash: row["hash"])
    }
}
