import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import SwitchyardCore
import SwitchyardEngine
import SwitchyardRouter
import SwitchyardStore

/// Builds the router's routing plan from the store: the generation in force with every bundle it routes,
/// their prompts and pools, and an active drain's target even before it has traffic, so that its health is
/// checked and a warm-first drain sees it warm (after a restart too). Upstream API keys are read from the
/// environment variables pools name.
struct RoutingLoader {
    let store: SwitchyardStore

    func plan() throws -> RoutingPlan {
        let table = try store.routing().table
        var bundles: [BundleRef: ResolvedBundle] = [:]
        let drainTarget = try store.activeRollback().map(\.to)
        for ref in table.referencedBundles.union(drainTarget.map { [$0] } ?? []) {
            bundles[ref] = try resolve(ref, role: "is routed")
        }
        return RoutingPlan(table: table, bundles: bundles)
    }

    /// A bundle with its prompt text, pool and upstream credential; `role` says why it needs a pool, for the error.
    func resolve(_ ref: BundleRef, role: String) throws -> ResolvedBundle {
        let record = try store.requireBundle(ref)
        guard let pool = try store.pool(ref)?.spec else {
            throw SwitchyardError.failure("\(ref) \(role) but has no pool", hint: "switchyard pool set \(ref) … --reason …")
        }
        let prompt = try record.bundle.systemPrompt.flatMap { try store.promptText(digest: $0.digest) }
        let key = pool.apiKeyEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        return ResolvedBundle(bundle: record.bundle, systemPromptText: prompt, pool: pool, upstreamAuthorization: key.map { "Bearer \($0)" })
    }
}

/// Watches the store for committed changes (from this process or another) and installs each new
/// generation within one poll interval. The check is one read of the journal head, off the request path.
struct RoutingWatcher: Service {
    let loader: RoutingLoader
    let router: SwitchyardRouter
    let interval: Duration
    let initialHead: Int
    /// Rung by a command that has just committed, so its generation is in force at once rather than at the next beat.
    let bell: ReloadBell
    let announce: @Sendable (String) -> Void
    let logger = Logger(label: "switchyard.routing")

    func run() async throws {
        await cancelWhenGracefulShutdown { await watch() }
    }

    /// Checks on a fixed beat (a reload's own work does not push the next check back), so a commit from another
    /// process is in force within one interval plus one reload, and at once when its command rings the bell. The
    /// health checker keeps checking on its own; a reload probes only endpoints never checked before.
    private func watch() async {
        var seen = initialHead
        var beat = ContinuousClock.now
        while !Task.isCancelled {
            beat = max(beat.advanced(by: interval), ContinuousClock.now)
            await bell.wait(until: beat)
            guard let head = try? await offCooperativePool({ try loader.store.journalHead()?.seq }), head != seen else { continue }
            do {
                let plan = try await offCooperativePool { try loader.plan() }
                await router.prepare(plan)
                let outcome = router.install(plan)
                seen = head
                announce("generation \(outcome.generation) in force; in flight on removed bundles: \(outcome.affected), reissued: \(outcome.reissued)")
            } catch {
                logger.error("could not load routing after journal entry \(head): \(error)")
            }
        }
    }
}

/// Runs blocking work (the store's SQLite reads and writes) on NIO's pool of threads for blocking I/O. Never on one
/// of Swift's cooperative threads: the data plane's request tasks run there, and there are as many as cores, so on
/// two cores a checkpoint and a read at the same moment would stop every request until they return.
func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await NIOThreadPool.singleton.runIfActive(work)
}

/// Runs the Engine's control loop once a second inside `serve`, after saving the router's observations.
struct ControlLoopService: Service {
    let loop: ControlLoop
    let steering: SteeringGuard
    let observe: @Sendable () throws -> Void
    let announce: @Sendable (String) -> Void
    let logger = Logger(label: "switchyard.engine")

    /// Observes every second; ticks the loop only while the journal's chain allows steering.
    func run() async throws {
        await cancelWhenGracefulShutdown {
            var refused = steering.problem != nil
            var failedTicks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                do {
                    let lines = try await offCooperativePool { () -> [String]? in
                        try observe()
                        return try steering.recheck() == nil ? try loop.tick() : nil
                    }
                    guard let lines else { continue }
                    if refused {
                        refused = false
                        announce("engine: the journal's break was acknowledged; automatic steering resumes")
                    }
                    for line in lines { announce("engine: \(line)") }
                    if failedTicks > 0 {
                        announce("engine: the control loop runs again after \(failedTicks) failed tick(s); automatic steering resumes")
                        failedTicks = 0
                    }
                } catch is CancellationError {
                    return  // serve is stopping
                } catch {
                    // A full disk fails every tick: say so once, not once a second.
                    if failedTicks == 0 {
                        logger.error("control loop tick failed: \(error); routing goes on as committed, no automatic action until the state is writable (repeats not logged)")
                    }
                    failedTicks += 1
                }
            }
        }
    }
}

/// The Engine as it runs beside a router: the routing watcher and the control loop, for `serve` and the
/// console's embedded and demo modes.
enum EngineServices {
    /// The services, the generation installed, and the guard that stops steering while the journal is broken
    /// (verified here, before anything runs).
    static func make(store: SwitchyardStore, router: SwitchyardRouter, policy: ControlPolicy, reload: Duration, affectedRetentionSeconds: Int = 86_400,
                     bell: ReloadBell = ReloadBell(), announce: @escaping @Sendable (String) -> Void) throws -> (services: [any Service], generation: Int, steering: SteeringGuard) {
        let steering = try SteeringGuard(store: store)
        if let problem = steering.problem {
            announce("engine: \(SteeringGuard.banner(problem)); routing goes on as committed, no automatic action is taken")
        }
        let loader = RoutingLoader(store: store)
        let initialHead = try store.journalHead()?.seq ?? 0
        let outcome = router.install(try loader.plan())
        let watcher = RoutingWatcher(loader: loader, router: router, interval: reload, initialHead: initialHead, bell: bell, announce: announce)
        let capacity = StaticCapacityProvider(store: store) { (try? store.observations()) ?? [:] }
        let loop = ControlLoop(store: store, clock: WallClock(), telemetry: router.telemetry, capacity: capacity, policy: policy)
        let wrongModel = WrongModelJournal(store: store)
        let engine = ControlLoopService(loop: loop, steering: steering, observe: {
            let now = Date()
            let observations = router.observations(now: now)
            try store.recordObservations(observations)
            try wrongModel.record(observations)
            let served = router.collectServedRequests()
            if served.dropped > 0 { announce("router: \(served.dropped) answered request(s) were not kept for `switchyard affected`: the store could not take them") }
            try store.recordServedRequests(served.batches, forgettingBefore: now.addingTimeInterval(-Double(affectedRetentionSeconds)))
        }, announce: announce)
        return ([watcher, engine], outcome.generation, steering)
    }
}
