import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardStore

/// The console's panels as of one journal entry, from the journal alone: a handful of indexed queries for
/// the routing generation, the last telemetry snapshots and the rollout, rollback and freeze entries before it.
struct ReplaySnapshot {
    let store: SwitchyardStore
    let seq: Int
    let directory: String
    let registry: [ConsoleSnapshot.RegistryEntry]

    func build() throws -> ConsoleSnapshot {
        guard let cursor = try store.journalEntry(seq: seq) else { throw SwitchyardError.failure("journal entry #\(seq) is missing") }
        let now = Timestamp.parse(cursor.time) ?? Date()
        let table = try store.routing(asOfJournalSeq: seq)
        let rollbacks = try store.journal(upTo: seq, families: ["rollback"], limit: RollbackHistory.entriesRead)
        var snapshot = ConsoleSnapshot(mode: .replay, stateDirectory: directory, generation: table.generation, now: now)
        snapshot.bundles = bundleRows(table: table, recent: try store.journal(upTo: seq, families: [TelemetrySnapshot.kind], limit: 12).compactMap {
            try? $0.payload.decode(as: TelemetrySnapshot.self)
        })
        snapshot.routes = ConsoleSnapshot.TenantRoute.rows(of: table)
        snapshot.rollout = try rollout(rollbacks: rollbacks, now: now)
        snapshot.drain = drain(rollbacks.last)
        snapshot.freeze = freeze(try store.journal(upTo: seq, families: ["freeze"], limit: RollbackHistory.entriesRead), now: now)
        snapshot.breaker = try breaker(rollbacks)
        snapshot.rollbacks = RollbackHistory.rows(from: rollbacks, rollouts: try store.journal(upTo: seq, families: ["rollout.start"],
                                                                                                limit: RollbackHistory.entriesRead))
        snapshot.events = try store.recentEvents(upTo: seq, limit: 200).reversed().map { entry in
            .init(sequence: entry.seq, time: Timestamp.parse(entry.time) ?? now, actor: entry.actor, kind: entry.kind, subject: entry.subject,
                  reason: entry.reason)
        }
        snapshot.registry = registry
        snapshot.prompt = ConsoleSnapshot.DrillPrompt.open(prompts: try store.journal(upTo: seq, families: ["drill.prompt"], limit: 1),
                                                           closings: try store.journal(upTo: seq, families: ["drill.answer", "drill.unanswered"], limit: 8))
        return snapshot
    }

    /// Service levels from the telemetry snapshots up to the cursor; the last minute of them for the sparkline.
    private func bundleRows(table: RoutingTable, recent: [TelemetrySnapshot]) -> [ConsoleSnapshot.BundleRow] {
        guard let latest = recent.last else {
            return table.referencedBundles.sorted().map { ref in
                .init(name: ref.description, stage: stage(ref), desiredBasisPoints: weight(ref, table), observedShare: 0)
            }
        }
        let interval = Double(latest.intervalSeconds)
        let total = latest.bundles.values.map(\.requests).reduce(0, +)
        let names = Set(table.referencedBundles.map(\.description)).union(latest.bundles.keys).sorted()
        return names.map { name in
            let ref = (try? BundleRef(parsing: name)) ?? BundleRef(name: name, version: "?")
            let figures = latest.bundles[name]
            let counters = figures?.counters ?? TelemetryCounters()
            return .init(
                name: name, stage: stage(ref), desiredBasisPoints: weight(ref, table),
                observedShare: total > 0 ? Double(counters.requests) / Double(total) : 0, requestsPerSecond: Double(counters.requests) / interval,
                errorPercent: counters.errorRate * 100,
                p50Milliseconds: counters.requests > 0 ? Double(counters.latencyMicrosSum) / Double(counters.requests) / 1000 : nil,
                schemaFailurePercent: counters.contractChecked > 0 ? Double(counters.contractFailed) / Double(counters.contractChecked) * 100 : 0,
                refusalPercent: counters.requests > 0 ? Double(counters.refusals) / Double(counters.requests) * 100 : 0,
                warm: counters.requests > 0, requestsPerSecondSeries: recent.map { Double($0.bundles[name]?.requests ?? 0) / interval },
                burnRate: counters.errorRate / 0.001)
        }
    }

