import AsyncHTTPClient
import Foundation
import ServiceLifecycle
import Synchronization
import SwitchyardCore
import SwitchyardDrill
import SwitchyardEngine
import SwitchyardFakeBackend
import SwitchyardRouter
import SwitchyardStore

/// A drill on the wall clock through the full data plane: each version of the script is a fake backend on
/// loopback behind the embedded router and Engine, clients send the script's traffic over HTTP, and faults
/// change the backends' behaviour. `drill run --realtime` runs it unattended (the scripted on-call answers
/// prompts); `console --drill` runs it beside the console, where a person answers them.
final class RealtimeDrill: Sendable {
    let store: SwitchyardStore
    let services: [any Service]
    private let scorecard: AsyncStream<DrillScorecard>

    private init(store: SwitchyardStore, services: [any Service], scorecard: AsyncStream<DrillScorecard>) {
        self.store = store
        self.services = services
        self.scorecard = scorecard
    }

    /// Seeds `directory` (which must not hold a state) and returns the services that play the drill once started.
    static func prepare(_ script: DrillScript, directory: String, attended: Bool) async throws -> RealtimeDrill {
        if FileManager.default.fileExists(atPath: "\(directory)/\(SwitchyardStore.fileName)") {
            throw SwitchyardError.usage("'\(directory)' already holds a state", hint: "a drill seeds a fresh one: remove it or pick another directory")
        }
        if script.steps.contains(where: { if case .fault(let fault) = $0.kind { fault.toolLoopRate != nil } else { false } }) {
            throw SwitchyardError.usage("\(script.name): tool_loop_rate is simulated only, in virtual time",
                                        hint: "the real-time runner sends single-turn requests, so no conversation reaches a tool-call depth; run it without --realtime")
        }
        let store = try SwitchyardStore(directory: directory, clock: WallClock(), create: true)
        let backends = script.bundles.map { bundle in
            FakeBackend(name: "\(script.bundleName)@\(bundle.version)", profile: profile(bundle, script: script), seed: script.seed)
        }
        let (group, urls) = await LoopbackBackends.start(backends)
        let endpoints = Dictionary(uniqueKeysWithValues: zip(script.bundles.map(\.version), urls))
        try DrillSession.seed(script, store: store) { endpoints[$0.version]! }
        let router = SwitchyardRouter()
        let engine = try EngineServices.make(store: store, router: router, policy: script.policy, reload: .milliseconds(250), announce: { _ in })
        await router.checkHealthNow()
        let (cards, finished) = AsyncStream<DrillScorecard>.makeStream()
        let driver = RealtimeDrillDriver(script: script, store: store, backends: Dictionary(uniqueKeysWithValues: zip(script.bundles.map(\.version), backends)),
                                         attended: attended, finished: finished)
        let routerServices = router.services(listen: ("127.0.0.1", 0), admin: ("127.0.0.1", 0)) { port, _ in
            await driver.begin(url: "http://127.0.0.1:\(port)")
        }
        return RealtimeDrill(store: store, services: [group] + engine.services + routerServices + [driver], scorecard: cards)
    }

    /// The scorecard, once the drill's time is up (nil if it was stopped before).
    func result() async -> DrillScorecard? {
        var iterator = scorecard.makeAsyncIterator()
        return await iterator.next()
    }

    /// The fake backend's behaviour for a drill version: its latency split into the first token and a short
    /// answer, its error, refusal and malformed-output rates, and its pool's concurrency.
    static func profile(_ bundle: DrillBundle, script: DrillScript) -> BackendProfile {
        let model = DrillSession.model(script.ref(bundle.version))
        let firstToken = bundle.latencyMilliseconds * DrillBundle.firstTokenShare
        let tokens = 4
        let decodingSeconds = bundle.latencyMilliseconds * (1 - DrillBundle.firstTokenShare) / 1000
        return BackendProfile(model: model.id, revision: model.revision ?? "", ttft: .init(p50Ms: firstToken, p99Ms: firstToken * 2),
                              tokensPerSecond: Double(tokens) / max(decodingSeconds, 0.001), outputTokens: tokens, errorRate: bundle.errorRate, malformedRate: bundle.schemaFailureRate,
                              refusalRate: bundle.refusalRate, maxConcurrency: bundle.replicas * bundle.perReplicaConcurrency)
    }
}

/// Plays the script second by second on the wall clock: steps, faults on the backends, prompts, client
/// traffic at the script's rate, and what the clients saw; then the scorecard.
final class RealtimeDrillDriver: Service, Sendable {
    let script: DrillScript
    let store: SwitchyardStore
    let backends: [String: FakeBackend]
    let attended: Bool
    let finished: AsyncStream<DrillScorecard>.Continuation
    private let urls = AsyncStream<String>.makeStream()
    private let clients = DrillClients()

