import Foundation
import StoreTestSupport
import SwitchyardCore
import SwitchyardEngine
import SwitchyardSim
import Testing

/// Scenarios in virtual time: the real store and control loop against a simulated fleet.
@Suite struct ScenarioTests {
    static let healthy = SimBundle(warmReplicas: 4, meanLatencySeconds: 0.5, errorRate: 0.001)

    @Test func aCanaryWithFiveTimesTheErrorsIsRolledBackAutomatically() throws {
        var bad = Self.healthy
        bad.errorRate = 0.05
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": bad])
        try scenario.startRollout("2.0.0")
        let took = try scenario.run(until: { try scenario.share("2.0.0") == 0 }, limit: 600)
        #expect(took != nil && took! < 300, "rolled back after \(String(describing: took)) s")
        let start = try #require(try scenario.journal(kind: "rollback.start").last)
        #expect(start.actor == "auto:tier0")
        #expect(start.reason.contains("3 failing check(s) in a row"))
        #expect(start.payload["readings"]?["detector"]?["verdict"] == "fail")
        #expect(try scenario.store.latestRollout()?.statusText.hasPrefix("aborted") == true)
        #expect(try scenario.share("1.0.0") == fullWeight)
        let freeze = try #require(try scenario.store.activeFreezes(at: scenario.fixture.clock.now()).first)
        #expect(freeze.scope == .bundle("app") && freeze.actor == "auto:tier0")
        #expect(try scenario.store.automationState(policy: scenario.policy).guards.consecutiveAutomaticRollbacks == 1)
    }

    @Test func aHealthyCanaryIsPromotedThroughEveryStep() throws {
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": Self.healthy])
        try scenario.startRollout("2.0.0")
        var shares: [Int] = []
        try scenario.run(seconds: 1800) { table in
            let share = table.routes["*"]?.weights.first { $0.bundle == StoreFixture.ref("2.0.0") }?.basisPoints ?? 0
            if shares.last != share { shares.append(share) }
        }
        #expect(shares == [1000, 5000, fullWeight])
        #expect(try scenario.store.latestRollout()?.status == .completed)
        #expect(try scenario.journal(kind: "rollback").isEmpty)
        #expect(try scenario.journal(kind: "rollout.analysis").last?.reason.hasPrefix("analysis pass") == true)
        let route = try #require(try scenario.store.routing().table.routes["*"])
        #expect(route.shadow?.bundle == StoreFixture.ref("1.0.0"), "warm-keep mirror to the previous bundle")
    }

    @Test func aLatencyRegressionFailsItsAnalysisGate() throws {
        var slow = Self.healthy
        slow.meanLatencySeconds = 1.5
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": slow])
        try scenario.startRollout("2.0.0")
        try scenario.run(seconds: 1000)
        let abort = try #require(try scenario.journal(kind: "rollout.abort").last)
        #expect(abort.actor == "auto:analysis")
        #expect(try scenario.share("2.0.0") == 0)
        #expect(try scenario.journal(kind: "rollback").isEmpty, "tier 0 watches hard failures, not latency")
    }

    @Test func anEnvironmentWideFaultCausesNoRollback() throws {
        var failing = Self.healthy
        failing.errorRate = 0.05
        let scenario = try Scenario(["1.0.0": failing, "2.0.0": failing])
        try scenario.startRollout("2.0.0")
        try scenario.run(seconds: 400)
        #expect(try scenario.journal(kind: "rollback").isEmpty)
        let alert = try #require(try scenario.journal(kind: "automation.environment-fault").first)
        #expect(alert.reason.contains("environment fault"))
        #expect(try scenario.journal(kind: "automation.environment-fault").count == 1, "alerted once per episode, not every tick")
        #expect(try scenario.share("2.0.0") == 1000)
    }

