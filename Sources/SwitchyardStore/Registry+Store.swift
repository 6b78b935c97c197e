import GRDB
import SwitchyardCore

/// A registered bundle with its registry state.
public struct BundleRecord: Sendable, Codable {
    public var bundle: ReleaseBundle
    public var digest: String
    public var stage: Stage
    public var floating: Bool
    public var registeredAt: String
    public var registeredBy: String
    public var signOffs: [SignOff]

    public var ref: BundleRef { bundle.ref }
    /// The newest human sign-off, if any.
    public var lastSignOff: SignOff? { signOffs.last }

    enum CodingKeys: String, CodingKey {
        case bundle, digest, stage, floating
        case registeredAt = "registered_at"
        case registeredBy = "registered_by"
        case signOffs = "sign_offs"
    }
}

/// A human's recorded validation of a bundle.
public struct SignOff: Sendable, Codable, Hashable {
    public var actor: String
    public var reason: String
    public var time: String
}

/// What `addBundle` did.
public enum AddOutcome: Sendable {
    case added(BundleRecord)
    /// The same name, version and content were already registered.
    case unchanged(BundleRecord)
}

/// A registry row that does not match what was registered.
public struct RegistryProblem: Sendable, Codable, Hashable {
    public var subject: String
    public var message: String
}

extension SwitchyardStore {
    /// A bundle to register with its system prompt text and whether it was allowed to float.
    public struct Registration: Sendable {
        public var bundle: ReleaseBundle
        public var promptText: String?
        public var floating: Bool
        /// For a derived bundle: the journal's reason, and what it was composed from (`derived_from`, `taken`).
        public var origin: (reason: String, payload: [String: JSONValue])?

        public init(bundle: ReleaseBundle, promptText: String?, floating: Bool, origin: (reason: String, payload: [String: JSONValue])? = nil) {
            self.bundle = bundle
            self.promptText = promptText
            self.floating = floating
            self.origin = origin
        }
    }

    /// Registers bundles in one transaction: all of them or none. A bundle whose name, version and content are
    /// already registered is left as it is; different content under an existing name and version is refused
    /// with the fields that differ.
    public func addBundles(_ registrations: [Registration], actor: String) throws -> [AddOutcome] {
        try write { db, time in
            try registrations.map { try Self.add($0, actor: actor, time: time, in: db) }
        }
    }

