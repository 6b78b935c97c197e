import Foundation
import SwitchyardConsole
import SwitchyardCore

/// The console's panels as of one journal entry, from the journal alone.
struct ReplaySnapshot {
    let console: ReplayConsole
    let index: Int

    func build() -> ConsoleSnapshot {
        let cursor = console.entries[index]
        let now = Timestamp.parse(cursor.time) ?? Date()
        let visible = Array(console.entries.prefix(index + 1))
        let table = console.routing.last { $0.journalSeq <= cursor.seq }?.table ?? RoutingTable()
        var snapshot = ConsoleSnapshot(mode: .replay, stateDirectory: console.directory, generation: table.generation, now: now)
        snapshot.bundles = bundleRows(table: table, upTo: cursor.seq)
        snapshot.routes = ConsoleSnapshotReader.routes(table)
        snapshot.rollout = rollout(visible, now: now)
        snapshot.drain = drain(visible)
        snapshot.freeze = freeze(visible, now: now)
        snapshot.breaker = breaker(visible)
        snapshot.rollbacks = RollbackHistory.rows(from: visible.filter { $0.kind.hasPrefix("rollback.") },
                                                  rollouts: visible.filter { $0.kind == "rollout.start" })
        snapshot.events = visible.suffix(200).reversed().map { entry in
            .init(sequence: entry.seq, time: Timestamp.parse(entry.time) ?? now, actor: entry.actor, kind: entry.kind, subject: entry.subject,
                  reason: entry.reason)
        }
        snapshot.registry = console.registry
        return snapshot
    }

    /// Service levels from the telemetry snapshots up to the cursor; the last minute of them for the sparkline.
    private func bundleRows(table: RoutingTable, upTo seq: Int) -> [ConsoleSnapshot.BundleRow] {
        let recent = console.snapshots.filter { $0.seq <= seq }.suffix(12)
        guard let latest = recent.last?.snapshot else {
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
                warm: counters.requests > 0, requestsPerSecondSeries: recent.map { Double($0.snapshot.bundles[name]?.requests ?? 0) / interval },
                burnRate: counters.errorRate / 0.001)
        }
    }

    private func stage(_ ref: BundleRef) -> String { console.registry.first { $0.name == ref.description }?.stage ?? "?" }

    private func weight(_ ref: BundleRef, _ table: RoutingTable) -> Int {
        table.routes[RoutingTable.defaultTenant]?.weights.first { $0.bundle == ref }?.basisPoints ?? 0
    }

    private func rollout(_ visible: [JournalEntry], now: Date) -> ConsoleSnapshot.Rollout? {
        guard let last = visible.last(where: { $0.kind.hasPrefix("rollout.") }),
              let start = visible.last(where: { $0.kind == "rollout.start" && $0.seq <= last.seq }) else { return nil }
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
        let rolledBack = visible.last { $0.kind == "rollback.start" && $0.seq > last.seq && $0.payload["rollout_aborted"] == .string(text(start, "canary")) }
        return .init(canary: text(start, "canary"), baseline: text(start, "baseline"), steps: steps, currentStep: step,
                     status: rolledBack.map { "aborted (rolled back by \($0.actor))" } ?? text(last, "status"),
                     secondsInStep: since, nextGate: "replay: \(last.kind) by \(last.actor)")
    }

    private func drain(_ visible: [JournalEntry]) -> ConsoleSnapshot.Drain? {
        guard let last = visible.last(where: { $0.kind.hasPrefix("rollback.") }), case .string(let status)? = last.payload["status"],
              status != "completed", case .string(let from)? = last.payload["from"], case .string(let to)? = last.payload["to"] else { return nil }
        var remaining = fullWeight
        if case .int(let value)? = last.payload["remaining_basis_points"] { remaining = value }
        return .init(from: from, to: to, remainingBasisPoints: [remaining], currentStage: 0, status: status)
    }

    private func freeze(_ visible: [JournalEntry], now: Date) -> ConsoleSnapshot.FreezeBanner? {
        var active: [String: ConsoleSnapshot.FreezeBanner] = [:]
        for entry in visible where entry.kind.hasPrefix("freeze.") {
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

    private func breaker(_ visible: [JournalEntry]) -> ConsoleSnapshot.Breaker {
        let tripped = visible.last { $0.kind == "rollback.start" && $0.reason.contains("circuit breaker open") }
        let reset = visible.last { $0.kind == "automation.breaker-reset" }
        let automatic = visible.filter { $0.actor == "auto:tier0" && $0.kind == "rollback.start" && $0.seq > (reset?.seq ?? 0) }.count
        return .init(open: tripped.map { $0.seq > (reset?.seq ?? 0) } ?? false, consecutive: automatic)
    }
}
