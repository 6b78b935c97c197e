import Foundation
import SwitchyardCore

/// Rollback history as a query over the journal: each `rollback.start` with the entries of the same drain
/// after it, newest first.
public enum RollbackHistory {
    /// How many of the newest rollback (and rollout-start, and freeze) entries a snapshot reads: a few dozen
    /// rollbacks, more than any screen shows, at the same cost however long the journal grows.
    public static let entriesRead = 100

    public static func rows(from entries: [JournalEntry], rollouts: [JournalEntry]) -> [ConsoleSnapshot.Rollback] {
        let starts = entries.filter { $0.kind == "rollback.start" }
        return starts.reversed().map { start in
            let startTime = Timestamp.parse(start.time) ?? Date(timeIntervalSince1970: 0)
            let next = starts.first { $0.seq > start.seq }?.seq ?? Int.max
            let drain = entries.filter { $0.seq >= start.seq && $0.seq < next && $0.subject == start.subject }
            let done = drain.first { $0.payload["remaining_basis_points"] == 0 }
            let stages = drain.compactMap { entry -> String? in
                guard case .int(let points)? = entry.payload["remaining_basis_points"], entry.payload["generation"] != nil else { return nil }
                return "\(points / 100)%"
            }
            let exposed = rollouts.last { $0.seq < start.seq && start.subject.hasPrefix($0.subject) }
            let parts = start.subject.components(separatedBy: " → ")
            var inFlight = 0
            if case .int(let count)? = start.payload["readings"]?["preflight"]?["load"]?["in_flight"] { inFlight = count }
            return .init(time: startTime, from: parts.first ?? start.subject, to: parts.last ?? "", actor: start.actor, reason: start.reason,
                         stages: stages.joined(separator: " › "),
                         secondsToDetect: start.actor.hasPrefix("auto:") ? exposed.flatMap { Timestamp.parse($0.time) }.map { Int(startTime.timeIntervalSince($0)) } : nil,
                         secondsToRestore: done.flatMap { Timestamp.parse($0.time) }.map { Int($0.timeIntervalSince(startTime)) },
                         inFlightAffected: inFlight,
                         entries: drain.map { entry in
                             .init(sequence: entry.seq, time: Timestamp.parse(entry.time) ?? startTime, actor: entry.actor, kind: entry.kind,
                                   subject: entry.subject, reason: entry.reason)
                         })
        }
    }
}
