import Foundation
import StoreTestSupport
import SwitchyardCore
import SwitchyardEngine
import SwitchyardSim
import SwitchyardStore

/// A scenario: a real store in a temporary directory, a simulated fleet on its virtual clock, and the real
/// control loop ticking once per virtual second. Bundles are `app@VERSION`; 1.0.0 is the signed-off
/// production bundle that takes all default traffic at the start.
final class Scenario {
    let fixture: StoreFixture
    let fleet: SimFleet
    let loop: ControlLoop
    let policy: ControlPolicy
    var log: [String] = []

    init(_ bundles: [String: SimBundle], rps: Double = 20, policy: ControlPolicy = ControlPolicy(), seed: UInt64 = 7) throws {
        fixture = try StoreFixture()
        self.policy = policy
        var refs: [BundleRef: SimBundle] = [:]
        for (version, bundle) in bundles { refs[StoreFixture.ref(version)] = bundle }
        fleet = SimFleet(seed: seed, clock: fixture.clock, bundles: refs, traffic: .constant(rps))
        loop = ControlLoop(store: fixture.store, clock: fixture.clock, telemetry: fleet, capacity: fleet, policy: policy)
        try fixture.deploy(bundles.keys.sorted())
        let store = fixture.store
        for stage in [Stage.staging, .production] {
            try store.setStage(StoreFixture.ref("1.0.0"), to: stage, actor: "alice", reason: "validated", skipEvaluation: true)
        }
        try store.signOff(StoreFixture.ref("1.0.0"), actor: "alice", reason: "validated")
        try store.setRoute(tenant: RoutingTable.defaultTenant, route: TenantRoute(weights: [
            WeightedBundle(bundle: StoreFixture.ref("1.0.0"), basisPoints: fullWeight)]), actor: "alice", reason: "baseline")
    }

    var store: SwitchyardStore { fixture.store }

    var rollouts: RolloutCommands { RolloutCommands(store: store, clock: fixture.clock) }

    var rollbacks: RollbackCommands { RollbackCommands(store: store, clock: fixture.clock, capacity: fleet, policy: policy) }

    /// Runs `seconds` of virtual time: traffic under the routing in force, then one control-loop tick, per
    /// second. `each` sees the routing table every second (for invariants).
    func run(seconds: Int, each: (RoutingTable) throws -> Void = { _ in }) throws {
        for _ in 0..<seconds {
            let table = try store.routing().table
            try each(table)
            fleet.step(routing: table)
            log += try loop.tick()
        }
    }

    /// Runs until `done` holds or `limit` seconds pass; returns the seconds it took, nil when it never held.
    func run(until done: () throws -> Bool, limit: Int) throws -> Int? {
        for second in 0..<limit {
            if try done() { return second }
            try run(seconds: 1)
        }
        return try done() ? limit : nil
    }

    /// The default route's share for `version`, in basis points.
    func share(_ version: String) throws -> Int {
        try store.routing().table.routes[RoutingTable.defaultTenant]?.weights.first { $0.bundle == StoreFixture.ref(version) }?.basisPoints ?? 0
    }

    func journal(kind: String) throws -> [JournalEntry] { try store.journal(JournalFilter(kind: kind)) }

    static let plan = RolloutPlan(name: "canary", steps: [
        .setWeight(basisPoints: 1000, tenant: nil), .pause(seconds: 600),
        .analysis(AnalysisStep(metrics: ["latency", "error_rate"], windowSeconds: 300, minimumSamples: 100)),
        .setWeight(basisPoints: 5000, tenant: nil), .pause(seconds: 600), .setWeight(basisPoints: fullWeight, tenant: nil),
    ])

    func startRollout(_ version: String) throws {
        try rollouts.start(StoreFixture.ref(version), plan: Self.plan, baseline: StoreFixture.ref("1.0.0"), actor: "alice", reason: "ship",
                           overrideFreeze: false)
    }
}