    private func stage(_ ref: BundleRef) -> String { registry.first { $0.name == ref.description }?.stage ?? "?" }

    private func weight(_ ref: BundleRef, _ table: RoutingTable) -> Int {
        table.routes[RoutingTable.defaultTenant]?.weights.first { $0.bundle == ref }?.basisPoints ?? 0
    }

    private func rollout(rollbacks: [JournalEntry], now: Date) throws -> ConsoleSnapshot.Rollout? {
        guard let last = try store.journal(upTo: seq, families: ["rollout"], limit: 1).last,
              let start = try store.journal(upTo: seq, families: ["rollout.start"], limit: 1).last else { return nil }
        let text = { (entry: JournalEntry, key: String) -> String in
            if case .string(let value)? = entry.payload[key] { return value }
            return ""
        }
        var steps: [String] = []
        if case .array(let plan)? = start.payload["plan"] { steps = plan.compactMap { if case .string(let step) = $0 { return step } else { return nil } } }
        var step = 0
        if case .int(let value)? = last.payload["step"] { step = value }
        let since = Timestamp.parse(last.time).map { Int(now.timeIntervalSince($0)) } ?? 0
        // A rollback of every tenant aborts the rollout inside its own entry.
        let rolledBack = rollbacks.last { $0.kind == "rollback.start" && $0.seq > last.seq && $0.payload["rollout_aborted"] == .string(text(start, "canary")) }
        return .init(canary: text(start, "canary"), baseline: text(start, "baseline"), steps: steps, currentStep: step,
                     status: rolledBack.map { "aborted (rolled back by \($0.actor))" } ?? text(last, "status"),
                     secondsInStep: since, nextGate: "replay: \(last.kind) by \(last.actor)")
    }

    private func drain(_ last: JournalEntry?) -> ConsoleSnapshot.Drain? {
        guard let last, case .string(let status)? = last.payload["status"],
              status != "completed", case .string(let from)? = last.payload["from"], case .string(let to)? = last.payload["to"] else { return nil }
        var remaining = fullWeight
        if case .int(let value)? = last.payload["remaining_basis_points"] { remaining = value }
        return .init(from: from, to: to, remainingBasisPoints: [remaining], currentStage: 0, status: status)
    }

    private func freeze(_ entries: [JournalEntry], now: Date) -> ConsoleSnapshot.FreezeBanner? {
        var active: [String: ConsoleSnapshot.FreezeBanner] = [:]
        for entry in entries {
            let scope = String(entry.subject.dropFirst("freeze:".count))
            if entry.kind == "freeze.declared" {
                var expires: Date?
                if case .string(let text)? = entry.payload["expires"] { expires = Timestamp.parse(text) }
                active[scope] = .init(scope: scope, reason: entry.reason, actor: entry.actor, expires: expires)
            } else {
                active[scope] = nil
            }
        }
        return active.values.filter { $0.expires.map { $0 > now } ?? true }.sorted { $0.scope < $1.scope }.first
    }

    private func breaker(_ rollbacks: [JournalEntry]) throws -> ConsoleSnapshot.Breaker {
        let tripped = rollbacks.last { $0.kind == "rollback.start" && $0.reason.contains("circuit breaker open") }
        let reset = try store.journal(upTo: seq, families: ["automation.breaker-reset"], limit: 1).last
        let automatic = rollbacks.filter { $0.actor == "auto:tier0" && $0.kind == "rollback.start" && $0.seq > (reset?.seq ?? 0) }.count
        return .init(open: tripped.map { $0.seq > (reset?.seq ?? 0) } ?? false, consecutive: automatic)
    }
}
