import Foundation
import SwitchyardCore
import SwitchyardSim
import Testing

/// The simulator's drill faults: a slower first token, and a pool restart that serves nothing until it is warm.
@Suite struct SimFaultTests {
    static let app = BundleRef(name: "app", version: "1.0.0")

    static func fleet(_ bundle: SimBundle) -> (SimFleet, ManualClock) {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        return (SimFleet(seed: 3, clock: clock, bundles: [app: bundle], traffic: .constant(200)), clock)
    }

    static let table = RoutingTable(routes: [RoutingTable.defaultTenant: TenantRoute(weights: [WeightedBundle(bundle: app, basisPoints: fullWeight)])])

    @Test func aSlowerFirstTokenDelaysTheFirstTokenByTheFactorAndTheAnswerOnlyByThatPart() {
        var bundle = SimBundle(warmReplicas: 40, meanLatencySeconds: 0.5)
        bundle.slowFirstToken(by: 6)
        #expect(abs(bundle.meanLatencySeconds - (0.5 * 0.3 * 6 + 0.5 * 0.7)) < 1e-9)
        let (fleet, clock) = Self.fleet(bundle)
        for _ in 0..<60 { fleet.step(routing: Self.table) }
        let firstTokens = fleet.latencySamples(bundle: Self.app, lastSeconds: 60, now: clock.now() - 1, ttft: true)
        let answers = fleet.latencySamples(bundle: Self.app, lastSeconds: 60, now: clock.now() - 1, ttft: false)
        let mean = { (values: [Double]) in values.reduce(0, +) / Double(values.count) / 1e6 }
        #expect(firstTokens.count >= 1000)
        #expect(abs(mean(firstTokens) - 0.9) < 0.05, "first token mean \(mean(firstTokens)) s, expected about 0.9 s")
        #expect(abs(mean(answers) - 1.25) < 0.07, "answer mean \(mean(answers)) s, expected about 1.25 s")
    }

    @Test func aRestartingPoolServesNothingUntilItsColdStartEnds() throws {
        let (fleet, clock) = Self.fleet(SimBundle(warmReplicas: 40, meanLatencySeconds: 0.1, errorRate: 0))
        let restartedAt = clock.now()
        fleet.update(Self.app) { $0.restartingUntil = restartedAt + 30 }
        #expect(try fleet.drainTarget(for: Self.app).warmReplicas == 0)
        for _ in 0..<30 { fleet.step(routing: Self.table) }
        let restarting = fleet.counters(bundle: Self.app, lastSeconds: 30, now: clock.now())
        #expect(restarting.requests > 5000 && restarting.failed == restarting.requests)
        #expect(try fleet.drainTarget(for: Self.app).warmReplicas == 40)
        for _ in 0..<10 { fleet.step(routing: Self.table) }
        let warm = fleet.counters(bundle: Self.app, lastSeconds: 10, now: clock.now())
        #expect(warm.requests > 1500 && warm.failed == 0)
    }
}
