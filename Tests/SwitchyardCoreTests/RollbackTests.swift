import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct RollbackTests {
    let bad = BundleRef(name: "app", version: "2.0.0")
    let good = BundleRef(name: "app", version: "1.0.0")
    let other = BundleRef(name: "app", version: "1.5.0")
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func plan(stages: [Int] = [7500, 5000, 2500, 0], needs: [Int] = [5, 10, 15, 20]) -> DrainPlan {
        DrainPlan(targetWarm: true, warmCapacity: 8, requiredConcurrency: needs.last!,
                  stages: zip(stages, needs).map { DrainStage(remainingBasisPoints: $0, targetConcurrency: $1, readyAfterSeconds: 0) },
                  estimatedSeconds: 0, fastAllowed: false)
    }

    @Test func everyStageKeepsEachRouteAtFullWeight() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<200 {
            // A random split over three bundles, the bad one included.
            let a = Int.random(in: 1...9000, using: &random)
            let b = Int.random(in: 0...(fullWeight - a), using: &random)
            let route = TenantRoute(weights: [WeightedBundle(bundle: bad, basisPoints: a), WeightedBundle(bundle: good, basisPoints: b),
                                              WeightedBundle(bundle: other, basisPoints: fullWeight - a - b)].filter { $0.basisPoints > 0 })
            var rollback = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(), forced: false, warmFirst: false, at: start)
            var previousBad = a
            while rollback.advance(usableCapacity: 100, warmReplicas: 1, at: start) != nil {
                let routed = rollback.routing(applyingTo: RoutingTable()).routes["*"]!
                #expect(routed.weights.map(\.basisPoints).reduce(0, +) == fullWeight)
                #expect(routed.weights.first { $0.bundle == other }?.basisPoints ?? 0 == fullWeight - a - b, "bystanders keep their share")
                let nowBad = routed.weights.first { $0.bundle == bad }?.basisPoints ?? 0
                #expect(nowBad <= previousBad)
                #expect(routed.migrateSessions)
                previousBad = nowBad
            }
            #expect(previousBad == 0 && rollback.status == .completed)
        }
    }

    @Test func aStageWaitsUntilUsableCapacityCoversIt() {
        let route = TenantRoute(weights: [WeightedBundle(bundle: bad, basisPoints: fullWeight)])
        var rollback = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(), forced: false, warmFirst: false, at: start)
        #expect(rollback.advance(usableCapacity: 4, warmReplicas: 1, at: start) == nil)
        #expect(rollback.advance(usableCapacity: 9, warmReplicas: 1, at: start)?.remainingBasisPoints == 7500)
        #expect(rollback.advance(usableCapacity: 9, warmReplicas: 1, at: start) == nil, "10 needed for the next stage")
        try? rollback.hold(reason: "checking caches")
        #expect(rollback.advance(usableCapacity: 100, warmReplicas: 4, at: start) == nil, "held drains do not move")
        try? rollback.resume()
        #expect(rollback.advance(usableCapacity: 100, warmReplicas: 4, at: start)?.remainingBasisPoints == 5000)
    }

    @Test func aWarmingDrainStartsOnlyOnceTheTargetHasAWarmReplica() {
        let route = TenantRoute(weights: [WeightedBundle(bundle: bad, basisPoints: fullWeight)])
        var rollback = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(), forced: false, warmFirst: true, at: start)
        #expect(rollback.advance(usableCapacity: 100, warmReplicas: 0, at: start) == nil)
        #expect(rollback.status == .warming)
        #expect(rollback.advance(usableCapacity: 100, warmReplicas: 1, at: start) != nil)
    }

    @Test func aDrainHeldWhileWarmingWaitsForAWarmTargetAfterContinue() throws {
        let route = TenantRoute(weights: [WeightedBundle(bundle: bad, basisPoints: fullWeight)])
        // No load seen on the bad bundle yet: every stage needs 0 concurrency.
        var rollback = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(needs: [0, 0, 0, 0]),
                                forced: false, warmFirst: true, at: start)
        try rollback.hold(reason: "checking the target")
        try rollback.resume()
        #expect(rollback.status == .warming)
        #expect(rollback.advance(usableCapacity: 0, warmReplicas: 0, at: start) == nil, "continue does not skip the warm-up")
        #expect(rollback.advance(usableCapacity: 0, warmReplicas: 1, at: start)?.remainingBasisPoints == 7500)
    }

    @Test func noStageLandsOnATargetWithoutAWarmReplicaUnlessForced() {
        let route = TenantRoute(weights: [WeightedBundle(bundle: bad, basisPoints: fullWeight)])
        var rollback = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(needs: [0, 0, 0, 0]),
                                forced: false, warmFirst: false, at: start)
        #expect(rollback.advance(usableCapacity: 0, warmReplicas: 0, at: start) == nil)
        var forced = Rollback(from: bad, to: good, originalRoutes: ["*": route], mode: .staged, plan: plan(needs: [0, 0, 0, 0]),
                              forced: true, warmFirst: false, at: start)
        #expect(forced.advance(usableCapacity: 0, warmReplicas: 0, at: start) != nil)
    }

    static func counters(_ requests: Int, failed: Int) -> TelemetryCounters {
        var counters = TelemetryCounters()
        counters.requests = requests
        counters.failed = failed
        return counters
    }

    @Test func tier0FiresOnTheThirdFailingCheckAndBlamesTheEnvironmentWhenBothBurn() {
        let policy = ControlPolicy()
        let failing = Self.counters(1000, failed: 60)
        let healthy = Self.counters(1000, failed: 1)
        var trigger = Tier0Trigger(policy: policy)
        let canaryBad = Tier0Trigger.Windows(canaryLong: failing, canaryShort: failing, baselineLong: healthy, baselineShort: healthy, baselineRecent: healthy)
        #expect(trigger.check(canaryBad, policy: policy).decision == .none)
        #expect(trigger.check(canaryBad, policy: policy).decision == .none)
        let (decision, reading) = trigger.check(canaryBad, policy: policy)
        #expect(decision == .fire)
        #expect(reading.canaryBurn.verdict == .fail && reading.ratio.verdict == .fail && reading.consecutiveFailures == 3)
        var environment = Tier0Trigger(policy: policy)
        let bothBad = Tier0Trigger.Windows(canaryLong: failing, canaryShort: failing, baselineLong: failing, baselineShort: failing, baselineRecent: failing)
        #expect(environment.check(bothBad, policy: policy).decision == .environmentFault)
        for _ in 0..<5 { #expect(environment.check(bothBad, policy: policy).decision == .none, "alerted once per episode") }
    }

    @Test func aBaselineThatFailedEarlierButServesWellNowDoesNotExcuseAFailingCanary() {
        let policy = ControlPolicy()
        let failing = Self.counters(1000, failed: 100)
        let restartedEarlier = Self.counters(1000, failed: 400)
        let healthyLastMinute = Self.counters(200, failed: 0)
        var trigger = Tier0Trigger(policy: policy)
        let recovered = Tier0Trigger.Windows(canaryLong: failing, canaryShort: failing, baselineLong: restartedEarlier, baselineShort: restartedEarlier,
                                             baselineRecent: healthyLastMinute)
        let decisions = (0..<3).map { _ in trigger.check(recovered, policy: policy) }
        #expect(decisions.map(\.decision) == [.none, .none, .fire])
        #expect(decisions.last?.reading.environmentFault == false && decisions.last?.reading.ratio.verdict == .pass)
        let thin = Self.counters(policy.burnMinimumRequests - 1, failed: 0)
        var unsure = Tier0Trigger(policy: policy)
        let tooFewToSay = Tier0Trigger.Windows(canaryLong: failing, canaryShort: failing, baselineLong: restartedEarlier, baselineShort: restartedEarlier,
                                               baselineRecent: thin)
        #expect(unsure.check(tooFewToSay, policy: policy).decision == .environmentFault)
    }
}

@Suite struct CriticalRatioTests {
    func counters(_ requests: Int, failed: Int) -> TelemetryCounters {
        var counters = TelemetryCounters()
        counters.requests = requests
        counters.failed = failed
        return counters
    }

    @Test func oneUnluckyErrorIsNotFiveTimesWorse() {
        // The case a drill caught: 1 error in 199 canary requests against none in 519 is a ratio of 5.03.
        let reading = CriticalRatioRule.defaults.evaluate(canary: counters(199, failed: 1), baseline: counters(519, failed: 0))
        #expect(reading.ratio > 5)
        #expect(reading.verdict == .pass)
        #expect(CriticalRatioRule.defaults.evaluate(canary: counters(199, failed: 10), baseline: counters(519, failed: 0)).verdict == .fail)
        #expect(CriticalRatioRule.defaults.evaluate(canary: counters(99, failed: 50), baseline: counters(519, failed: 0)).verdict == .inconclusive)
    }
}
