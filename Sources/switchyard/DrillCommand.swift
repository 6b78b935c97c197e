import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardDrill
import SwitchyardManifest

/// `switchyard drill …`: scripted rehearsals of bad releases, scored.
struct DrillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "drill", abstract: "Rehearse a bad release from a script and score it.",
                                                    subcommands: [DrillRun.self, DrillHistory.self])
}

struct DrillRun: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run drill scripts in virtual time through the simulator and the real Engine.",
        discussion: """
            The same file and seed give the same journal and scorecard. --realtime plays the script on the wall clock through the \
            embedded router, fake backends on loopback and real HTTP clients instead (it takes the script's full duration). \
            Exit 1 when any expectation fails. See Docs/drills.md.
            """)

    /// Report formats.
    enum Report: String, ExpressibleByArgument, CaseIterable {
        case md, junit, json
    }

    @Argument(help: "Drill scripts (YAML).") var files: [String]
    @Option(name: .long, help: "Write a report: md, junit or json (to --out).") var report: [Report] = []
    @Option(name: .long, help: "Directory for reports.") var out = "drill-reports"
    @Option(name: .long, help: "Keep each run's state directory under this directory (for replay).") var keepState: String?
    @Flag(name: .long, help: "Play on the wall clock through the full data plane instead of virtual time.") var realtime = false

    func runUntilStopped() async throws {
        // Parse everything first: a script with an error runs nothing.
        let scripts = try files.map { (file: $0, script: try DrillManifest.load(path: $0)) }
        var cards: [DrillScorecard] = []
        for (file, script) in scripts {
            let directory = keepState.map { "\($0)/\(script.name)" }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-drill-\(UUID().uuidString)").path
            if FileManager.default.fileExists(atPath: "\(directory)/switchyard.sqlite") {
                throw SwitchyardError.usage("'\(directory)' already holds a state", hint: "remove it or pick another --keep-state directory")
            }
            defer { if keepState == nil { try? FileManager.default.removeItem(atPath: directory) } }
            let card = try await play(script, directory: directory)
            cards.append(card)
            print("\(card.passed ? "PASS" : "FAIL")  \(script.name)  (\(file))  " + card.checks.map { "\($0.passed ? "✓" : "✗") \($0.expectation): \($0.detail)" }
                .joined(separator: "; "))
        }
        try write(cards)
        let failed = cards.filter { !$0.passed }.count
        print("\(cards.count - failed) of \(cards.count) drill(s) passed")
        if failed > 0 { throw ExitCode(1) }
    }

    private func play(_ script: DrillScript, directory: String) async throws -> DrillScorecard {
        guard realtime else {
            var runner = try DrillRunner(script, directory: directory)
            return try runner.run()
        }
        print("\(script.name): playing \(DurationText.format(script.durationSeconds)) on the wall clock through the router (state in \(directory))")
        let drill = try await RealtimeDrill.prepare(script, directory: directory, attended: false)
        let group = BackgroundGroup(services: drill.services)
        let card = await drill.result()
        await group.stop()
        guard let card else { throw SwitchyardError.failure("the drill '\(script.name)' stopped before its end", hint: "see the journal in \(directory)") }
        return card
    }

    private func write(_ cards: [DrillScorecard]) throws {
        guard !report.isEmpty else { return }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try DrillHistory.append(cards, to: out)
        for format in Set(report) {
            switch format {
            case .md:
                for card in cards { try card.markdown().write(toFile: "\(out)/\(card.drill).md", atomically: true, encoding: .utf8) }
            case .junit:
                try DrillScorecard.junit(cards).write(toFile: "\(out)/drills.junit.xml", atomically: true, encoding: .utf8)
            case .json:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                for card in cards { try encoder.encode(card).write(to: URL(fileURLWithPath: "\(out)/\(card.drill).json")) }
            }
        }
        print("reports in \(out)/")
    }
}

/// `switchyard drill history`: every recorded run of a drill, to compare rehearsals over time.
struct DrillHistory: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Compare the recorded runs of drills (each `drill run --report …` appends to --out/history.jsonl).")

    @Argument(help: "Only this drill.") var drill: String?
    @Option(name: .long, help: "The reports directory the runs wrote to.") var out = "drill-reports"

    /// One recorded run: when, and its scorecard.
    struct Run: Codable {
        var time: String
        var card: DrillScorecard
    }

    static func append(_ cards: [DrillScorecard], to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try cards.map { String(decoding: try encoder.encode(Run(time: Timestamp.format(Date()), card: $0)), as: UTF8.self) + "\n" }
        let path = "\(directory)/history.jsonl"
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw SwitchyardError.failure("cannot append to '\(path)'") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(lines.joined().utf8))
    }

    func run() throws {
        let path = "\(out)/history.jsonl"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SwitchyardError.failure("no drill history in '\(out)'", hint: "runs are recorded by: switchyard drill run FILE --report md --out \(out)")
        }
        let runs = try text.split(separator: "\n").map { try JSONDecoder().decode(Run.self, from: Data($0.utf8)) }
            .filter { drill == nil || $0.card.drill == drill }
        guard !runs.isEmpty else { throw SwitchyardError.failure("no recorded run of '\(drill ?? "any drill")' in \(path)") }
        let time = { (seconds: Int?) in seconds.map(DurationText.format) ?? "-" }
        print(Terminal.table(["run (UTC)", "drill", "result", "detect", "decide", "restore", "failed", "wrong", "oscillations", "journal head"],
                       runs.map { run in
                           let card = run.card
                           return [String(run.time.prefix(19)), card.drill, card.passed ? "pass" : "FAIL", time(card.timeToDetectSeconds),
                                   time(card.timeToDecideSeconds), time(card.timeToRestoreSeconds), "\(card.failedRequests)",
                                   "\(card.wrongActions.count)", "\(card.oscillations)", String(card.journalHead.prefix(12))]
                       }))
    }
}