    @Test func aColdTargetIsRefusedUnlessWarmedFirst() throws {
        let cold = SimBundle(warmReplicas: 0, maxReplicas: 4, coldStartSeconds: 60, scaleUpPerMinute: 2)
        let scenario = try Scenario(["1.0.0": cold, "2.0.0": Self.healthy])
        try scenario.store.setRoute(tenant: "*", route: TenantRoute(weights: [WeightedBundle(bundle: StoreFixture.ref("2.0.0"), basisPoints: fullWeight)]),
                                    actor: "alice", reason: "all on 2.0.0")
        try scenario.run(seconds: 60)
        let before = try scenario.fixture.snapshot()
        let refusal = #expect(throws: SwitchyardError.self) {
            try scenario.rollbacks.start(RollbackRequest(), actor: "bob", reason: "bad answers")
        }
        #expect(refusal?.category == .targetNotWarm)
        #expect(refusal?.message.hasPrefix("TargetNotWarm: app@1.0.0") == true)
        #expect(try scenario.fixture.snapshot() == before, "a refused rollback changes nothing")
        let (_, rollback) = try scenario.rollbacks.start(RollbackRequest(warmFirst: true), actor: "bob", reason: "bad answers")
        #expect(rollback.status == .warming)
        #expect(try scenario.share("2.0.0") == fullWeight, "no traffic moves onto a cold pool")
        let took = try scenario.run(until: { try scenario.share("2.0.0") == 0 }, limit: 900)
        #expect(took != nil && took! >= 60, "waited for the cold start: \(String(describing: took)) s")
    }

    @Test func aCapacityLimitedDrainTakesTheStagesItsCapacityAllows() throws {
        // 40 req/s × 0.5 s = 20 concurrent to move; the target holds 8 per replica and starts with 1 warm replica.
        let small = SimBundle(warmReplicas: 1, maxReplicas: 5, perReplicaConcurrency: 8, coldStartSeconds: 30, scaleUpPerMinute: 2,
                              meanLatencySeconds: 0.5)
        var bad = Self.healthy
        bad.errorRate = 0.2
        let scenario = try Scenario(["1.0.0": small, "2.0.0": bad], rps: 40)
        try scenario.store.setRoute(tenant: "*", route: TenantRoute(weights: [WeightedBundle(bundle: StoreFixture.ref("2.0.0"), basisPoints: fullWeight)]),
                                    actor: "alice", reason: "all on 2.0.0")
        try scenario.run(seconds: 120)
        #expect(throws: SwitchyardError.self) { try scenario.rollbacks.start(RollbackRequest(mode: .fast), actor: "bob", reason: "errors") }
        let (plan, _) = try scenario.rollbacks.start(RollbackRequest(), actor: "bob", reason: "errors")
        #expect(plan.mode == .staged)
        _ = scenario.fleet.requestScaleUp(of: StoreFixture.ref("1.0.0"))
        var stageTimes: [Int] = []
        var second = 0
        try scenario.run(seconds: 600) { table in
            second += 1
            let targetShare = Double(table.routes["*"]?.weights.first { $0.bundle == StoreFixture.ref("1.0.0") }?.basisPoints ?? 0) / Double(fullWeight)
            let capacity = try scenario.fleet.drainTarget(for: StoreFixture.ref("1.0.0")).capacity(after: 0)
            // The property: the target is never assigned more concurrency than its warm capacity.
            #expect(40 * 0.5 * targetShare <= Double(capacity) + 0.001, "at \(second) s: \(targetShare) of traffic on capacity \(capacity)")
            if stageTimes.count < Int(targetShare * 4 + 0.5) { stageTimes.append(second) }
        }
        #expect(try scenario.share("2.0.0") == 0)
        #expect(try scenario.store.activeRollback() == nil)
        #expect(stageTimes.count == 4)
        #expect(stageTimes.last! - stageTimes.first! >= 30, "later stages waited for replicas: \(stageTimes)")
        #expect(try scenario.journal(kind: "rollback.stage").allSatisfy { $0.actor == "auto:engine" && $0.reason.contains("usable") })
    }

    @Test func theBreakerTripsAtTheSecondConsecutiveAutomaticRollback() throws {
        var policy = ControlPolicy()
        policy.cooldownSeconds = 300
        policy.incidentFreezeSeconds = nil
        var bad = Self.healthy
        bad.errorRate = 0.05
        let scenario = try Scenario(["1.0.0": Self.healthy, "2.0.0": bad, "3.0.0": bad], policy: policy)
        try scenario.startRollout("2.0.0")
        _ = try scenario.run(until: { try scenario.share("2.0.0") == 0 }, limit: 600)
        #expect(try scenario.store.automationState(policy: policy).guards.breakerTripped == false)
        try scenario.run(seconds: 30)
        try scenario.startRollout("3.0.0")
        try scenario.run(seconds: 120)
        #expect(try scenario.share("3.0.0") == 1000, "no automatic action during the cooldown")
        #expect(try scenario.journal(kind: "automation.suppressed").count == 1)
        try scenario.run(seconds: 300)
        #expect(try scenario.share("3.0.0") == 0, "the trigger acts again once the cooldown is over")
        let guards = try scenario.store.automationState(policy: policy).guards
        #expect(guards.breakerTripped && guards.consecutiveAutomaticRollbacks == 2)
        #expect(try scenario.journal(kind: "rollback.start").last?.reason.contains("circuit breaker open") == true)
        #expect(throws: SwitchyardError.self) { try scenario.startRollout("2.0.0") }
        try BreakerCommands(store: scenario.store, policy: policy).reset(actor: "carol", reason: "fixed the bad build")
        try scenario.startRollout("2.0.0")
    }
}