    init(script: DrillScript, store: SwitchyardStore, backends: [String: FakeBackend], attended: Bool,
         finished: AsyncStream<DrillScorecard>.Continuation) {
        self.script = script
        self.store = store
        self.backends = backends
        self.attended = attended
        self.finished = finished
    }

    /// Starts the drill once the router listens at `url`.
    func begin(url: String) async { urls.continuation.yield(url) }

    func run() async throws {
        var iterator = urls.stream.makeAsyncIterator()
        guard let base = await iterator.next() else { return }
        defer { finished.finish() }
        try await cancelWhenGracefulShutdown { try await self.play(base: base) }
    }

    private func play(base: String) async throws {
        let start = Date()
        let clock = WallClock()
        var session = DrillSession(script: script, store: store, clock: clock,
                                   capacity: StaticCapacityProvider(store: store) { [store] in (try? store.observations()) ?? [:] }, start: start)
        try session.begin(mode: attended ? "console" : "realtime")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for second in 0..<script.durationSeconds {
                for (fault, targets) in try session.advance(to: second, attended: attended) { inject(fault, into: targets) }
                session.observe(try store.routing().table, at: second)
                let rate = script.traffic.requestsPerSecond(at: second)
                let tenants = script.traffic.tenants
                let model = script.bundleName
                group.addTask { [clients] in await clients.send(base: base, model: model, rate: rate, tenants: tenants, second: second) }
                let outcome = clients.takeCompleted()
                session.count(requests: outcome.requests, failed: outcome.failed)
                let next = start + Double(second + 1)
                try await Task.sleep(for: .milliseconds(max(0, Int(next.timeIntervalSinceNow * 1000))))
            }
            try await group.waitForAll()
        }
        let outcome = clients.takeCompleted()
        session.count(requests: outcome.requests, failed: outcome.failed)
        finished.yield(try session.finish(reason: "wall-clock time is up"))
    }

    /// Applies a fault to the backends of the versions it hits.
    private func inject(_ fault: DrillFault, into targets: [BundleRef]) {
        for ref in targets {
            if let seconds = fault.coldStartSeconds { backends[ref.version]?.restart(coldStartSeconds: Double(seconds)) }
            backends[ref.version]?.changeProfile { profile in
                if let rate = fault.errorRate { profile.errorRate = rate }
                if let factor = fault.latencyFactor {
                    profile.ttft = profile.ttft.scaled(by: factor)
                    profile.tokensPerSecond /= factor
                }
                if let factor = fault.ttftFactor { profile.ttft = profile.ttft.scaled(by: factor) }
                if let rate = fault.refusalRate { profile.refusalRate = rate }
                if let rate = fault.schemaFailureRate { profile.malformedRate = rate }
                if let factor = fault.costFactor { profile.outputTokens = max(1, Int((Double(profile.outputTokens) * factor).rounded())) }
                if let lost = fault.capacityLoss {
                    let perReplica = script.bundles.first { $0.version == ref.version }?.perReplicaConcurrency ?? 1
                    profile.maxConcurrency = max(0, profile.maxConcurrency - lost * perReplica)
                }
            }
        }
    }
}

/// The drill's clients: open-loop requests at the script's rate, tenants by their shares, recurring sessions;
/// counts what completed and what failed (a 5xx, a 429 or no answer) since the last look.
final class DrillClients: Sendable {
    private let completed = Mutex((requests: 0, failed: 0))

    /// Sends one second of traffic, spread evenly over the second, and waits for the answers.
    func send(base: String, model: String, rate: Double, tenants: [DrillTraffic.TenantShare], second: Int) async {
        let count = Int((rate * Double(second + 1)).rounded()) - Int((rate * Double(second)).rounded())
        guard count > 0 else { return }
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(1000 * index / count))
                    let tenant = Self.pick(tenants, at: Double.random(in: 0..<1))
                    let request = SyntheticTraffic.chat(base: base, model: model, tenant: tenant, session: "\(tenant)-\(Int.random(in: 0..<50))")
                    var failed = true
                    if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(30)) {
                        _ = try? await response.body.collect(upTo: 1 << 20)
                        failed = response.status.code >= 500 || response.status.code == 429
                    }
                    self.completed.withLock { totals in
                        totals.requests += 1
                        if failed { totals.failed += 1 }
                    }
                }
            }
        }
    }

    /// Requests completed since the last call, and how many failed.
    func takeCompleted() -> (requests: Int, failed: Int) {
        completed.withLock { totals in
            defer { totals = (0, 0) }
            return totals
        }
    }

    /// The tenant whose share covers `point` in [0, 1).
    static func pick(_ tenants: [DrillTraffic.TenantShare], at point: Double) -> String {
        var total = 0.0
        for tenant in tenants {
            total += tenant.share
            if point < total { return tenant.tenant }
        }
        return tenants.last?.tenant ?? RoutingTable.defaultTenant
    }
}
