import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardDrill
import SwitchyardManifest
import SwitchyardStore

/// `switchyard replay`: a past incident from the journal: a postmortem timeline, or what another policy would have done.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay", abstract: "Replay a past incident from a state's journal: a postmortem timeline, or a what-if under another policy.",
        discussion: """
            --export md writes the incident timeline (onset, detection, each decision with its readings, each action, restore, service \
            levels per minute). --what-if POLICY.yaml re-runs tier 0 and tier 2 on the journal's telemetry snapshots under that policy \
            and lists where its decisions differ from what happened. Works on a live state or on a drill run kept with --keep-state.
            """)

    /// What to produce.
    enum Export: String, ExpressibleByArgument, CaseIterable {
        case md
    }

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Only entries at or after this time (ISO 8601, UTC).") var from: String?
    @Option(name: .long, help: "Only entries at or before this time (ISO 8601, UTC).") var to: String?
    @Option(name: .long, help: "Write the incident timeline: md.") var export: Export?
    @Option(name: .long, help: "Re-run the detectors under this policy file and compare.") var whatIf: String?
    @Option(name: .long, help: "Write the export here instead of standard output.") var out: String?

    func run() throws {
        guard export != nil || whatIf != nil else {
            throw SwitchyardError.usage("nothing to do", hint: "pass --export md for a timeline, or --what-if POLICY.yaml (the interactive replay console is not built yet)")
        }
        let entries = try state.openExisting().journal(JournalFilter(since: from)).filter { to == nil || $0.time <= to! }
        guard !entries.isEmpty else { throw SwitchyardError.failure("the journal has no entries in that span") }
        if export != nil {
            let text = IncidentTimeline(entries: entries).markdown(title: "\(state.directory), \(entries.first!.time) to \(entries.last!.time)")
            if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) } else { print(text, terminator: "") }
        }
        if let whatIf {
            let comparison = WhatIf(entries: entries, policy: try PolicyManifest.load(path: whatIf))
            print("What happened (automatic decisions):")
            for decision in comparison.actual() { print("  \(Timestamp.format(decision.time))  \(decision.action) of \(decision.canary): \(decision.detail)") }
            print("Under \(whatIf):")
            for decision in comparison.replayed() { print("  \(Timestamp.format(decision.time))  \(decision.action) of \(decision.canary): \(decision.detail)") }
            let differences = comparison.differences()
            print(differences.isEmpty ? "No difference." : "Differences:\n" + differences.map { "  \($0)" }.joined(separator: "\n"))
        }
    }
}
