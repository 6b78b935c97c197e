import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardManifest
import SwitchyardRouter
import SwitchyardStore

/// `switchyard rollback …`: drain a bad bundle onto a known-good one, as fast as capacity allows.
struct RollbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Roll traffic back to a known-good bundle (prints a pre-flight plan first).",
        subcommands: [RollbackStart.self, RollbackStatus.self, RollbackHold.self, RollbackContinue.self],
        defaultSubcommand: RollbackStart.self)
}

/// The state and policy every rollback command reads.
struct RollbackContext: ParsableArguments {
    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Control policy file (YAML); defaults as in Docs/operations.md.") var policy: String?

    /// Opens the store and builds the commands, with capacity from the router's latest observations (when
    /// `serve` wrote them in the last 10 s) or from probing the pools' health endpoints now.
    func commands() async throws -> RollbackCommands {
        let store = try state.openExisting()
        let now = Date()
        var seen = try store.observations().filter { now.timeIntervalSince($0.value.time) < 10 }
        for pool in try store.pools() {
            let known = Set(seen[pool.spec.bundle]?.healthyEndpoints ?? [])
            // Endpoints the router has not vouched for (no router running, or a pool changed since) are probed now.
            let unknown = pool.spec.endpoints.filter { !known.contains($0) }
            guard !unknown.isEmpty else { continue }
            let probed = await HealthProbe.healthy(unknown, serving: try store.requireBundle(pool.spec.bundle).bundle.model)
            if seen[pool.spec.bundle] == nil {
                seen[pool.spec.bundle] = BundleObservation(bundle: pool.spec.bundle, time: now, lastMinute: TelemetryCounters(), perSecond: [],
                                                           latency: .empty, timeToFirstToken: .empty, inFlight: 0, healthyEndpoints: probed,
                                                           endpoints: pool.spec.endpoints.count, observed: false)
            } else {
                seen[pool.spec.bundle]!.healthyEndpoints += probed
            }
        }
        let frozen = seen
        return RollbackCommands(store: store, clock: WallClock(), capacity: StaticCapacityProvider(store: store, observations: { frozen }),
                                policy: try policy.map(PolicyManifest.load(path:)) ?? ControlPolicy())
    }
}

struct RollbackStart: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Plan a rollback and, with --yes, start it.",
        discussion: """
            Without --yes it only prints the pre-flight plan. The default target is the last human-validated production bundle;
            the default mode is fast when the target's warm capacity allows it, staged otherwise. Freezes never block a rollback.
            A target with no healthy replicas is refused with exit code 4 (TargetNotWarm) unless --warm-first or --force.
            """)

    @OptionGroup var context: RollbackContext
    @Option(name: .long, help: "The bundle to roll back to, NAME@VERSION.") var to: String?
    @Option(name: .long, help: "The bundle to drain (default: the rollout's canary, else the heaviest other bundle).") var from: String?
    @Option(name: .long, help: "Roll back only this tenant (repeatable); others keep their routing and rollout.") var tenant: [String] = []
    @Flag(name: .long, help: "Move everything at once (refused when capacity does not allow it).") var fast = false
    @Flag(name: .long, help: "Drain in stages that wait for capacity.") var staged = false
    @Flag(name: .long, help: "Start even though the target is cold: drain as it warms.") var warmFirst = false
    @Flag(name: .long, help: "Override capacity and warmth checks; the reason is journaled as FORCED.") var force = false
    @Flag(name: .long, help: "Confirm: start the rollback the plan describes.") var yes = false
    @OptionGroup var output: OutputOptions
    @OptionGroup var reason: ReasonOption

    func runUntilStopped() async throws {
        if fast && staged { throw SwitchyardError.usage("--fast and --staged contradict each other", hint: "pass one of them, or neither") }
        let commands = try await context.commands()
        let request = RollbackRequest(to: try to.map(BundleRef.init(parsing:)), from: try from.map(BundleRef.init(parsing:)), tenants: tenant,
                                      mode: fast ? .fast : (staged ? .staged : nil), force: force, warmFirst: warmFirst)
        guard yes else {
            let plan = try commands.preflight(request)
            if output.json { return try Terminal.printJSON(plan) }
            plan.lines.forEach { print($0) }
            if let refusal = plan.refusal(force: force, warmFirst: warmFirst) { throw refusal }
            print("\nNothing changed. Re-run with --yes to start this rollback.")
            return
        }
        let why = try reason.require()
        let (plan, rollback) = try commands.start(request, actor: OperatorIdentity.current, reason: why)
        if output.json { return try Terminal.printJSON(rollback) }
        plan.lines.forEach { print($0) }
        print("\nStarted: \(rollback.statusText); \(rollback.remainingBasisPoints / 100)% of its traffic still on \(rollback.from).")
        if !rollback.status.isFinished { print("`switchyard serve` advances the stages as capacity allows; watch with `switchyard rollback status`.") }
    }
}

