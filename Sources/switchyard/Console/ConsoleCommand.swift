import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardConsole
import SwitchyardCore
import SwitchyardDrill
import SwitchyardEngine
import SwitchyardManifest
import SwitchyardRouter
import SwitchyardStore

/// `switchyard console`: the operations console. Attaches to the state a running `serve` writes, embeds the
/// Engine and router with `--embedded` (or when nothing serves the state), or runs a whole demo fleet.
struct ConsoleCommand: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "console", abstract: "The operations console (ncurses): traffic, SLOs, rollouts, rollbacks, freezes.",
        discussion: """
            Keys: ? help · : commands · / filter events · Tab focus · p promote · s pause · r resume · a abort · b rollback ·
            f freeze · u unfreeze · q quit. Every action asks for a reason and is journaled as your OS user.
            NO_COLOR selects the monochrome theme.
            """)

    @OptionGroup var state: StateOptions
    @Flag(name: .long, help: "Run a demo fleet in-process: example bundles, fake backends, traffic, a rollout in progress.") var demo = false
    @Flag(name: .long, help: "Run the Engine and router in this process even if a `serve` writes the state.") var embedded = false
    @Option(name: .long, help: "Play this drill script in real time beside the console; you answer its prompts. The scorecard prints on exit.")
    var drill: String?
    @Flag(name: .long, help: "Show every action greyed out; change nothing.") var readonly = false
    @Option(name: .long, help: "Theme name (a file in --themes): default, light, high-contrast, monochrome.") var theme = "default"
    @Option(name: .long, help: "Directory of theme files.") var themes = "Themes"
    @Flag(name: .long, help: "Draw with ASCII only (automatic when the locale is not UTF-8).") var ascii = false
    @Option(name: .long, help: "How often to refresh, e.g. 1s or 500ms.") var refresh = "1s"
    @Option(name: .long, help: "Example bundles and pools for --demo.") var examples = "Docs/examples"
    @Option(name: .long, help: "HOST:PORT of the data plane with --embedded.") var listen = "127.0.0.1:8080"
    @Option(name: .long, help: "HOST:PORT of the admin listener with --embedded.") var admin = "127.0.0.1:9464"
    @Option(name: .long, help: "Control policy file (YAML).") var policy: String?

    func runUntilStopped() async throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw SwitchyardError.usage("the console needs a terminal, and standard input or output is not one",
                                        hint: "run it in an SSH session or tmux; scripts use the CLI (status, rollout, rollback, freeze …)")
        }
        let interval = try refreshInterval()
        let controlPolicy = try policy.map(PolicyManifest.load(path:)) ?? ControlPolicy()
        let (palette, themeProblem) = ThemeCatalog(directory: themes).palette(named: theme)
        // The screen belongs to curses: the services log nowhere; the journal keeps every decision.
        LoggingSystem.bootstrap { _ in SwiftLogNoOpLogHandler() }
        if let remote = try remoteConsole() {
            return try await runRemote(remote, palette: palette, notice: themeProblem, interval: interval)
        }
        let (store, services, mode, rehearsal, steering) = try await prepare(policy: controlPolicy)
        // An embedded Engine verified the chain already; a long journal is not walked twice.
        let alarm = try (steering ?? SteeringGuard(store: store)).problem.map { SteeringGuard.banner($0) + ", then restart the console" }
        let group = BackgroundGroup(services: services)
        let reader = ConsoleSnapshotReader(store: store, mode: mode, policy: controlPolicy)
        let actions = ConsoleActions(store: store, clock: WallClock(),
                                     capacity: StaticCapacityProvider(store: store) { (try? store.observations()) ?? [:] },
                                     policy: controlPolicy, actor: OperatorIdentity.current)
        let backend = backend(
            snapshot: {
                var snapshot = (try? reader.snapshot(now: Date())) ?? ConsoleSnapshot(mode: mode, stateDirectory: store.directory, generation: 0, now: Date())
                snapshot.alarm = alarm
                return snapshot
            },
            rollbackPlan: { try actions.rollbackPlan() },
            execute: { try actions.execute($0) })
        await runConsole(backend: backend, palette: palette, readonly: readonly || alarm != nil, interval: interval,
                         notice: themeProblem ?? rehearsal.map { _ in "drill running: answer its prompts (top line) with the usual actions" })
        await group.stop()
        if let rehearsal {
            guard let card = await rehearsal.result() else {
                throw SwitchyardError.failure("the drill was stopped before its end: no scorecard", hint: "its journal is in \(store.directory)")
            }
            print(card.markdown(), terminator: "")
            if !card.passed { throw ExitCode(1) }
        }
    }

    @MainActor
    private func runConsole(backend: ConsoleBackend, palette: Theme, readonly: Bool, readonlyHint: String? = nil, interval: Duration,
                            notice: String?) async {
        await ConsoleLoop(backend: backend, palette: palette, readonly: readonly, readonlyHint: readonlyHint, forceASCII: ascii,
                          refreshInterval: interval, notice: notice).run()
    }

    private func backend(snapshot: @escaping @Sendable () -> ConsoleSnapshot, rollbackPlan: @escaping @Sendable () throws -> RollbackPlan,
                         execute: @escaping @Sendable (ConsoleIntent) throws -> String) -> ConsoleBackend {
        let catalog = ThemeCatalog(directory: themes)
        return ConsoleBackend(snapshot: snapshot, rollbackPlan: rollbackPlan, execute: execute, palette: { name in
            let (palette, problem) = catalog.palette(named: name)
            if let problem { throw SwitchyardError.failure(problem) }
            return palette
        })
    }

    /// Attached to a running serve through its admin socket, for a user who does not own the state.
    private func remoteConsole() throws -> RemoteConsole? {
        guard drill == nil, !demo, !embedded, try AdminForwarding.ownership(of: state.directory) == .someoneElse else { return nil }
        return RemoteConsole(path: AdminSocket.path(in: state.directory))
    }

    private func runRemote(_ remote: RemoteConsole, palette: Theme, notice: String?, interval: Duration) async throws {
        let me = try remote.whoami()
        let viewer = me.role == .view
        let directory = state.directory
        let backend = backend(
            snapshot: {
                do {
                    return try remote.snapshot()
                } catch {
                    var empty = ConsoleSnapshot(mode: .attached, stateDirectory: directory, generation: 0, now: Date())
                    empty.alarm = "\(error)"
                    return empty
                }
            },
            rollbackPlan: { try remote.rollbackPlan() },
            execute: { try remote.execute($0) })
        await runConsole(backend: backend, palette: palette, readonly: readonly || viewer,
                         readonlyHint: viewer ? "\(me.actor) is in serve's viewers group: looking only" : nil, interval: interval,
                         notice: notice ?? "attached through \(remote.path) as \(me.actor)" + (viewer ? ", read-only" : ""))
    }

    /// The store, the services to run beside the console, the mode they make, the drill being played if any, and
    /// the embedded Engine's steering guard if there is one.
    private func prepare(policy: ControlPolicy) async throws
        -> (SwitchyardStore, [any Service], ConsoleSnapshot.Mode, RealtimeDrill?, SteeringGuard?) {
        if let drill {
            let script = try DrillManifest.load(path: drill)
            let directory = state.state ?? FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-drill-\(getpid())").path
            let rehearsal = try await RealtimeDrill.prepare(script, directory: directory, attended: true)
            return (rehearsal.store, rehearsal.services, .drill, rehearsal, nil)
        }
        if demo {
            let directory = state.state ?? FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-demo-\(getpid())").path
            if FileManager.default.fileExists(atPath: "\(directory)/\(SwitchyardStore.fileName)") {
                throw SwitchyardError.usage("--demo seeds a fresh state, but '\(directory)' already holds one",
                                            hint: "leave out --state, or point it at an empty directory")
            }
            let fleet = try await DemoFleet.start(directory: directory, examples: examples, announce: { _ in })
            return (fleet.store, fleet.services, .demo, nil, nil)
        }
        let store = try state.openExisting()
        let fresh = try store.observations().values.contains { Date().timeIntervalSince($0.time) < 5 }
        if fresh && !embedded { return (store, [], .attached, nil, nil) }
        let data = try ListenAddress(parsing: listen, option: "--listen")
        let adminAddress = try ListenAddress(parsing: admin, option: "--admin")
        let router = SwitchyardRouter()
        let engine = try await router.settingUp {
            try EngineServices.make(store: store, router: router, policy: policy, reload: .milliseconds(250), announce: { _ in })
        }
        return (store, engine.services + router.services(listen: (data.host, data.port), admin: (adminAddress.host, adminAddress.port)) { _, _ in },
                .embedded, nil, engine.steering)
    }

    private func refreshInterval() throws -> Duration {
        if refresh.hasSuffix("ms"), let millis = Int(refresh.dropLast(2)), millis >= 100 { return .milliseconds(millis) }
        let seconds = try DurationText.seconds(refresh, field: "--refresh")
        guard seconds > 0 else { throw SwitchyardError.usage("--refresh must be at least 100ms") }
        return .seconds(seconds)
    }
}

/// Themes by name from `Themes/*.yaml`; `NO_COLOR` and `monochrome` need no file.
struct ThemeCatalog: Sendable {
    let directory: String

    /// The theme, or the default one (monochrome if that fails too) with the problem to tell the operator.
    func palette(named name: String) -> (Theme, problem: String?) {
        if ProcessInfo.processInfo.environment["NO_COLOR"].map({ !$0.isEmpty }) == true || name == "monochrome" { return (.monochrome, nil) }
        do {
            return (try ThemeManifest.load(path: "\(directory)/\(name).yaml"), nil)
        } catch {
            let problem = "default theme in use: theme '\(name)' could not be used: \(error)"
            return ((try? ThemeManifest.load(path: "\(directory)/default.yaml")) ?? .monochrome, problem)
        }
    }
}
