import Foundation
import GRDB
import SwitchyardCore

/// An evaluation report as the registry keeps it: its id, when and by whom it was run.
public struct StoredEvalReport: Hashable, Sendable, Codable {
    public var id: Int
    public var time: String
    public var actor: String
    public var report: EvalReport

    public init(id: Int, time: String, actor: String, report: EvalReport) {
        self.id = id
        self.time = time
        self.actor = actor
        self.report = report
    }
}

extension SwitchyardStore {
    /// Stores an evaluation report beside its bundle, with its journal entry, in one transaction; returns its id.
    @discardableResult
    public func recordEvalReport(_ report: EvalReport, actor: String) throws -> Int {
        try write { db, time in
            _ = try Self.requireBundle(report.bundle, in: db)
            try db.execute(sql: """
                INSERT INTO eval_reports (name, version, suite, suite_digest, passed, actor, report, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [report.bundle.name, report.bundle.version, report.suite, report.suiteDigest, report.passed, actor,
                                 try JSONValue(encoding: report).canonicalText, time])
            let id = Int(db.lastInsertedRowID)
            try Self.append(JournalDraft(
                actor: actor, kind: JournalKind.evalReport, subject: report.bundle.description, reason: report.summary,
                payload: ["report_id": .int(id), "passed": .bool(report.passed), "suite_digest": .string(report.suiteDigest),
                          "baseline": report.baseline.map { .string($0.description) } ?? .null,
                          "regressions": .array(report.regressions.map(JSONValue.string))]), time: time, in: db)
            return id
        }
    }

    /// A bundle's evaluation reports, oldest first.
    public func evalReports(_ ref: BundleRef) throws -> [StoredEvalReport] {
        try read { db in try Self.evalReports(ref, in: db) }
    }

    static func evalReports(_ ref: BundleRef, in db: Database) throws -> [StoredEvalReport] {
        try Row.fetchAll(db, sql: "SELECT \(columns) FROM eval_reports WHERE name = ? AND version = ? ORDER BY id",
                         arguments: [ref.name, ref.version]).map { try storedReport($0, of: ref) }
    }

    /// The promotion gate: the newest report, when it passed, allows `ref` into production (a newer failure outweighs an
    /// older pass); otherwise a refusal that says what to do. With `skipReason` it goes anyway and the journal says so.
    static func evaluationGate(_ ref: BundleRef, skipReason: String?, in db: Database) throws -> JSONValue {
        let newest = try Row.fetchOne(db, sql: "SELECT \(columns) FROM eval_reports WHERE name = ? AND version = ? ORDER BY id DESC LIMIT 1",
                                      arguments: [ref.name, ref.version]).map { try storedReport($0, of: ref) }
        if let newest, newest.report.passed {
            return ["report_id": .int(newest.id), "summary": .string(newest.report.summary)]
        }
        if let skipReason {
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM eval_reports WHERE name = ? AND version = ?",
                                         arguments: [ref.name, ref.version]) ?? 0
            return ["skipped": .string(skipReason), "reports": .int(count)]
        }
        let last = newest.map { " (its newest report, #\($0.id), failed: \($0.report.summary))" } ?? ""
        throw SwitchyardError.refused(
            "\(ref) has no passing evaluation report\(last); production needs one",
            hint: "run `switchyard eval run \(ref) --suite FILE`, or promote without one with --skip-eval --reason '…' (journaled)")
    }

    private static let columns = "id, created_at, actor, report"

    private static func storedReport(_ row: Row, of ref: BundleRef) throws -> StoredEvalReport {
        let text: String = row["report"]
        guard let report = try? JSONValue(parsing: text.utf8).decode(as: EvalReport.self) else {
            throw SwitchyardError.failure("evaluation report #\(row["id"] as Int) of \(ref) is unreadable", hint: "run `switchyard audit verify`")
        }
        return StoredEvalReport(id: row["id"], time: row["created_at"], actor: row["actor"], report: report)
    }
}