struct RollbackStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The drain in progress, stage by stage.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        guard let rollback = try state.openExisting().activeRollback() else {
            if output.json { return print("null") }
            return print("No rollback is in progress. `switchyard history --kind rollback` lists past ones.")
        }
        if output.json { return try Terminal.printJSON(rollback) }
        print("Rollback \(rollback.from) → \(rollback.to) (\(rollback.mode.rawValue)\(rollback.forced ? ", forced" : "")): \(rollback.statusText)")
        print("  tenants: \(rollback.tenants.joined(separator: ", "))")
        for (index, stage) in rollback.plan.stages.enumerated() {
            let mark = index < rollback.stagesApplied ? "done" : (index == rollback.stagesApplied ? "next" : "")
            print("  \(mark.padding(toLength: 5, withPad: " ", startingAt: 0)) \(stage.remainingBasisPoints / 100)% on \(rollback.from), needs \(stage.targetConcurrency) concurrent on \(rollback.to)")
        }
    }
}

struct RollbackHold: LongRunningCommand {
    static let configuration = CommandConfiguration(commandName: "hold", abstract: "Hold the drain at its current stage.")

    @OptionGroup var context: RollbackContext
    @OptionGroup var reason: ReasonOption

    func runUntilStopped() async throws {
        let rollback = try await context.commands().hold(actor: OperatorIdentity.current, reason: try reason.require())
        print("Rollback \(rollback.from) → \(rollback.to): \(rollback.statusText)")
    }
}

struct RollbackContinue: LongRunningCommand {
    static let configuration = CommandConfiguration(commandName: "continue", abstract: "Let a held drain go on as capacity allows.")

    @OptionGroup var context: RollbackContext
    @OptionGroup var reason: ReasonOption

    func runUntilStopped() async throws {
        let rollback = try await context.commands().resume(actor: OperatorIdentity.current, reason: try reason.require())
        print("Rollback \(rollback.from) → \(rollback.to): \(rollback.statusText)")
    }
}

/// `switchyard breaker …`: see and reset the circuit breaker automatic rollbacks trip.
struct BreakerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "breaker", abstract: "See or reset the automatic-rollback circuit breaker.",
                                                    subcommands: [BreakerStatus.self, BreakerReset.self], defaultSubcommand: BreakerStatus.self)
}

struct BreakerStatus: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Whether the breaker is open, and the cooldown.")

    @OptionGroup var state: StateOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let guards = try BreakerCommands(store: try state.openExisting()).state()
        if output.json { return try Terminal.printJSON(guards) }
        print(GuardText.describe(guards, now: Date()))
    }
}

struct BreakerReset: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reset", abstract: "Close an open breaker so automatic actions may fire again.")

    @OptionGroup var state: StateOptions
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let guards = try BreakerCommands(store: try state.openExisting()).reset(actor: OperatorIdentity.current, reason: try reason.require())
        print("Circuit breaker reset by \(OperatorIdentity.current). " + GuardText.describe(guards, now: Date()))
    }
}

/// How the guards read to an operator.
enum GuardText {
    static func describe(_ guards: AutomationGuards, now: Date) -> String {
        let breaker = guards.breakerTripped
            ? "Circuit breaker OPEN after \(guards.consecutiveAutomaticRollbacks) automatic rollbacks in a row: automatic actions and new rollouts are held."
            : "Circuit breaker closed (\(guards.consecutiveAutomaticRollbacks) automatic rollback(s) in a row; it opens at \(guards.breakerThreshold))."
        let cooldown = guards.automaticActionBlocked(at: now).flatMap { guards.breakerTripped ? nil : " Automatic actions paused: \($0)." } ?? ""
        return breaker + cooldown
    }
}
