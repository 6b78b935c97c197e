import Foundation
import Synchronization
import SwitchyardConsole
import SwitchyardCore
import SwitchyardStore

/// A past journal as the replay console shows it: a cursor that the reviewer steps, jumps and plays, and every
/// panel as of the cursor. Nothing is loaded up front: each move and each frame asks the store's indexes for
/// the few entries it needs, so a journal of a million entries opens and seeks as fast as a small one.
public final class ReplayTimeline: Sendable {
    /// Where the cursor is and how it moves.
    struct Cursor {
        var seq: Int
        var playing = false
        var speed = 10.0
        var lastTick = ContinuousClock.now
    }

    /// What Shift-←/→ jump between: anything automatic, and every rollout, rollback, freeze and drill step.
    public static let decisions = JournalMatch(families: ["rollout", "rollback", "freeze", "drill.step"], actorPrefixes: ["auto:"])

    let store: SwitchyardStore
    /// The seqs replayed (narrowed by --from and --to).
    public let span: ClosedRange<Int>
    let registry: [ConsoleSnapshot.RegistryEntry]
    private let cursor: Mutex<Cursor>

    /// Opens the journal between two times (ISO 8601), with the cursor on the first entry that is not a telemetry snapshot.
    public init(store: SwitchyardStore, from: String?, to: String?) throws {
        self.store = store
        guard let span = try store.journalSpan(from: from, to: to) else {
            throw SwitchyardError.failure("the journal has no entries in that span", hint: "check --from and --to (ISO 8601, UTC)")
        }
        self.span = span
        registry = try store.bundles().map { record in
            .init(name: record.ref.description, stage: record.stage.rawValue, digest: Digest.short(record.digest), warm: false,
                  signedOff: record.lastSignOff.map { "\($0.actor) \($0.time.prefix(10))" },
                  fields: (try? FieldDiff.flatten(JSONValue(encoding: record.bundle)).mapValues(\.canonicalText)) ?? [:])
        }
        let first = try store.journalStep(from: span.lowerBound - 1, forward: true, matching: JournalMatch(), within: span)
        cursor = Mutex(Cursor(seq: first?.seq ?? span.lowerBound))
    }

    /// The entry under the cursor.
    public var position: Int { cursor.withLock { $0.seq } }

    /// Moves the cursor; returns the status line.
    public func apply(_ control: ReplayControl) throws -> String {
        let current = cursor.withLock { $0 }
        var moved = current
        switch control {
        case .toggle:
            moved.playing.toggle()
            moved.lastTick = .now
        case .step(let delta):
            moved.seq = try step(from: current.seq, count: delta, matching: JournalMatch())
        case .jump(let direction):
            moved.seq = try step(from: current.seq, count: direction, matching: Self.decisions)
        case .faster: moved.speed = min(current.speed * 10, 1000)
        case .slower: moved.speed = max(current.speed / 10, 1)
        case .goTo(let text):
            let reference = try store.journalEntry(seq: current.seq)?.time ?? ""
            let target = try Self.time(text, near: reference)
            moved.seq = min(max(try store.journalSeq(atOrBefore: target) ?? span.lowerBound, span.lowerBound), span.upperBound)
        }
        cursor.withLock { $0 = moved }
        return try describe(moved)
    }

    /// Every panel as of the cursor, after moving it on when playing.
    public func snapshot() throws -> ConsoleSnapshot {
        let playing = cursor.withLock { cursor -> (seq: Int, seconds: Double)? in
            guard cursor.playing else { return nil }
            let now = ContinuousClock.now
            let elapsed = now - cursor.lastTick
            cursor.lastTick = now
            return (cursor.seq, (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * cursor.speed)
        }
        if let playing, let time = try store.journalEntry(seq: playing.seq).flatMap({ Timestamp.parse($0.time) }) {
            let reached = try store.journalSeq(atOrBefore: Timestamp.format(time + playing.seconds)) ?? playing.seq
            cursor.withLock { cursor in
                cursor.seq = min(max(cursor.seq, reached), span.upperBound)
                if cursor.seq == span.upperBound { cursor.playing = false }
            }
        }
        return try ReplaySnapshot(store: store, seq: cursor.withLock { $0.seq }, directory: store.directory, registry: registry).build()
    }

    /// `count` matching entries on from `seq` (back when negative), stopping at the span's ends.
    private func step(from seq: Int, count: Int, matching match: JournalMatch) throws -> Int {
        var seq = seq
        for _ in 0..<abs(count) {
            guard let next = try store.journalStep(from: seq, forward: count > 0, matching: match, within: span) else { break }
            seq = next.seq
        }
        return seq
    }

    private func describe(_ cursor: Cursor) throws -> String {
        let entry = try store.journalEntry(seq: cursor.seq)
        let position = "entry #\(cursor.seq) of #\(span.lowerBound)–#\(span.upperBound)"
        return "\(cursor.playing ? "playing" : "paused") \(Int(cursor.speed))× · \(position) · \(entry?.kind ?? "?") at \(entry?.time ?? "?")"
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
