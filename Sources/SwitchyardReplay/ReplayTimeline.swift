import Foundation
import Synchronization
import SwitchyardConsole
import SwitchyardCore
import SwitchyardStore

/// A past journal as the console shows it: a cursor over its entries that the operator steps, jumps and
/// plays, and the snapshot of every panel as of the cursor, rebuilt from the journal alone (routing
/// generations, rollout, drain and freeze entries, and the periodic telemetry snapshots for service levels).
final class ReplayConsole: Sendable {
    /// Where the cursor is and how it moves.
    struct Cursor {
        var index: Int
        var playing = false
        var speed = 10.0
        var lastTick = ContinuousClock.now
    }

    let directory: String
    let entries: [JournalEntry]
    let snapshots: [(seq: Int, time: Date, snapshot: TelemetrySnapshot)]
    let routing: [(journalSeq: Int, table: RoutingTable)]
    let registry: [ConsoleSnapshot.RegistryEntry]
    private let cursor: Mutex<Cursor>

    init(store: SwitchyardStore, from: String?, to: String?) throws {
        directory = store.directory
        let all = try store.journal(JournalFilter(since: from)).filter { to == nil || $0.time <= to! }
        guard !all.isEmpty else { throw SwitchyardError.failure("the journal has no entries in that span") }
        entries = all.filter { $0.kind != TelemetrySnapshot.kind }
        snapshots = all.compactMap { entry in
            guard entry.kind == TelemetrySnapshot.kind, let time = Timestamp.parse(entry.time),
                  let snapshot = try? entry.payload.decode(as: TelemetrySnapshot.self) else { return nil }
            return (entry.seq, time, snapshot)
        }
        routing = try store.routingHistory()
        registry = try store.bundles().map { record in
            .init(name: record.ref.description, stage: record.stage.rawValue, digest: Digest.short(record.digest), warm: false,
                  signedOff: record.lastSignOff.map { "\($0.actor) \($0.time.prefix(10))" },
                  fields: (try? FieldDiff.flatten(JSONValue(encoding: record.bundle)).mapValues(\.canonicalText)) ?? [:])
        }
        cursor = Mutex(Cursor(index: 0))
    }

    /// Decisions Shift-←/→ jump between: anything automatic, and every rollout, rollback and freeze.
    static func isDecision(_ entry: JournalEntry) -> Bool {
        entry.actor.hasPrefix("auto:") || ["rollout.", "rollback.", "freeze.", "drill.step"].contains { entry.kind.hasPrefix($0) }
    }

    /// Moves the cursor; returns the status line.
    func apply(_ control: ReplayControl) throws -> String {
        try cursor.withLock { cursor in
            switch control {
            case .toggle:
                cursor.playing.toggle()
                cursor.lastTick = .now
            case .step(let delta):
                cursor.index = min(max(cursor.index + delta, 0), entries.count - 1)
            case .jump(let direction):
                let indices = direction > 0 ? Array(entries.indices.dropFirst(cursor.index + 1)) : Array(entries.indices.prefix(cursor.index).reversed())
                if let next = indices.first(where: { Self.isDecision(entries[$0]) }) { cursor.index = next }
            case .faster: cursor.speed = min(cursor.speed * 10, 1000)
            case .slower: cursor.speed = max(cursor.speed / 10, 1)
            case .goTo(let text):
                let target = try Self.time(text, near: entries[cursor.index].time)
                cursor.index = entries.lastIndex { $0.time <= target } ?? 0
            }
            return describe(cursor)
        }
    }

    /// Every panel as of the cursor, after moving it on when playing.
    func snapshot() -> ConsoleSnapshot {
        let index = cursor.withLock { cursor -> Int in
            if cursor.playing {
                let now = ContinuousClock.now
                let elapsed = now - cursor.lastTick
                cursor.lastTick = now
                let seconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * cursor.speed
                if let time = Timestamp.parse(entries[cursor.index].time) {
                    let target = Timestamp.format(time + seconds)
                    cursor.index = max(cursor.index, entries.lastIndex { $0.time <= target } ?? cursor.index)
                }
                if cursor.index == entries.count - 1 { cursor.playing = false }
            }
            return cursor.index
        }
        return ReplaySnapshot(console: self, index: index).build()
    }

    private func describe(_ cursor: Cursor) -> String {
        let entry = entries[cursor.index]
        return "\(cursor.playing ? "playing" : "paused") \(Int(cursor.speed))× · entry \(cursor.index + 1)/\(entries.count) · #\(entry.seq) \(entry.kind) at \(entry.time)"
    }

    /// `HH:MM`, `HH:MM:SS` (on the cursor's day) or a full ISO 8601 time, as the journal writes times.
    static func time(_ text: String, near reference: String) throws -> String {
        if Timestamp.parse(text) != nil { return text }
        let parts = text.split(separator: ":")
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 && Int($0) != nil }) else {
            throw SwitchyardError.usage("'\(text)' is not a time", hint: "valid: HH:MM, HH:MM:SS, or 2026-11-22T03:14:07Z")
        }
        return String(reference.prefix(11)) + parts.joined(separator: ":") + (parts.count == 2 ? ":59.999Z" : ".999Z")
    }
}
