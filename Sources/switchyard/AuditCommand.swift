import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardStore

/// `switchyard audit …`: checks of the journal's integrity.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the journal and registry for tampering.", subcommands: [AuditVerify.self, AuditAcknowledge.self])
}

/// `switchyard audit acknowledge`: an operator has seen a break in the chain; Switchyard steers again.
struct AuditAcknowledge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acknowledge",
        abstract: "Acknowledge the journal's first unacknowledged break, so that serve and the console steer again.",
        discussion: """
            While the chain is broken, serve keeps routing but takes no automatic action and the console is read-only.
            The break stays in the journal; `audit verify` goes on listing it, and checks the chain on from it.
            """)

    @OptionGroup var state: StateOptions
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let (problem, entry) = try state.openExisting().acknowledgeJournalBreak(actor: OperatorIdentity.current, reason: why)
        print("acknowledged the break at entry \(problem.seq) (\(problem.message)) as entry #\(entry.seq) by \(entry.actor); "
              + "Switchyard steers again (a running serve within a few seconds, a console when restarted)")
    }
}

struct AuditVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the journal's hash chain and recompute bundle digests; name the first entry edited, deleted or reordered.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    /// What `audit verify --json` prints.
    struct Report: Encodable {
        var entries: Int
        var intact: Bool
        var problemSeq: Int?
        var problem: String?
        var acknowledged: [String]
        var bundlesChecked: Int
        var registryProblems: [RegistryProblem]

        enum CodingKeys: String, CodingKey {
            case entries, intact, problem
            case acknowledged = "acknowledged_breaks"
            case problemSeq = "problem_seq"
            case bundlesChecked = "bundles_checked"
            case registryProblems = "registry_problems"
        }
    }

    func run() throws {
        let store = try state.openExisting()
        let chain = try store.verifyJournal()
        let registry = try store.verifyRegistry()
        let report = Report(
            entries: chain.entriesChecked, intact: chain.isIntact && registry.problems.isEmpty,
            problemSeq: chain.problem?.seq, problem: chain.problem?.message, acknowledged: chain.acknowledged.map(\.message),
            bundlesChecked: registry.checked, registryProblems: registry.problems)
        if output.json {
            try Terminal.printJSON(report)
            if !report.intact { throw ExitCode(1) }
            return
        }
        var lines = chain.acknowledged.map { "journal: acknowledged break at entry \($0.seq): \($0.message); checked on from it" }
        if let problem = chain.problem {
            lines.append("journal: BROKEN at entry \(problem.seq): \(problem.message)")
        } else {
            let head = try store.journalHead()
            lines.append("journal: \(chain.entriesChecked) entries, chain intact" + (chain.acknowledged.isEmpty ? "" : " from each acknowledged break on") + (head.map { ", head #\($0.seq) \(Digest.short($0.hash))" } ?? ""))
        }
        if registry.problems.isEmpty {
            lines.append("registry: \(registry.checked) bundles, every digest matches")
        } else {
            lines += registry.problems.map { "registry: \($0.subject): \($0.message)" }
        }
        if report.intact {
            print(lines.joined(separator: "\n"))
        } else {
            throw SwitchyardError.failure(
                lines.joined(separator: "\n"),
                hint: "the store was changed outside Switchyard: keep a copy for the investigation, then restore a backup, "
                    + "or `switchyard audit acknowledge --reason …` to steer again on this journal")
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "List journal entries, oldest first.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .long, help: "Only entries of this kind or family (route, bundle.stage, pool …).") var kind: String?
    @Option(name: .long, help: "Only entries since a time (2026-11-22T03:00:00Z) or a duration ago (30m, 2h, 1d).")
    var since: String?
    @Option(name: .long, help: "Only the last N entries.") var limit: Int?

    func run() throws {
        let entries = try state.openExisting().journal(JournalFilter(kind: kind, since: try sinceTimestamp(), limit: limit))
        if output.json { return try Terminal.printJSON(entries) }
        if entries.isEmpty { return print("no journal entries match") }
        print(Terminal.table(
            ["#", "time (utc)", "actor", "kind", "subject", "reason"],
            entries.map { [String($0.seq), String($0.time.prefix(19)).replacingOccurrences(of: "T", with: " "), $0.actor, $0.kind, $0.subject, $0.reason] }))
    }

    private func sinceTimestamp() throws -> String? {
        guard let since else { return nil }
        if let date = Timestamp.parse(since) { return Timestamp.format(date) }
        let seconds = try DurationText.seconds(since, field: "--since")
        return Timestamp.format(Date().addingTimeInterval(-Double(seconds)))
    }
}
