import ArgumentParser
import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardDrill
import SwitchyardManifest
import SwitchyardReplay
import SwitchyardStore

/// `switchyard replay`: a past incident from the journal: a postmortem timeline, or what another policy would have done.
struct ReplayCommand: LongRunningCommand {
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
    @Option(name: .long, help: "Replay this database file (a state's \(SwitchyardStore.fileName), or a copy of it) instead of --state.") var journal: String?
    @Option(name: .long, help: "Only entries at or after this time (ISO 8601, UTC).") var from: String?
    @Option(name: .long, help: "Only entries at or before this time (ISO 8601, UTC).") var to: String?
    @Option(name: .long, help: "Write the incident timeline: md.") var export: Export?
    @Option(name: .long, help: "Re-run the detectors under this policy file and compare.") var whatIf: String?
    @Option(name: .long, help: "Write the export here instead of standard output.") var out: String?

    @Option(name: .long, help: "Theme of the replay console.") var theme = "default"
    @Option(name: .long, help: "Directory of theme files.") var themes = "Themes"

    func runUntilStopped() async throws {
        guard export != nil || whatIf != nil else { return try await replayInConsole() }
        let entries = try openStore().journal(JournalFilter(since: from)).filter { to == nil || $0.time <= to! }
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

    /// The console, read-only, on the journal: space plays, arrows step, Shift-arrows jump between decisions.
    private func replayInConsole() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw SwitchyardError.usage("the replay console needs a terminal", hint: "for a file, use --export md")
        }
        let store = try openStore()
        let replay = try ReplayTimeline(store: store, from: from, to: to)
        let (palette, problem) = ThemeCatalog(directory: themes).palette(named: theme)
        let catalog = ThemeCatalog(directory: themes)
        let backend = ConsoleBackend(
            snapshot: {
                (try? replay.snapshot()) ?? ConsoleSnapshot(mode: .replay, stateDirectory: store.directory, generation: 0, now: Date())
            },
            rollbackPlan: { throw SwitchyardError.refused("a replay changes nothing") },
            execute: { intent in
                guard case .replay(let control) = intent else { throw SwitchyardError.refused("a replay changes nothing") }
                return try replay.apply(control)
            },
            palette: { name in
                let (palette, problem) = catalog.palette(named: name)
                if let problem { throw SwitchyardError.failure(problem) }
                return palette
            })
        await runConsole(backend: backend, palette: palette,
                         notice: problem ?? "replay: space plays, ←/→ step, Shift-←/→ jump between decisions, + - speed, :goto TIME")
    }

    private func openStore() throws -> SwitchyardStore {
        try journal.map { try SwitchyardStore(databaseFile: $0, clock: WallClock()) } ?? state.openExisting()
    }

    @MainActor
    private func runConsole(backend: ConsoleBackend, palette: Theme, notice: String) async {
        await ConsoleLoop(backend: backend, palette: palette, readonly: true, refreshInterval: .milliseconds(250), notice: notice, replay: true).run()
    }
}
