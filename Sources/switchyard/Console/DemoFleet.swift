import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardEngine
import SwitchyardFakeBackend
import SwitchyardManifest
import SwitchyardRouter
import SwitchyardStore

/// `console --demo`: a whole fleet in one process so a newcomer sees live data at once. The example bundles
/// from `Docs/examples`, one fake backend per pool endpoint on loopback, the router and the Engine, synthetic
/// traffic from three tenants with sessions, and a rollout of 1.1.0 in progress.
enum DemoFleet {
    static let actor = "demo"
    static let plan = RolloutPlan(name: "support-1.1.0-canary", steps: [
        .setWeight(basisPoints: 1000, tenant: nil), .pause(seconds: 60),
        .analysis(AnalysisStep(metrics: ["latency", "error_rate"], windowSeconds: 60, minimumSamples: 50)),
        .setWeight(basisPoints: 2500, tenant: nil), .pause(seconds: nil), .setWeight(basisPoints: fullWeight, tenant: nil),
    ])

    /// Seeds `directory` (which must not hold a store yet) and returns the services that run the fleet.
    static func start(directory: String, examples: String, announce: @escaping @Sendable (String) -> Void) async throws
        -> (store: SwitchyardStore, services: [any Service]) {
        let store = try SwitchyardStore(directory: directory, clock: WallClock(), create: true)
        let files = try FileManager.default.contentsOfDirectory(atPath: examples).sorted()
        let manifests = try files.filter { $0.hasPrefix("support-assistant-") && $0.hasSuffix(".yaml") }
            .map { try BundleManifest.load(path: "\(examples)/\($0)") }
        guard !manifests.isEmpty else {
            throw SwitchyardError.failure("no example bundles in '\(examples)'", hint: "run from the repository root, or pass --examples DIR")
        }
        _ = try store.addBundles(manifests.map { .init(bundle: $0.bundle, promptText: $0.promptText, floating: false) }, actor: actor)
        var pools = try files.filter { $0.hasPrefix("pool-") }.map { try PoolManifest.load(path: "\(examples)/\($0)") }
        let backends = try await startBackends(for: &pools, store: store)
        for pool in pools { try store.setPool(pool, actor: actor, reason: "demo fleet on loopback") }
        let validated = BundleRef(name: "support-assistant", version: "1.0.0")
        try store.signOff(validated, actor: actor, reason: "demo: golden suite passed")
        try store.setStage(validated, to: .staging, actor: actor, reason: "demo")
        try store.setStage(validated, to: .production, actor: actor, reason: "demo: seeded fleet, no evaluation suite", skipEvaluation: true)
        try store.setRoute(tenant: RoutingTable.defaultTenant, route: TenantRoute(weights: [WeightedBundle(bundle: validated, basisPoints: fullWeight)]),
                           actor: actor, reason: "demo: all traffic on the validated bundle")
        try store.setRoute(tenant: "acme", route: TenantRoute(weights: [WeightedBundle(bundle: validated, basisPoints: fullWeight)],
                                                              shadow: ShadowRoute(bundle: BundleRef(name: "support-assistant", version: "2.0.0"), sampleBasisPoints: 500)),
                           actor: actor, reason: "demo: shadow 2.0.0 on acme")
        try RolloutCommands(store: store, clock: WallClock()).start(BundleRef(name: "support-assistant", version: "1.1.0"), plan: plan,
                                                                   baseline: validated, actor: actor, reason: "demo: ship 1.1.0", overrideFreeze: false)
        let router = SwitchyardRouter()
        let engine = try EngineServices.make(store: store, router: router, policy: ControlPolicy(), reload: .milliseconds(250), announce: announce)
        await router.checkHealthNow()
        let traffic = SyntheticTraffic()
        let routerServices = router.services(listen: ("127.0.0.1", 0), admin: ("127.0.0.1", 0)) { data, _ in
            await traffic.begin(url: "http://127.0.0.1:\(data)")
        }
        return (store, [backends] + engine.services + routerServices + [traffic])
    }

    /// Starts one fake backend per pool endpoint on a free loopback port, points the pools at them, and returns
    /// the running group (stopped with the rest of the fleet).
    private static func startBackends(for pools: inout [PoolSpec], store: SwitchyardStore) async throws -> BackgroundGroup {
        var backends: [FakeBackend] = []
        for pool in pools {
            let bundle = try store.requireBundle(pool.bundle).bundle
            // 2.0.0 misbehaves a little, so that there is something to roll back.
            let errors = pool.bundle.version.hasPrefix("2.") ? 0.04 : 0.0003
            var profile = BackendProfile(model: bundle.model.id, revision: bundle.model.revision ?? "unpinned", ttft: .init(p50Ms: 60, p99Ms: 400),
                                         tokensPerSecond: 80, outputTokens: 24, errorRate: errors, refusalRate: 0.01)
            // Recurring sessions hit the backend's prompt cache, so the console's cache% column has figures.
            profile.promptCache = true
            for _ in pool.endpoints {
                backends.append(FakeBackend(name: "\(pool.bundle)#\(backends.count)", profile: profile, seed: UInt64(backends.count + 1)))
            }
        }
        let (group, urls) = await LoopbackBackends.start(backends)
        var next = urls.makeIterator()
        for index in pools.indices { pools[index].endpoints = pools[index].endpoints.map { _ in next.next()! } }
        return group
    }
}

/// Fake backends on free loopback ports, for the demo fleet and real-time drills.
enum LoopbackBackends {
    /// Starts every backend and returns the running group with each backend's base URL, in order.
    static func start(_ backends: [FakeBackend]) async -> (group: BackgroundGroup, urls: [String]) {
        guard !backends.isEmpty else { return (BackgroundGroup(services: []), []) }
        let (ports, continuation) = AsyncStream<(Int, Int)>.makeStream()
        let applications: [any Service] = backends.enumerated().map { index, backend in
            backend.application(host: "127.0.0.1", port: 0) { continuation.yield((index, $0)) }
        }
        let group = BackgroundGroup(services: applications)
        var bound: [Int: Int] = [:]
        for await (index, port) in ports {
            bound[index] = port
            if bound.count == backends.count { break }
        }
        return (group, backends.indices.map { "http://127.0.0.1:\(bound[$0]!)" })
    }
}

/// A service group already running in the background, itself a service that stops it on graceful shutdown.
final class BackgroundGroup: Service, Sendable {
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    init(services: [any Service]) {
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, logger: Logger(label: "switchyard.demo")))
        self.group = group
        task = Task { try? await group.run() }
    }

    func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }

    /// Stops every service of the group and waits for them.
    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}
