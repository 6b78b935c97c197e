import AsyncHTTPClient
import Atomics
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import SwitchyardCore

/// Settings of the data plane.
public struct RouterConfiguration: Sendable {
    /// Request bodies above this are refused with 413 before any backend sees them.
    public var maxBodyBytes = 4 << 20
    /// Answers above this (non-streaming) fail with 502.
    public var maxAnswerBytes = 64 << 20
    /// How long a backend may take to send the head of its answer.
    public var upstreamTimeout: TimeAmount = .seconds(120)
    public var healthInterval: Duration = .seconds(1)
    /// Shadow copies in flight at once; beyond this, copies are dropped.
    public var shadowConcurrency = 32
    /// API key → tenant, for clients that do not send `x-switchyard-tenant`.
    public var tenantKeys: [String: String] = [:]
    public var refusalMarkers = RefusalDetector.defaultMarkers
    /// A client connection with no request in progress (or a request head still arriving) is closed after this
    /// long: a header flood, a slow client or an endless body cannot hold a connection forever.
    public var idleTimeout: Duration = .seconds(60)
    /// How often freed heap memory is given back to the kernel (see `ProcessHeap`).
    public var heapTrimInterval: Duration = .seconds(5)

    public init() {}
}

/// The router: the current routing generation, the backends, and the listeners that serve them.
public final class SwitchyardRouter: Sendable {
    public let configuration: RouterConfiguration
    public let telemetry = TelemetryHub()
    let client: HTTPClient
    let directory = EndpointDirectory()
    let pins = SessionPins()
    let inFlight = InFlightRegistry()
    let ledger = RequestLedger()
    let refusals: RefusalDetector
    let shadowsInFlight = ManagedAtomic(0)
    private let current = ManagedAtomic(RoutingSnapshot(table: RoutingTable(), bundles: [:]))

    public init(configuration: RouterConfiguration = RouterConfiguration()) {
        self.configuration = configuration
        refusals = RefusalDetector(markers: configuration.refusalMarkers)
        var http = HTTPClient.Configuration()
        http.redirectConfiguration = .disallow
        http.decompression = .disabled
        http.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(2), read: configuration.upstreamTimeout)
        http.connectionPool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    var snapshot: RoutingSnapshot { current.load(ordering: .acquiring) }

    /// The routing generation in force now.
    public var generation: Int { snapshot.generation }

    /// Installs a new generation atomically and applies its in-flight policy; the outcome says how many
    /// requests in flight it affected, for the journal.
    @discardableResult
    public func install(_ plan: RoutingPlan) -> FlipOutcome {
        let bundles = plan.bundles.mapValues { resolved in
            ServedBundle(resolved: resolved, applier: BundleApplier(bundle: resolved.bundle, systemPromptText: resolved.systemPromptText),
                         pool: directory.pool(for: resolved.pool, model: resolved.bundle.model))
        }
        current.store(RoutingSnapshot(table: plan.table, bundles: bundles), ordering: .releasing)
        return inFlight.flip(to: plan.table, policy: plan.table.inFlightPolicy ?? .finish)
    }

    /// Probes the backends of `plan` that no health check has answered for yet (a pool new to the router), so
    /// that the flip to it finds them healthy instead of answering 503 until the next round of checks.
    public func prepare(_ plan: RoutingPlan) async {
        let unprobed = plan.bundles.values.flatMap { directory.pool(for: $0.pool, model: $0.bundle.model).endpoints }.filter { !$0.probed.load(ordering: .relaxed) }
        if !unprobed.isEmpty { await healthChecker.check(unprobed) }
    }

    /// Checks every backend once; call before opening the listener so the first requests find healthy backends.
    public func checkHealthNow() async { await healthChecker.checkAll() }

    var healthChecker: HealthChecker { HealthChecker(directory: directory, client: client, interval: configuration.healthInterval) }

    /// The services that make up a running router: health checks, heap trims, the data plane and the admin listener.
    /// They stop in reverse order on graceful shutdown: the data plane finishes its requests first.
    public func services(listen: (host: String, port: Int), admin: (host: String, port: Int),
                         onRunning: @escaping @Sendable (_ data: Int, _ admin: Int) async -> Void) -> [any Service] {
        let ports = PortRendezvous(onBoth: onRunning)
        let data = DataPlaneService(router: self, host: listen.host, port: listen.port) { await ports.data($0) }
        let adminApp = Application(
            responder: AdminResponder(router: self),
            configuration: ApplicationConfiguration(address: .hostname(admin.host, port: admin.port), serverName: nil, reuseAddress: true),
            onServerRunning: { await ports.admin($0.localAddress?.port ?? admin.port) },
            logger: Logger(label: "switchyard.admin"))
        return [ClientService(client: client), healthChecker, HeapTrimmer(interval: configuration.heapTrimInterval), adminApp, data]
    }

    /// Runs `setUp` (loading what the router needs before its services start); when it throws, shuts the
    /// upstream client down before passing the error on, since a client dropped while running traps.
    public func settingUp<T>(_ setUp: () async throws -> T) async throws -> T {
        do {
            return try await setUp()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// The requests answered since the last call (no content), for `serve` to save for `switchyard affected`, and
    /// how many were dropped because nobody collected them.
    public func collectServedRequests() -> (batches: [ServedRequestBatch], dropped: Int) { ledger.collect() }

    /// Requests in flight now, by bundle.
    public func inFlightByBundle() -> [BundleRef: Int] { inFlight.countByBundle() }

    /// Sessions pinned now, by bundle.
    public func pinnedSessionsByBundle() -> [BundleRef: Int] { pins.countByBundle() }
}

/// Shuts the upstream client down last, after the listeners have stopped.
struct ClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}

/// Calls back once both listeners are bound, with their ports.
actor PortRendezvous {
    private var dataPort: Int?
    private var adminPort: Int?
    private let onBoth: @Sendable (Int, Int) async -> Void

    init(onBoth: @escaping @Sendable (Int, Int) async -> Void) { self.onBoth = onBoth }

    func data(_ port: Int) async {
        dataPort = port
        await fireIfReady()
    }

    func admin(_ port: Int) async {
        adminPort = port
        await fireIfReady()
    }

    private func fireIfReady() async {
        if let dataPort, let adminPort { await onBoth(dataPort, adminPort) }
    }
}
