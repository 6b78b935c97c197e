import GRDB
import SwitchyardCore

/// A pool as stored, with who changed it last.
public struct PoolRecord: Sendable, Codable {
    public var spec: PoolSpec
    public var updatedAt: String
    public var updatedBy: String

    enum CodingKeys: String, CodingKey {
        case spec
        case updatedAt = "updated_at"
        case updatedBy = "updated_by"
    }
}

extension SwitchyardStore {
    /// Creates or replaces a bundle's pool; the journal entry holds the old and new settings.
    @discardableResult
    public func setPool(_ spec: PoolSpec, actor: String, reason: String) throws -> PoolRecord {
        if let problem = spec.problems().first {
            throw SwitchyardError.usage("pool of \(spec.bundle): \(problem.field): \(problem.message)",
                                        hint: "nothing was changed; `switchyard pool set --help` describes each setting")
        }
        return try write { db, time in
            let record = try Self.requireBundle(spec.bundle, in: db)
            guard record.stage != .archived else {
                throw SwitchyardError.refused("\(spec.bundle) is archived; it cannot be deployed")
            }
            let existing = try Self.poolRecord(spec.bundle, in: db)
            if let existing, existing.spec == spec { return existing }
            let previous = existing?.spec
            try db.execute(
                sql: """
                    INSERT INTO pools (name, version, spec, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name, version) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                    """,
                arguments: [spec.bundle.name, spec.bundle.version, try JSONValue(encoding: spec).canonicalText, time, actor])
            let payload: JSONValue = [
                "before": try previous.map { try JSONValue(encoding: $0) } ?? .null,
                "after": try JSONValue(encoding: spec),
            ]
            try Self.append(JournalDraft(actor: actor, kind: JournalKind.poolSet, subject: spec.bundle.description,
                                         reason: reason, payload: payload), time: time, in: db)
            return try Self.poolRecord(spec.bundle, in: db)!
        }
    }

    public func pool(_ ref: BundleRef) throws -> PoolRecord? {
        try read { db in try Self.poolRecord(ref, in: db) }
    }

    public func pools() throws -> [PoolRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM pools ORDER BY name, version").compactMap(Self.poolRecord(from:))
        }
    }


    static func poolRecord(_ ref: BundleRef, in db: Database) throws -> PoolRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM pools WHERE name = ? AND version = ?", arguments: [ref.name, ref.version])
            .flatMap(poolRecord(from:))
    }

    static func poolRecord(from row: Row) -> PoolRecord? {
        guard let spec = try? JSONValue(parsing: row["spec"]).decode(as: PoolSpec.self) else { return nil }
        return PoolRecord(spec: spec, updatedAt: row["updated_at"], updatedBy: row["updated_by"])
    }
}
