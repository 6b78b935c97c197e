import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardSim
import SwitchyardStore

/// Plays a drill in virtual time: a real store in `directory`, a simulated fleet, and the real control loop
/// ticking once a virtual second. Deterministic for a script and its seed.
public struct DrillRunner {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    let clock: ManualClock
    let fleet: SimFleet
    let loop: ControlLoop
    var session: DrillSession
    /// The fleet's behaviour as faults change it, for the capacity check.
    var profiles: [BundleRef: SimBundle]

    /// Seeds a store in `directory` (which must be empty) with the drill's fleet and routing.
    public init(_ script: DrillScript, directory: String) throws {
        clock = ManualClock(Self.start)
        let store = try SwitchyardStore(directory: directory, clock: clock, create: true)
        var profiles: [BundleRef: SimBundle] = [:]
        for bundle in script.bundles {
            profiles[script.ref(bundle.version)] = SimBundle(
                warmReplicas: bundle.replicas, maxReplicas: bundle.maxReplicas, perReplicaConcurrency: bundle.perReplicaConcurrency,
                coldStartSeconds: bundle.coldStartSeconds, scaleUpPerMinute: bundle.scaleUpPerMinute,
                meanLatencySeconds: bundle.latencyMilliseconds / 1000, firstTokenShare: DrillBundle.firstTokenShare, errorRate: bundle.errorRate, refusalRate: bundle.refusalRate,
                schemaFailureRate: bundle.schemaFailureRate)
        }
        self.profiles = profiles
        let traffic = script.traffic
        fleet = SimFleet(seed: script.seed, clock: clock, bundles: profiles,
                         traffic: SimTraffic(tenants: traffic.tenants.map { ($0.tenant, $0.share) }, requestsPerSecond: { traffic.requestsPerSecond(at: $0) }))
        loop = ControlLoop(store: store, clock: clock, telemetry: fleet, capacity: fleet, policy: script.policy)
        try DrillSession.seed(script, store: store) { "http://sim.invalid/\($0.version)" }
        session = DrillSession(script: script, store: store, clock: clock, capacity: fleet, start: Self.start)
    }

    /// Runs every virtual second of the drill and scores it.
    public mutating func run() throws -> DrillScorecard {
        let script = session.script
        let store = session.store
        try session.begin(mode: "virtual")
        for second in 0..<script.durationSeconds {
            for (fault, targets) in try session.advance(to: second, attended: false) { inject(fault, into: targets) }
            let table = try store.routing().table
            session.observe(table, at: second)
            try checkDrainCapacity(table, at: second)
            fleet.step(routing: table)
            let seconds = script.bundles.map { fleet.counters(bundle: script.ref($0.version), lastSeconds: 1, now: clock.now() - 1) }
            session.count(requests: seconds.map(\.requests).reduce(0, +), failed: seconds.map(\.failed).reduce(0, +))
            _ = try loop.tick()
        }
        return try session.finish(reason: "virtual time is up")
    }

    private mutating func inject(_ fault: DrillFault, into targets: [BundleRef]) {
        let now = clock.now()
        for ref in targets {
            let change: @Sendable (inout SimBundle) -> Void = { bundle in
                if let rate = fault.errorRate { bundle.errorRate = rate }
                if let factor = fault.latencyFactor { bundle.meanLatencySeconds *= factor }
                if let factor = fault.ttftFactor { bundle.slowFirstToken(by: factor) }
                if let seconds = fault.coldStartSeconds { bundle.restartingUntil = now + Double(seconds) }
                if let rate = fault.refusalRate { bundle.refusalRate = rate }
                if let rate = fault.schemaFailureRate { bundle.schemaFailureRate = rate }
                if let rate = fault.toolLoopRate { bundle.toolLoopRate = rate }
                if let factor = fault.costFactor { bundle.costPerRequestUSD *= factor }
                if let lost = fault.capacityLoss { bundle.warmReplicas = max(0, bundle.warmReplicas - lost) }
            }
            fleet.update(ref, change)
            change(&profiles[ref]!)
        }
    }

    /// Counts a second in which a drain target carries more concurrency than it can.
    private mutating func checkDrainCapacity(_ table: RoutingTable, at second: Int) throws {
        guard let drain = try session.store.activeRollback(), let profile = profiles[drain.to] else { return }
        let assigned = session.script.traffic.requestsPerSecond(at: second) * session.share(of: drain.to, in: table) * profile.meanLatencySeconds
        if assigned > Double(try fleet.drainTarget(for: drain.to).capacity(after: 0)) + 0.5 { session.countCapacityViolation() }
    }
}