/// Scenarios for the quieter tiers and for per-tenant rollbacks.
@Suite struct QualityAndTenantScenarioTests {
    @Test func aSilentQualityRegressionIsAdvisedByTheTrendTierAndNeverRolledBack() throws {
        var refusing = ScenarioTests.healthy
        refusing.refusalRate = 0.08
        let scenario = try Scenario(["1.0.0": ScenarioTests.healthy, "2.0.0": refusing], rps: 40)
        try scenario.startRollout("2.0.0")
        try scenario.run(seconds: 500)
        let trend = try #require(try scenario.journal(kind: "automation.trend").first)
        #expect(trend.actor == "auto:tier2" && trend.reason.hasPrefix("advisory, no action: refusals"))
        #expect(trend.payload["readings"]?["signal"] == "refusals")
        #expect(try scenario.journal(kind: "automation.trend").count == 1, "advised once while it stays out of control")
        #expect(try scenario.journal(kind: "rollback").isEmpty && scenario.journal(kind: "rollout.abort").isEmpty)
    }

    @Test func aHealthyCanaryRaisesNoTrendAdvice() throws {
        let scenario = try Scenario(["1.0.0": ScenarioTests.healthy, "2.0.0": ScenarioTests.healthy], rps: 40)
        try scenario.startRollout("2.0.0")
        try scenario.run(seconds: 1200)
        #expect(try scenario.journal(kind: "automation.trend").isEmpty)
    }

    @Test func rollingBackOneTenantLeavesOtherTenantsAndTheRolloutAlone() throws {
        let scenario = try Scenario(["1.0.0": ScenarioTests.healthy, "2.0.0": ScenarioTests.healthy])
        try scenario.startRollout("2.0.0")
        try scenario.run(seconds: 30)
        let before = try scenario.store.routing().table.routes["*"]
        let (plan, rollback) = try scenario.rollbacks.start(RollbackRequest(tenants: ["acme"]), actor: "bob", reason: "acme sees bad answers")
        #expect(plan.tenants == ["acme"] && rollback.status == .completed)
        let table = try scenario.store.routing().table
        #expect(table.routes["acme"]?.weights == [WeightedBundle(bundle: StoreFixture.ref("1.0.0"), basisPoints: fullWeight)])
        #expect(table.routes["*"] == before, "the default route keeps its canary share")
        #expect(try scenario.store.activeRollout()?.status == .running, "the rollout goes on for everyone else")
        try scenario.run(seconds: 1000)
        #expect(try scenario.share("2.0.0") == 5000, "the rollout kept stepping past its analysis")
        #expect(try scenario.store.routing().table.routes["acme"]?.weights.map(\.bundle) == [StoreFixture.ref("1.0.0")])
    }
}
