import Foundation
import GRDB
import SwitchyardCore

/// A committed routing generation and when it was committed.
public struct RoutingGeneration: Sendable, Codable {
    public var table: RoutingTable
    public var committedAt: String?

    enum CodingKeys: String, CodingKey {
        case table
        case committedAt = "committed_at"
    }
}

extension SwitchyardStore {
    /// The routing generation in force (generation 0, empty, before the first `route set`).
    public func routing() throws -> RoutingGeneration {
        try read { db in
            try Self.currentGeneration(in: db)
        }
    }

    /// Every committed generation with the journal entry that committed it, oldest first: routing as of any
    /// point of the journal, for replay.
    public func routingHistory() throws -> [(journalSeq: Int, table: RoutingTable)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT routing, journal_seq FROM routing_generations ORDER BY generation").compactMap { row in
                guard let table = try? JSONValue(parsing: row["routing"] as String).decode(as: RoutingTable.self) else { return nil }
                return (row["journal_seq"], table)
            }
        }
    }

    /// Commits a new generation with `tenant`'s route replaced (removed when nil), after checking that every
    /// bundle it names is registered, not archived, and has a pool. While a freeze covers it, a bundle that has
    /// never served is refused unless `overrideFreeze`: a freeze keeps the prompt-cache namespaces in service.
    @discardableResult
    public func setRoute(tenant: String, route: TenantRoute?, inFlightPolicy: InFlightPolicy? = nil, actor: String, reason: String,
                         overrideFreeze: Bool = false) throws -> RoutingTable {
        try route?.validate()
        return try write { db, time in
            let current = try Self.currentRouting(in: db)
            if route == nil && current.routes[tenant] == nil {
                throw SwitchyardError.failure("tenant '\(tenant)' has no route of its own to remove")
            }
            let overridden = try Self.checkNewNamespaces(route?.bundles ?? [], tenant: tenant, at: Timestamp.parse(time)!,
                                                         overrideReason: overrideFreeze ? reason : nil, in: db)
            let next = current.replacing(tenant: tenant, with: route, inFlightPolicy: inFlightPolicy)
            var payload: [String: JSONValue] = ["generation": .int(next.generation), "tenant": .string(tenant)]
            if !overridden.isEmpty { payload["freeze_overridden"] = .array(overridden.map(FreezeGuard.overrideNote)) }
            payload["in_flight_policy"] = .string((inFlightPolicy ?? .finish).rawValue)
            payload["route"] = try route.map { try JSONValue(encoding: $0) } ?? .null
            payload["previous"] = try current.routes[tenant].map { try JSONValue(encoding: $0) } ?? .null
            try Self.commit(next, checking: route?.bundles ?? [], draft: JournalDraft(
                actor: actor, kind: JournalKind.routeSet, subject: "tenant:\(tenant)", reason: reason, payload: .object(payload)),
                time: time, in: db)
            return next
        }
    }

    /// Under a freeze, refuses to route a bundle that no generation has ever routed (its cache namespace would be
    /// new); returns the freezes overridden. Bundles that served before (a rollback target) are always allowed.
    static func checkNewNamespaces(_ refs: [BundleRef], tenant: String, at now: Date, overrideReason: String?, in db: Database) throws -> [Freeze] {
        let freezes = try activeFreezes(at: now, in: db).map(\.freeze)
        guard !freezes.isEmpty, !refs.isEmpty else { return [] }
        var overridden: [Freeze] = []
        for ref in Set(refs).sorted() where try !hasServed(ref, in: db) {
            let action = GuardedAction.routeNewBundle(bundleName: ref.name, tenant: tenant == RoutingTable.defaultTenant ? nil : tenant)
            guard let freeze = FreezeGuard.blocking(action, freezes: freezes, at: now) else { continue }
            guard overrideReason != nil else {
                throw SwitchyardError.refused(
                    "\(ref) has never served, and \(FreezeGuard.describe(freeze))",
                    hint: "a freeze keeps the bundles in service (and their prompt caches) as they are: route to a bundle that has served "
                        + "before, or pass --override-freeze --reason \"…\" (journaled as an override)")
            }
            if !overridden.contains(freeze) { overridden.append(freeze) }
        }
        return overridden
    }

    /// Whether any generation ever routed `ref` (live or shadow), read from the stored canonical text without
    /// decoding every generation.
    static func hasServed(_ ref: BundleRef, in db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM routing_generations WHERE instr(routing, ?) > 0)",
                          arguments: [try JSONValue(encoding: ref).canonicalText]) ?? false
    }

    /// Checks that the bundles a change routes to can serve (registered, not archived, deployed), then commits
    /// `table` as a generation with its journal entry. Routes the change did not touch are not re-checked, so a
    /// stale route elsewhere never blocks a rollback.
    @discardableResult
    static func commit(_ table: RoutingTable, checking refs: [BundleRef], draft: JournalDraft, time: String, in db: Database) throws -> JournalEntry {
        for ref in Set(refs).sorted() {
            let record = try requireBundle(ref, in: db)
            if record.stage == .archived {
                throw SwitchyardError.refused("\(ref) is archived and cannot receive traffic",
                                              hint: "route to a bundle in candidate, staging or production")
            }
            if try poolRecord(ref, in: db) == nil {
                throw SwitchyardError.refused("\(ref) has no pool, so nothing could serve its traffic",
                                              hint: "deploy it first: switchyard pool set \(ref) --endpoint URL --replicas N --max-concurrency C --reason …")
            }
        }
        let entry = try append(draft, time: time, in: db)
        try db.execute(sql: "INSERT INTO routing_generations (generation, routing, committed_at, journal_seq) VALUES (?, ?, ?, ?)",
                       arguments: [table.generation, try JSONValue(encoding: table).canonicalText, time, entry.seq])
        return entry
    }

    static func currentRouting(in db: Database) throws -> RoutingTable { try currentGeneration(in: db).table }

    /// The newest generation row; generation 0, empty, before the first.
    static func currentGeneration(in db: Database) throws -> RoutingGeneration {
        guard let row = try Row.fetchOne(db, sql: "SELECT routing, committed_at FROM routing_generations ORDER BY generation DESC LIMIT 1") else {
            return RoutingGeneration(table: RoutingTable(), committedAt: nil)
        }
        guard let table = try? JSONValue(parsing: row["routing"] as String).decode(as: RoutingTable.self) else {
            throw SwitchyardError.failure("the current routing generation is unreadable", hint: "run `switchyard audit verify`")
        }
        return RoutingGeneration(table: table, committedAt: row["committed_at"])
    }
}
