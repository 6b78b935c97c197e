import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardManifest
import SwitchyardStore

/// `switchyard eval`: golden-prompt suites run through the router, the promotion gate's evidence.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Evaluate a bundle on a golden-prompt suite before it may go to production.",
        subcommands: [EvalRun.self, EvalShow.self])
}

struct EvalRun: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Send a suite through the router to a bundle and to production; store the report.",
        discussion: """
            The suite goes through an in-process router on loopback, to the bundle's own pool, so that every case meets
            the whole bundle (prompt, decoding defaults, contracts) as live traffic would; live traffic and its telemetry
            are untouched. The production bundle of the same name (or --against) answers the same cases, and the report
            shows where they differ. Exits 1 when the bundle fails the suite. `Docs/bundles.md` describes the suite format.
            """)

    @OptionGroup var state: StateOptions
    @Argument(help: "The bundle to evaluate, NAME@VERSION.") var bundle: String
    @Option(name: .long, help: "The golden-prompt suite (YAML).") var suite: String
    @Option(name: .long, help: "Compare with this bundle instead of the production one, NAME@VERSION.") var against: String?
    @Flag(name: .long, help: "Evaluate the bundle alone, with no comparison.") var noCompare = false
    @OptionGroup var output: OutputOptions

    func run() throws {}

    func runUntilStopped() async throws {
        let ref = try BundleRef(parsing: bundle)
        let loaded = try EvalSuiteManifest.load(path: suite)
        let store = try state.openExisting()
        _ = try store.requireBundle(ref)
        let baseline = noCompare ? nil : try against.map(BundleRef.init(parsing:)) ?? Self.production(of: ref, in: store)
        let report = try await EvalRunner(store: store).run(loaded, candidate: ref, baseline: baseline)
        let id = try store.recordEvalReport(report, actor: OperatorIdentity.current)
        if output.json {
            try Terminal.printJSON(StoredEvalReport(id: id, time: Timestamp.format(Date()), actor: OperatorIdentity.current, report: report))
        } else {
            print(EvalReportText.render(report, id: id))
        }
        guard report.passed else {
            throw SwitchyardError.failure("\(ref) failed the suite: \(report.summary)",
                                          hint: "promotion to production stays refused until a report passes (`switchyard eval show \(ref)`)")
        }
    }

    /// The production bundle of the same name, other than `ref`: the newest registered.
    static func production(of ref: BundleRef, in store: SwitchyardStore) throws -> BundleRef? {
        try store.bundles().filter { $0.ref.name == ref.name && $0.ref != ref && $0.stage == .production }.last?.ref
    }
}

struct EvalShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A bundle's evaluation reports, newest last.")

    @OptionGroup var state: StateOptions
    @Argument(help: "NAME@VERSION") var bundle: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let ref = try BundleRef(parsing: bundle)
        let store = try state.openExisting()
        _ = try store.requireBundle(ref)
        let reports = try store.evalReports(ref)
        if output.json { return try Terminal.printJSON(reports) }
        guard !reports.isEmpty else {
            print("\(ref) has no evaluation report; run `switchyard eval run \(ref) --suite FILE`")
            return
        }
        print(reports.map { "#\($0.id) \($0.time) by \($0.actor)\n" + EvalReportText.render($0.report, id: $0.id) }.joined(separator: "\n\n"))
    }
}

/// The report as text: one line per case, candidate beside production, then the verdict and the differences.
enum EvalReportText {
    static func render(_ report: EvalReport, id: Int) -> String {
        let against = report.baseline.map { " against \($0)" } ?? ""
        var lines = ["eval \(report.bundle)\(against): suite \(report.suite) (\(report.suiteDigest.prefix(12))), \(report.results.count) case(s)"]
        let width = max(4, report.results.map(\.id.count).max() ?? 4)
        let baseline = Dictionary(report.baselineResults.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        lines.append("  " + "case".padding(toLength: width, withPad: " ", startingAt: 0) + "  candidate" + (report.baseline == nil ? "" : "  production"))
        for result in report.results {
            var line = "  " + result.id.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + verdict(result).padding(toLength: 9, withPad: " ", startingAt: 0)
            if report.baseline != nil { line += "  " + (baseline[result.id].map(verdict) ?? "-").padding(toLength: 10, withPad: " ", startingAt: 0) }
            if !result.failures.isEmpty { line += "  " + result.failures.joined(separator: "; ") }
            lines.append(String(line.reversed().drop { $0 == " " }.reversed()))
        }
        if !report.regressions.isEmpty { lines.append("regressions (pass on production, fail on the candidate): " + report.regressions.joined(separator: ", ")) }
        if !report.fixes.isEmpty { lines.append("fixed (fail on production, pass on the candidate): " + report.fixes.joined(separator: ", ")) }
        lines.append("report #\(id): \(report.summary)")
        return lines.joined(separator: "\n")
    }

    private static func verdict(_ result: EvalCaseResult) -> String { result.passed ? "pass" : "FAIL" }
}
