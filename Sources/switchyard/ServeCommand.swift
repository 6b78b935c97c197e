import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SwitchyardCore
import SwitchyardEngine
import SwitchyardManifest
import SwitchyardRouter
import SwitchyardStore

/// `switchyard serve`: the OpenAI-compatible data plane and its admin listener.
struct ServeCommand: LongRunningCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the OpenAI-compatible router: split, pin, mirror and flip traffic between bundles.",
        discussion: "The admin listener serves /metrics, /healthz and /status; it never shares a port with the data plane.")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "HOST:PORT of the data plane.") var listen = "127.0.0.1:8080"
    @Option(name: .long, help: "HOST:PORT of the admin listener (metrics, status).") var admin = "127.0.0.1:9464"
    @Option(name: .long, help: "YAML map of tenant → API keys, for clients that send no x-switchyard-tenant.") var tenantKeys: String?
    @Option(name: .long, help: "Largest request body accepted, in bytes.") var maxBody = 4 << 20
    @Option(name: .long, help: "How long shutdown waits for requests in flight, e.g. 30s.") var drainTimeout = "30s"
    @Option(name: .long, help: "Close a client connection idle this long, or still sending its request head, e.g. 60s.") var idleTimeout = "60s"
    @Option(name: .long, help: "How often to check the store for a new routing generation, in milliseconds.") var reloadMs = 250
    @Option(name: .long, help: "Control policy file (YAML): SLO, trigger thresholds, guards, drain stages.") var policy: String?
    @Option(name: .long, help: "How long each answered request's record (id, time, tenant, session, bundle; no content) is kept for `switchyard affected`.")
    var affectedRetention = "24h"
    @Option(name: .long, help: "Group given the admin socket DIR/admin.sock (mode 0660): who may attach. Default: serve's own group.")
    var adminGroup: String?
    @Option(name: .long, help: "Members of this group may attach to the admin socket read-only.") var viewersGroup: String?

    func runUntilStopped() async throws {
        let dataAddress = try ListenAddress(parsing: listen, option: "--listen")
        let adminAddress = try ListenAddress(parsing: admin, option: "--admin")
        guard dataAddress.port == 0 || dataAddress.port != adminAddress.port || dataAddress.host != adminAddress.host else {
            throw SwitchyardError.usage("--listen and --admin must differ: the data plane never serves admin endpoints")
        }
        let drain = try DurationText.seconds(drainTimeout, field: "--drain-timeout")
        var configuration = RouterConfiguration()
        configuration.maxBodyBytes = maxBody
        configuration.idleTimeout = .seconds(try DurationText.seconds(idleTimeout, field: "--idle-timeout"))
        configuration.tenantKeys = try tenantKeys.map(TenantKeysManifest.load(path:)) ?? [:]
        let store = try state.openExisting()
        let access = try AdminAccess(socketGroup: adminGroup, viewersGroup: viewersGroup)
        let controlPolicy = try policy.map(PolicyManifest.load(path:)) ?? ControlPolicy()
        let retention = try DurationText.seconds(affectedRetention, field: "--affected-retention")
        let router = SwitchyardRouter(configuration: configuration)
        let bell = ReloadBell()
        let (engine, socket) = try await router.settingUp {
            let engine = try EngineServices.make(store: store, router: router, policy: controlPolicy, reload: .milliseconds(reloadMs),
                                                 affectedRetentionSeconds: retention, bell: bell, announce: Terminal.announce)
            return (engine, try adminSocket(store: store, access: access, policy: controlPolicy, steering: engine.steering) { generation in
                Self.putInForce(generation, router: router, bell: bell)
            })
        }
        await router.checkHealthNow()
        if viewersGroup != nil, let problem = AdminForwarding.sharedWriteAccess(store.directory) { Terminal.announce("warning: \(problem)") }
        Terminal.announce("admin socket \(socket.path) (mode 0660, group \(adminGroup ?? "of serve's user")"
                          + (viewersGroup.map { "; group \($0) read-only" } ?? "") + ")")
        let services = router.services(listen: (dataAddress.host, dataAddress.port), admin: (adminAddress.host, adminAddress.port)) { data, admin in
            Terminal.announce("switchyard serving generation \(engine.generation) on http://\(dataAddress.host):\(data) (admin http://\(adminAddress.host):\(admin))")
        }
        var group = ServiceGroupConfiguration(
            services: [AdminSocketService(socket: socket)] + engine.services + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: Logger(label: "switchyard"))
        group.maximumGracefulShutdownDuration = .seconds(drain)
        try await ServiceGroup(configuration: group).run()
        Terminal.announce("switchyard stopped")
    }

    /// Rings the routing watcher and waits (on the admin socket's thread, at most 2 s) until `generation` is in force;
    /// returns the generation in force.
    private static func putInForce(_ generation: Int, router: SwitchyardRouter, bell: ReloadBell) -> Int {
        bell.ring()
        let deadline = ContinuousClock.now + .seconds(2)
        while router.generation < generation && ContinuousClock.now < deadline { usleep(1_000) }
        return router.generation
    }

    /// The admin socket in the state directory, answered by a broker that runs commands against this state.
    private func adminSocket(store: SwitchyardStore, access: AdminAccess, policy: ControlPolicy, steering: SteeringGuard,
                             inForce: @escaping @Sendable (Int) -> Int) throws -> AdminSocket {
        let directory = URL(fileURLWithPath: store.directory).standardizedFileURL.path
        let capacity = StaticCapacityProvider(store: store) { (try? store.observations()) ?? [:] }
        let feed = ConsoleFeed(reader: ConsoleSnapshotReader(store: store, mode: .attached, policy: policy),
                               actions: ConsoleActions(store: store, clock: WallClock(), capacity: capacity, policy: policy, actor: "serve"),
                               steering: steering)
        let broker = CommandBroker(stateDirectory: directory, viewersGroup: viewersGroup,
                                   policyPath: self.policy.map { URL(fileURLWithPath: $0).standardizedFileURL.path }, console: feed,
                                   inForce: inForce)
        return try AdminSocket(stateDirectory: directory, access: access) { broker.answer($0, peer: $1, role: $2) }
    }
}