    private static func add(_ registration: Registration, actor: String, time: String, in db: Database) throws -> AddOutcome {
        let bundle = registration.bundle
        let manifest = bundle.canonicalJSON()
        let digest = Digest.of(manifest)
        if let existing = try bundleRecord(bundle.ref, in: db) {
            guard existing.digest == digest else {
                let changes = FieldDiff.changes(from: existing.bundle.canonicalJSON(), to: manifest)
                throw SwitchyardError.refused(
                    "\(bundle.ref) is already registered with different content; bundles are immutable.\n"
                        + "Fields that differ (registered → this file):\n"
                        + changes.map { "  " + $0.summary }.joined(separator: "\n"),
                    hint: "give the changed bundle a new version (for example \(bundle.name)@\(bundle.version)-1) and register that; nothing was registered")
            }
            return .unchanged(existing)
        }
        if let text = registration.promptText {
            try db.execute(sql: "INSERT OR IGNORE INTO prompts (digest, text) VALUES (?, ?)", arguments: [Digest.sha256(text), text])
        }
        try db.execute(
            sql: """
                INSERT INTO bundles (name, version, digest, manifest, stage, floating, registered_at, registered_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [bundle.name, bundle.version, digest, manifest.canonicalText, Stage.candidate.rawValue,
                        registration.floating, time, actor])
        var payload: [String: JSONValue] = [
            "digest": .string(digest),
            "floating": .bool(registration.floating),
            "model": .string("\(bundle.model.id)@\(bundle.model.revision ?? "(floating)")"),
        ]
        payload.merge(registration.origin?.payload ?? [:]) { $1 }
        let reason = registration.origin?.reason ?? (registration.floating ? "registered with a floating reference (--allow-floating)" : "registered")
        try append(JournalDraft(actor: actor, kind: JournalKind.bundleAdded, subject: bundle.ref.description,
                                reason: reason, payload: .object(payload)), time: time, in: db)
        return .added(try bundleRecord(bundle.ref, in: db)!)
    }

    /// One bundle, or nil when it is not registered.
    public func bundle(_ ref: BundleRef) throws -> BundleRecord? {
        try read { db in try Self.bundleRecord(ref, in: db) }
    }

    /// One bundle, or an error that lists what is registered under that name.
    public func requireBundle(_ ref: BundleRef) throws -> BundleRecord {
        try read { db in try Self.requireBundle(ref, in: db) }
    }

    /// Every bundle, by name then registration order.
    public func bundles() throws -> [BundleRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM bundles ORDER BY name, registered_at, version")
                .map { try Self.record(from: $0, in: db) }
        }
    }

    /// The text of a system prompt by its digest.
    public func promptText(digest: String) throws -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT text FROM prompts WHERE digest = ?", arguments: [digest]) }
    }

    /// Moves a bundle to another stage, within the stage rules and the freezes in force; production also needs a
    /// passing evaluation report unless `skipEvaluation`. Overrides are journaled as such, with the reason.
    @discardableResult
    public func setStage(_ ref: BundleRef, to stage: Stage, actor: String, reason: String, overrideFreeze: Bool = false,
                         skipEvaluation: Bool = false) throws -> BundleRecord {
        try write { db, time in
            let record = try Self.requireBundle(ref, in: db)
            try record.stage.checkTransition(to: stage, of: ref)
            let now = Timestamp.parse(time)!
            let overridden = try FreezeGuard.check(.stageChange(bundleName: ref.name, to: stage),
                                                   freezes: try Self.activeFreezes(at: now, in: db).map(\.freeze), at: now,
                                                   overrideReason: overrideFreeze ? reason : nil)
            try db.execute(sql: "UPDATE bundles SET stage = ? WHERE name = ? AND version = ?",
                           arguments: [stage.rawValue, ref.name, ref.version])
            var payload: [String: JSONValue] = ["from": .string(record.stage.rawValue), "to": .string(stage.rawValue)]
            payload["freeze_overridden"] = overridden.map(FreezeGuard.overrideNote)
            if stage == .production {
                payload["evaluation"] = try Self.evaluationGate(ref, skipReason: skipEvaluation ? reason : nil, in: db)
            }
            try Self.append(JournalDraft(actor: actor, kind: JournalKind.bundleStage, subject: ref.description, reason: reason,
                                         payload: .object(payload)), time: time, in: db)
            return try Self.requireBundle(ref, in: db)
        }
    }

    /// Records a human's validation of a bundle.
    @discardableResult
    public func signOff(_ ref: BundleRef, actor: String, reason: String) throws -> BundleRecord {
        try write { db, time in
            let record = try Self.requireBundle(ref, in: db)
            guard record.stage != .archived else {
                throw SwitchyardError.refused("\(ref) is archived; an archived bundle cannot be signed off")
            }
            try db.execute(sql: "INSERT INTO signoffs (name, version, actor, reason, signed_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [ref.name, ref.version, actor, reason, time])
            try Self.append(JournalDraft(actor: actor, kind: JournalKind.bundleValidated, subject: ref.description,
                                         reason: reason, payload: ["digest": .string(record.digest)]), time: time, in: db)
            return try Self.requireBundle(ref, in: db)
        }
    }

    /// Archives superseded bundles: for each name, the versions registered before its newest production version,
    /// except the last `keepValidated` signed-off versions and anything the routing table still uses.
    /// With `dryRun`, reports what it would archive and changes nothing.
    public func prune(keepValidated: Int, actor: String, reason: String, dryRun: Bool) throws -> [BundleRef] {
        let plan: (Database) throws -> [BundleRef] = { db in
            let records = try Row.fetchAll(db, sql: "SELECT * FROM bundles ORDER BY registered_at, version")
                .map { try Self.record(from: $0, in: db) }
            let routed = try Self.currentRouting(in: db).referencedBundles
            return RetentionPolicy(keepValidated: keepValidated).toArchive(records.map(\.retentionView), routed: routed)
        }
        if dryRun { return try read(plan) }
        return try write { db, time in
            let refs = try plan(db)
            for ref in refs {
                try db.execute(sql: "UPDATE bundles SET stage = 'archived' WHERE name = ? AND version = ?",
                               arguments: [ref.name, ref.version])
                try Self.append(JournalDraft(actor: actor, kind: JournalKind.bundleArchived, subject: ref.description,
                                             reason: reason, payload: ["keep_validated": .int(keepValidated)]),
                                time: time, in: db)
            }
            return refs
        }
    }

    /// Recomputes every digest and compares it with the stored one and the one journaled at registration.
    public func verifyRegistry() throws -> (checked: Int, problems: [RegistryProblem]) {
        try read { db in
            var problems: [RegistryProblem] = []
            var journaled: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT subject, payload FROM journal WHERE kind = ?", arguments: [JournalKind.bundleAdded]) {
                if let payload = try? JSONValue(parsing: row["payload"]), case .string(let digest)? = payload["digest"] {
                    journaled[row["subject"]] = digest
                }
            }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM bundles ORDER BY name, version")
            for row in rows {
                let subject = "\(row["name"] as String)@\(row["version"] as String)"
                let stored: String = row["digest"]
                let manifest: String = row["manifest"]
                let recomputed = Digest.sha256(manifest)
                if recomputed != stored {
                    problems.append(.init(subject: subject, message: "manifest was changed after registration: it hashes to \(Digest.short(recomputed)), the registry says \(Digest.short(stored))"))
                } else if let original = journaled[subject], original != stored {
                    problems.append(.init(subject: subject, message: "digest \(Digest.short(stored)) differs from the one journaled at registration (\(Digest.short(original))): the row was replaced"))
                } else if journaled[subject] == nil {
                    problems.append(.init(subject: subject, message: "has no registration entry in the journal"))
                }
                guard let bundle = try? JSONValue(parsing: manifest).decode(as: ReleaseBundle.self) else {
                    problems.append(.init(subject: subject, message: "manifest is not a readable bundle"))
                    continue
                }
                if bundle.ref.description != subject {
                    problems.append(.init(subject: subject, message: "manifest names \(bundle.ref), not \(subject)"))
                }
                if let prompt = bundle.systemPrompt {
                    let text = try String.fetchOne(db, sql: "SELECT text FROM prompts WHERE digest = ?", arguments: [prompt.digest])
                    if text == nil {
                        problems.append(.init(subject: subject, message: "system prompt \(Digest.short(prompt.digest)) is missing from the prompt store"))
                    } else if Digest.sha256(text!) != prompt.digest {
                        problems.append(.init(subject: subject, message: "system prompt text was changed: it no longer hashes to \(Digest.short(prompt.digest))"))
                    }
                }
            }
            return (rows.count, problems)
        }
    }

    static func bundleRecord(_ ref: BundleRef, in db: Database) throws -> BundleRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM bundles WHERE name = ? AND version = ?", arguments: [ref.name, ref.version])
            .map { try record(from: $0, in: db) }
    }

    static func requireBundle(_ ref: BundleRef, in db: Database) throws -> BundleRecord {
        if let record = try bundleRecord(ref, in: db) { return record }
        let versions = try String.fetchAll(db, sql: "SELECT version FROM bundles WHERE name = ? ORDER BY registered_at", arguments: [ref.name])
        let hint = versions.isEmpty
            ? "no bundle named '\(ref.name)' is registered; `switchyard registry list` shows what is"
            : "registered versions of \(ref.name): \(versions.joined(separator: ", "))"
        throw SwitchyardError.failure("\(ref) is not registered", hint: hint)
    }

    static func record(from row: Row, in db: Database) throws -> BundleRecord {
        let manifest: String = row["manifest"]
        let subject = "\(row["name"] as String)@\(row["version"] as String)"
        guard let bundle = try? JSONValue(parsing: manifest).decode(as: ReleaseBundle.self) else {
            throw SwitchyardError.failure("the registry row for \(subject) is unreadable", hint: "run `switchyard registry verify`")
        }
        let signOffs = try Row.fetchAll(
            db, sql: "SELECT actor, reason, signed_at FROM signoffs WHERE name = ? AND version = ? ORDER BY id",
            arguments: [row["name"] as String, row["version"] as String]
        ).map { SignOff(actor: $0["actor"], reason: $0["reason"], time: $0["signed_at"]) }
        return BundleRecord(
            bundle: bundle, digest: row["digest"], stage: Stage(rawValue: row["stage"]) ?? .candidate,
            floating: row["floating"], registeredAt: row["registered_at"], registeredBy: row["registered_by"],
            signOffs: signOffs)
    }
}

extension BundleRecord {
    var retentionView: RetentionPolicy.Version {
        .init(ref: ref, stage: stage, lastSignOff: lastSignOff?.time)
    }
}
