import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardManifest
import SwitchyardStore

/// `switchyard rollout …`: canary ramps through a plan.
struct RolloutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout", abstract: "Ramp a canary bundle through a plan of steps.",
        subcommands: [RolloutStart.self, RolloutStatus.self, RolloutPromote.self, RolloutPause.self, RolloutResume.self, RolloutAbort.self])
}

/// Options every changing rollout command shares.
struct RolloutChangeOptions: ParsableArguments {
    @OptionGroup var state: StateOptions
    @OptionGroup var reason: ReasonOption

    func commands() throws -> RolloutCommands { RolloutCommands(store: try state.openExisting(), clock: WallClock()) }

    func report(_ rollout: Rollout) {
        print(RolloutText.describe(rollout))
    }
}

struct RolloutStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a rollout of NAME@VERSION.")

    @OptionGroup var options: RolloutChangeOptions
    @Argument(help: "The canary, NAME@VERSION.") var bundle: String
    @Option(name: .long, help: "The rollout plan (YAML).") var plan: String
    @Option(name: .long, help: "The bundle to compare with and return to (default: the heaviest in the default route).") var baseline: String?
    @Flag(name: .long, help: "Start despite a freeze; journaled as an override.") var overrideFreeze = false

    func run() throws {
        let why = try options.reason.require()
        let parsed = try RolloutPlanManifest.load(path: plan)
        let rollout = try options.commands().start(try BundleRef(parsing: bundle), plan: parsed, baseline: try baseline.map(BundleRef.init(parsing:)),
                                                   actor: OperatorIdentity.current, reason: why, overrideFreeze: overrideFreeze)
        options.report(rollout)
    }
}

struct RolloutStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The rollout in progress (or the last one), step by step.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try state.openExisting()
        guard let rollout = try store.latestRollout() else {
            throw SwitchyardError.failure("no rollout has been started", hint: "switchyard rollout start NAME@VERSION --plan FILE --reason …")
        }
        if output.json { return try Terminal.printJSON(rollout) }
        print(RolloutText.describe(rollout))
        print(try RolloutText.warmth(of: rollout.baseline, store: store, now: Date()))
    }
}

struct RolloutPromote: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "promote", abstract: "Go past the step the rollout waits at (--full: all traffic to the canary).")

    @OptionGroup var options: RolloutChangeOptions
    @Flag(name: .long, help: "Send all traffic to the canary and complete the rollout.") var full = false
    @Flag(name: .long, help: "Promote despite a freeze; journaled as an override.") var overrideFreeze = false

    func run() throws {
        options.report(try options.commands().promote(full: full, actor: OperatorIdentity.current, reason: try options.reason.require(),
                                                      overrideFreeze: overrideFreeze))
    }
}

struct RolloutPause: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Hold the rollout where it is.")

    @OptionGroup var options: RolloutChangeOptions

    func run() throws {
        options.report(try options.commands().pause(actor: OperatorIdentity.current, reason: try options.reason.require()))
    }
}

struct RolloutResume: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Go on after a pause (the current step's timer restarts).")

    @OptionGroup var options: RolloutChangeOptions

    func run() throws {
        options.report(try options.commands().resume(actor: OperatorIdentity.current, reason: try options.reason.require()))
    }
}

struct RolloutAbort: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "abort", abstract: "Stop the rollout and send the canary's traffic back to the baseline.")

    @OptionGroup var options: RolloutChangeOptions

    func run() throws {
        options.report(try options.commands().abort(actor: OperatorIdentity.current, reason: try options.reason.require()))
    }
}

/// The text form of a rollout: its status and its plan with the current step marked.
enum RolloutText {
    static func describe(_ rollout: Rollout) -> String {
        var lines = ["rollout \(rollout.plan.name): \(rollout.canary) against \(rollout.baseline), \(rollout.statusText)"]
        for (index, step) in rollout.plan.steps.enumerated() {
            let marker = index < rollout.stepIndex ? "  done" : (index == rollout.stepIndex && !rollout.status.isFinished ? "→ now " : "      ")
            lines.append("  \(marker) \(index + 1). \(step.summary)")
        }
        let weights = rollout.canaryWeights.sorted { $0.key < $1.key }
            .map { "\($0.key == RoutingTable.defaultTenant ? "default" : $0.key) \(WeightSpec.percent($0.value))" }
        if !weights.isEmpty { lines.append("  canary share: " + weights.joined(separator: ", ")) }
        return lines.joined(separator: "\n")
    }

    /// Whether the baseline, where a rollback would land, is still warm: the warm-keep mirror's purpose.
    static func warmth(of baseline: BundleRef, store: SwitchyardStore, now: Date) throws -> String {
        let mirror = "a \(WeightSpec.percent(RolloutRouting.defaultWarmKeepBasisPoints)) warm-keep mirror once the canary has all traffic"
        guard let pool = try store.pool(baseline)?.spec else { return "  baseline \(baseline): no pool" }
        guard let seen = try store.observations()[baseline], now.timeIntervalSince(seen.time) < 10 else {
            return "  baseline \(baseline): warmth unknown (no router has reported in the last 10 s); \(mirror)"
        }
        let healthy = pool.healthyCount(among: seen.healthyEndpoints)
        let state = healthy > 0 ? "warm" : "COLD"
        return "  baseline \(baseline): \(state), \(healthy) of \(pool.endpoints.count) endpoint(s) healthy, "
            + String(format: "%.1f req/s", seen.requestsPerSecond) + "; \(mirror)"
    }
}
