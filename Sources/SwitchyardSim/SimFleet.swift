import Foundation
import Synchronization
import SwitchyardCore

/// A simulated fleet on a virtual clock: bundles with pools that warm up and saturate, and traffic routed by
/// the real routing table. It is a source of telemetry and capacity for the Engine, deterministic for a seed.
public final class SimFleet: TelemetryWindows, CapacityProvider, Sendable {
    /// Mutable simulation state, behind one lock.
    struct State {
        var bundles: [BundleRef: SimBundle]
        var series: [BundleRef: TelemetrySeries] = [:]
        /// When each pool was asked to scale up, and its warm replicas then.
        var scaling: [BundleRef: (since: Date, from: Int)] = [:]
        var lastLoad: [BundleRef: Double] = [:]
        var random: SeededGenerator
        /// Draws for LLM signals (tool loops, cost), apart so that they leave every other draw as it was.
        var llmRandom: SeededGenerator
        var second = 0
    }

    public let clock: ManualClock
    let traffic: SimTraffic
    private let state: Mutex<State>

    public init(seed: UInt64, clock: ManualClock, bundles: [BundleRef: SimBundle], traffic: SimTraffic) {
        self.clock = clock
        self.traffic = traffic
        state = Mutex(State(bundles: bundles, random: SeededGenerator(seed: seed), llmRandom: SeededGenerator(seed: seed &+ 1)))
    }

    /// Changes a bundle's behaviour mid-run (fault injection).
    public func update(_ bundle: BundleRef, _ change: @Sendable (inout SimBundle) -> Void) {
        state.withLock { change(&$0.bundles[bundle]!) }
    }

    /// Simulates one virtual second of traffic under `table`, then advances the clock by a second.
    public func step(routing table: RoutingTable) {
        let now = clock.now()
        state.withLock { state in
            let rps = traffic.requestsPerSecond(state.second)
            var demand: [BundleRef: Double] = [:]
            var arrivals: [(BundleRef, String)] = []
            for tenant in traffic.tenants {
                let count = Self.poisson(rps * tenant.share, using: &state.random)
                guard let route = table.route(forTenant: tenant.name) else { continue }
                for _ in 0..<count {
                    let bundle = route.bundle(forBucket: Int.random(in: 0..<fullWeight, using: &state.random))
                    arrivals.append((bundle, tenant.name))
                    demand[bundle, default: 0] += 1
                }
            }
            for (bundle, tenant) in arrivals {
                guard let profile = state.bundles[bundle] else { continue }
                let capacity = Double(Self.target(profile, scaling: state.scaling[bundle], now: now).capacity(after: 0))
                // Little's law: concurrency this second's arrivals need, against what the warm replicas hold.
                let needed = demand[bundle]! * profile.meanLatencySeconds
                let overloaded = needed > capacity && Double.random(in: 0..<1, using: &state.random) < 1 - capacity / max(needed, 1)
                let latency = -log(1 - Double.random(in: 0..<1, using: &state.random)) * profile.meanLatencySeconds
                let failed = overloaded || Double.random(in: 0..<1, using: &state.random) < profile.errorRate
                var observation = RequestObservation(key: TelemetryKey(bundle: bundle, tenant: tenant, role: .primary), time: now,
                                                     status: failed ? 503 : 200, latencyMicros: Int(latency * 1e6))
                observation.ttftMicros = Int(latency * profile.firstTokenShare * 1e6)
                observation.refusal = !failed && Double.random(in: 0..<1, using: &state.random) < profile.refusalRate
                if !failed {
                    observation.contract = Double.random(in: 0..<1, using: &state.random) < profile.schemaFailureRate ? .failed("simulated schema failure") : .passed
                    observation.toolLoop = Double.random(in: 0..<1, using: &state.llmRandom) < profile.toolLoopRate
                    var answer = AnswerSummary()
                    answer.toolCalls = observation.toolLoop ? 1 : 0
                    observation.answer = answer
                    observation.costUSD = profile.costPerRequestUSD * Double.random(in: 0.5..<1.5, using: &state.llmRandom)
                }
                state.series[bundle, default: TelemetrySeries()].record(observation)
            }
            state.lastLoad = demand
            state.second += 1
        }
        clock.advance(by: 1)
    }

    // MARK: TelemetryWindows

    public func counters(bundle: BundleRef, lastSeconds seconds: Int, now: Date) -> TelemetryCounters {
        state.withLock { $0.series[bundle]?.totals(lastSeconds: seconds, now: now) ?? TelemetryCounters() }
    }

    public func latencySamples(bundle: BundleRef, lastSeconds seconds: Int, now: Date, ttft: Bool) -> [Double] {
        state.withLock { $0.series[bundle]?.latencySamples(lastSeconds: seconds, now: now, ttft: ttft) ?? [] }
    }

    // MARK: CapacityProvider

    public func drainTarget(for bundle: BundleRef) throws -> DrainTarget {
        try state.withLock { state in
            guard let profile = state.bundles[bundle] else { throw SwitchyardError.failure("the simulation has no pool for \(bundle)") }
            return Self.target(profile, scaling: state.scaling[bundle], now: clock.now())
        }
    }

    public func load(of bundle: BundleRef) -> BundleLoad {
        let now = clock.now()
        return state.withLock { state in
            let minute = state.series[bundle]?.totals(lastSeconds: 60, now: now) ?? TelemetryCounters()
            let mean = minute.requests == 0 ? 0 : Double(minute.latencyMicrosSum) / Double(minute.requests) / 1e6
            return BundleLoad(requestsPerSecond: Double(minute.requests) / 60, meanLatencySeconds: mean, inFlight: Int(state.lastLoad[bundle] ?? 0))
        }
    }

    public func requestScaleUp(of bundle: BundleRef) -> String {
        let now = clock.now()
        return state.withLock { state in
            guard let profile = state.bundles[bundle] else { return "no simulated pool for \(bundle)" }
            if state.scaling[bundle] == nil { state.scaling[bundle] = (now, profile.warmReplicas) }
            return "simulated pool scaling \(bundle) from \(profile.warmReplicas) to \(profile.maxReplicas) replicas"
        }
    }

    /// A pool's figures now: replicas scale up from the request on, each serving after the cold start;
    /// none serves while the pool restarts.
    static func target(_ profile: SimBundle, scaling: (since: Date, from: Int)?, now: Date) -> DrainTarget {
        var target = DrainTarget(warmReplicas: profile.warmReplicas, maxReplicas: profile.maxReplicas, perReplicaConcurrency: profile.perReplicaConcurrency,
                                 coldStartSeconds: profile.coldStartSeconds, scaleUpPerMinute: profile.scaleUpPerMinute)
        if let restartingUntil = profile.restartingUntil, now < restartingUntil {
            target.warmReplicas = 0
        } else if let scaling {
            target.warmReplicas = target.warmReplicas(after: Int(now.timeIntervalSince(scaling.since)))
        }
        return target
    }

    /// A Poisson draw (Knuth's method for small means, a rounded normal for large ones).
    static func poisson(_ mean: Double, using random: inout SeededGenerator) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 {
            let u1 = max(Double.random(in: 0..<1, using: &random), 1e-12)
            let u2 = Double.random(in: 0..<1, using: &random)
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            return max(0, Int((mean + normal * mean.squareRoot()).rounded()))
        }
        let limit = exp(-mean)
        var product = Double.random(in: 0..<1, using: &random)
        var count = 0
        while product > limit {
            product *= Double.random(in: 0..<1, using: &random)
            count += 1
        }
        return count
    }
}
