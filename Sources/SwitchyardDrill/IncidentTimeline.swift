import Foundation
import SwitchyardCore

/// A postmortem's timeline from the journal: every decision with the readings behind it, every action with
/// its actor and reason, the first fault or detection, and the restore; service levels per minute from the
/// telemetry snapshots.
public struct IncidentTimeline {
    let entries: [JournalEntry]

    /// Journal kinds that tell the incident's story (registry and pool bookkeeping are left out).
    static let story = ["rollout.", "rollback.", "freeze.", "automation.", "route.set", "drill.step", "drill.start", "drill.end"]

    public init(entries: [JournalEntry]) {
        self.entries = entries
    }

    public func markdown(title: String) -> String {
        let story = entries.filter { entry in Self.story.contains { entry.kind.hasPrefix($0) } }
        let onset = story.first { $0.kind == "drill.step" && $0.reason.hasPrefix("fault") } ?? story.first { $0.actor.hasPrefix("auto:") && $0.kind != "rollout.step" }
        let detection = story.first { ["auto:tier0", "auto:analysis", "auto:tier2"].contains($0.actor) && $0.seq >= (onset?.seq ?? 0) }
        let restore = story.first { ($0.kind == "rollback.complete" || ($0.kind == "rollback.start" && $0.payload["remaining_basis_points"] == 0)
            || $0.kind == "rollout.abort") && $0.seq >= (onset?.seq ?? 0) }
        var lines = ["# Incident timeline: \(title)", ""]
        let moment = { (label: String, entry: JournalEntry?) in
            "| \(label) | " + (entry.map { "\($0.time) | #\($0.seq) \($0.kind) by \($0.actor): \($0.reason)" } ?? "— | —") + " |"
        }
        lines += ["| moment | time (UTC) | entry |", "| --- | --- | --- |", moment("onset", onset), moment("detection", detection),
                  moment("restore", restore), "", "## Every decision and action", "", "| # | time (UTC) | actor | kind | subject | reason | readings |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        lines += story.map { entry in
            "| \(entry.seq) | \(entry.time) | \(entry.actor) | \(entry.kind) | \(entry.subject) | \(Self.cell(entry.reason)) | \(Self.readings(entry)) |"
        }
        lines += ["", "## Service levels per minute", ""] + serviceLevels()
        return lines.joined(separator: "\n") + "\n"
    }

    private func serviceLevels() -> [String] {
        var minutes: [String: [String: TelemetryCounters]] = [:]
        for entry in entries where entry.kind == TelemetrySnapshot.kind {
            guard let snapshot = try? entry.payload.decode(as: TelemetrySnapshot.self) else { continue }
            let minute = String(entry.time.prefix(16))
            var row = minutes[minute] ?? [:]
            for (bundle, figures) in snapshot.bundles { row[bundle] = (row[bundle] ?? TelemetryCounters()) + figures.counters }
            minutes[minute] = row
        }
        guard !minutes.isEmpty else { return ["No telemetry snapshots in this journal."] }
        let bundles = Set(minutes.values.flatMap(\.keys)).sorted()
        var lines = ["| minute (UTC) | " + bundles.map { "\($0) req / err% / refusal%" }.joined(separator: " | ") + " |",
                     "| --- | " + bundles.map { _ in "---" }.joined(separator: " | ") + " |"]
        for minute in minutes.keys.sorted() {
            let cells = bundles.map { bundle -> String in
                guard let counters = minutes[minute]?[bundle], counters.requests > 0 else { return "—" }
                return String(format: "%d / %.1f / %.1f", counters.requests, counters.errorRate * 100,
                              Double(counters.refusals) / Double(counters.requests) * 100)
            }
            lines.append("| \(minute) | " + cells.joined(separator: " | ") + " |")
        }
        return lines
    }

    static func readings(_ entry: JournalEntry) -> String {
        guard let readings = entry.payload["readings"] else { return "" }
        if let detector = readings["detector"] ?? (readings["verdict"] != nil ? readings : nil),
           let tier0 = try? detector.decode(as: Tier0Reading.self) {
            return cell(tier0.summary)
        }
        if let outcome = readings["outcome"] { return "analysis \(outcome.canonicalText)" + (readings["score"].map { ", score \($0.canonicalText)" } ?? "") }
        return cell(readings.canonicalText.prefix(120) + (readings.canonicalText.count > 120 ? "…" : ""))
    }

    static func cell(_ text: some StringProtocol) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
