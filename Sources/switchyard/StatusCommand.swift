import Foundation
import ArgumentParser
import SwitchyardCore
import SwitchyardStore

/// `switchyard status`: what serves what, at a glance.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Routing in force, bundles and their stages, pools and the journal's health.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    /// What `status --json` prints.
    struct Status: Encodable {
        var stateDirectory: String
        var routing: RoutingGeneration
        var bundles: [BundleRecord]
        var pools: [PoolRecord]
        var journalEntries: Int
        var journalIntact: Bool
        var journalProblem: String?
        var freezes: [Freeze]
        var guards: AutomationGuards
        var rollback: Rollback?

        enum CodingKeys: String, CodingKey {
            case routing, bundles, pools, freezes, guards, rollback
            case stateDirectory = "state_directory"
            case journalEntries = "journal_entries"
            case journalIntact = "journal_intact"
            case journalProblem = "journal_problem"
        }
    }

    func run() throws {
        let store = try state.openExisting()
        let chain = try store.verifyJournal()
        let status = Status(
            stateDirectory: store.directory, routing: try store.routing(), bundles: try store.bundles(), pools: try store.pools(),
            journalEntries: chain.entriesChecked, journalIntact: chain.isIntact, journalProblem: chain.problem?.message,
            freezes: try store.activeFreezes(at: Date()), guards: try store.automationState(policy: ControlPolicy()).guards,
            rollback: try store.activeRollback())
        if output.json { return try Terminal.printJSON(status) }
        print(text(status))
    }

    private func text(_ status: Status) -> String {
        let routed = status.routing.table.referencedBundles
        let pools = Dictionary(status.pools.map { ($0.spec.bundle, $0.spec) }, uniquingKeysWith: { $1 })
        var lines = ["Switchyard state: \(status.stateDirectory)"]
        for freeze in status.freezes {
            let until = freeze.expires.map { "until \(Timestamp.format($0))" } ?? "until unfreeze"
            lines.append("FROZEN (\(freeze.scope)) by \(freeze.actor) since \(Timestamp.format(freeze.since)), \(until): \(freeze.reason)")
        }
        if status.guards.breakerTripped || status.guards.automaticActionBlocked(at: Date()) != nil {
            lines.append(GuardText.describe(status.guards, now: Date()))
        }
        if let rollback = status.rollback {
            lines.append("ROLLBACK \(rollback.from) → \(rollback.to): \(rollback.statusText) (`switchyard rollback status`)")
        }
        lines += ["", "Routing " + RouteText.describe(status.routing), "", "Bundles"]
        lines.append(Terminal.table(
            ["  bundle", "stage", "digest", "pool", "signed off", "marks"],
            status.bundles.map { record in
                ["  " + record.ref.description, record.stage.rawValue, Digest.short(record.digest),
                 pools[record.ref].map { "\($0.replicas)×\($0.maxConcurrency)" } ?? "-",
                 record.lastSignOff.map { String($0.time.prefix(10)) + " " + $0.actor } ?? "-",
                 RegistryMarks.marks(record, routed: routed)]
            }))
        let floating = status.bundles.filter(\.floating)
        if !floating.isEmpty {
            lines.append("  FLOATING: \(floating.map(\.ref.description).joined(separator: ", ")) not pinned to an exact model revision")
        }
        lines.append("")
        lines.append(status.journalIntact
            ? "Journal: \(status.journalEntries) entries, chain intact"
            : "Journal: BROKEN — \(status.journalProblem ?? "") (run `switchyard audit verify`)")
        return lines.joined(separator: "\n")
    }
}
