import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct RolloutTests {
    let canary = Fixtures.ref("app@2"), baseline = Fixtures.ref("app@1")
    let t0 = Date(timeIntervalSince1970: 2_000_000_000)

    func judged(_ outcome: AnalysisResult.Outcome) -> AnalysisResult {
        let judgement = { (verdict: CheckVerdict, critical: Bool) in
            MetricJudgement(metric: "latency", verdict: verdict, medianRatio: nil, pValue: nil, critical: critical)
        }
        switch outcome {
        case .pass: return AnalysisResult(judgements: [judgement(.pass, false)])
        case .fail: return AnalysisResult(judgements: [judgement(.fail, true)])
        case .marginal: return AnalysisResult(judgements: [judgement(.pass, false), judgement(.pass, false), judgement(.pass, false), judgement(.pass, false), judgement(.fail, false)])
        case .inconclusive: return AnalysisResult(judgements: [judgement(.inconclusive, false)])
        }
    }

    let plan = RolloutPlan(name: "p", steps: [
        .setWeight(basisPoints: 500, tenant: nil),
        .mirror(basisPoints: 1000),
        .pause(seconds: 600),
        .analysis(AnalysisStep(metrics: ["latency"], windowSeconds: 300, minimumSamples: 50)),
        .setTenant(tenant: "acme", basisPoints: 5000),
        .pause(seconds: nil),
        .setWeight(basisPoints: 10000, tenant: nil),
    ])

    @Test func aHealthyCanaryGoesThroughEveryStep() throws {
        var (rollout, changes) = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0)
        #expect(changes.map(\.kind) == [.weight(tenant: "*", basisPoints: 500), .mirror])
        #expect(rollout.stepIndex == 2 && rollout.mirrorBasisPoints == 1000)
        #expect(rollout.tick(at: t0 + 599, frozen: false).isEmpty, "the pause holds for its full duration")
        #expect(rollout.tick(at: t0 + 600, frozen: false).isEmpty, "reaching the analysis step changes no weight")
        #expect(rollout.analysisDue(at: t0 + 899) == nil)
        #expect(rollout.analysisDue(at: t0 + 900) != nil)
        let afterAnalysis = rollout.tick(at: t0 + 900, analysis: judged(.pass), frozen: false)
        #expect(afterAnalysis.map(\.kind) == [.weight(tenant: "acme", basisPoints: 5000)])
        #expect(rollout.status == .awaitingPromotion)
        #expect(rollout.tick(at: t0 + 99_999, frozen: false).isEmpty, "an untimed pause waits for a human")
        let final = try rollout.promote(full: false, at: t0 + 1000)
        #expect(final.map(\.kind) == [.weight(tenant: "*", basisPoints: 10000), .completed])
        #expect(rollout.status == .completed)
        #expect(rollout.canaryWeights == ["*": 10000, "acme": 5000])
    }

    @Test func aFailedAnalysisAbortsAndSendsTrafficBack() {
        var (rollout, _) = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0)
        _ = rollout.tick(at: t0 + 600, frozen: false)
        let changes = rollout.tick(at: t0 + 900, analysis: judged(.fail), frozen: false)
        #expect(changes.map(\.kind) == [.weight(tenant: "*", basisPoints: 0), .aborted])
        #expect(rollout.mirrorBasisPoints == 0)
        guard case .aborted(let reason) = rollout.status else { Issue.record("not aborted"); return }
        #expect(reason.contains("analysis failed"))
        let retry = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0 + 5000).0
        #expect(retry.status == .running && retry.stepIndex == 2, "an aborted rollout can be retried from the start")
    }

    @Test(arguments: [AnalysisResult.Outcome.marginal, .inconclusive])
    func aMarginalOrInconclusiveAnalysisPausesForAHuman(outcome: AnalysisResult.Outcome) throws {
        var (rollout, _) = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0)
        _ = rollout.tick(at: t0 + 600, frozen: false)
        #expect(rollout.tick(at: t0 + 900, analysis: judged(outcome), frozen: false).isEmpty)
        guard case .paused = rollout.status else { Issue.record("not paused: \(rollout.statusText)"); return }
        #expect(try rollout.promote(full: false, at: t0 + 950).map(\.kind) == [.weight(tenant: "acme", basisPoints: 5000)])
    }

    @Test func aFreezeStopsTimedStepsButNotAnAbort() {
        var (rollout, _) = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0)
        #expect(rollout.tick(at: t0 + 10_000, frozen: true).isEmpty)
        #expect(rollout.stepIndex == 2)
        #expect(rollout.abort(reason: "incident", at: t0 + 10_001).map(\.kind) == [.weight(tenant: "*", basisPoints: 0), .aborted])
    }

    @Test func pauseResumeAndFullPromotion() throws {
        var (rollout, _) = Rollout.start(plan: plan, canary: canary, baseline: baseline, at: t0)
        try rollout.pause(reason: "looking at a dashboard")
        #expect(rollout.tick(at: t0 + 10_000, frozen: false).isEmpty)
        _ = try rollout.resume(at: t0 + 10_000)
        #expect(rollout.tick(at: t0 + 10_599, frozen: false).isEmpty, "resume restarts the step's timer")
        let full = try rollout.promote(full: true, at: t0 + 10_600)
        #expect(full.contains { $0.kind == .weight(tenant: "acme", basisPoints: 10000) })
        #expect(rollout.status == .completed)
        #expect(throws: SwitchyardError.self) { try rollout.promote(full: false, at: t0 + 10_601) }
        #expect(throws: SwitchyardError.self) { try rollout.resume(at: t0 + 10_601) }
    }
}

@Suite struct FreezeTests {
    let now = Date(timeIntervalSince1970: 2_000_000_000)

    func freeze(_ scope: Freeze.Scope, expires: TimeInterval? = nil) -> Freeze {
        Freeze(scope: scope, reason: "INC-42", actor: "alice", since: now, expires: expires.map { now + $0 })
    }

    @Test func aFreezeBlocksEveryForwardMoveButNeverARollback() {
        let freezes = [freeze(.all)]
        for action in [GuardedAction.advanceRollout(bundleName: "app", tenant: nil), .promote(bundleName: "app"),
                       .stageChange(bundleName: "app", to: .production), .startRollout(bundleName: "app")] {
            #expect(FreezeGuard.blocking(action, freezes: freezes, at: now) != nil, "\(action)")
        }
        #expect(FreezeGuard.blocking(.rollback, freezes: freezes, at: now) == nil)
        #expect(FreezeGuard.blocking(.stageChange(bundleName: "app", to: .archived), freezes: freezes, at: now) == nil)
    }

    @Test func scopesAndExpiry() {
        #expect(FreezeGuard.blocking(.promote(bundleName: "other"), freezes: [freeze(.bundle("app"))], at: now) == nil)
        #expect(FreezeGuard.blocking(.promote(bundleName: "app"), freezes: [freeze(.bundle("app"))], at: now) != nil)
        #expect(FreezeGuard.blocking(.advanceRollout(bundleName: "app", tenant: "globex"), freezes: [freeze(.tenant("acme"))], at: now) == nil)
        #expect(FreezeGuard.blocking(.advanceRollout(bundleName: "app", tenant: "acme"), freezes: [freeze(.tenant("acme"))], at: now) != nil)
        #expect(FreezeGuard.blocking(.promote(bundleName: "app"), freezes: [freeze(.all, expires: 60)], at: now + 61) == nil)
    }

    @Test func theRefusalSaysWhoWhyAndHowToOverride() {
        #expect { try FreezeGuard.check(.promote(bundleName: "app"), freezes: [freeze(.all, expires: 3600)], at: now) } throws: { error in
            let error = error as! SwitchyardError
            return error.category == .refused && error.message.contains("by alice") && error.message.contains("INC-42")
                && error.hint?.contains("--override-freeze") == true
        }
        #expect(throws: Never.self) { try FreezeGuard.check(.promote(bundleName: "app"), freezes: [freeze(.all)], at: now, overrideReason: "hotfix") }
    }

    @Test func scopesParse() throws {
        #expect(try Freeze.Scope(parsing: "all") == .all)
        #expect(try Freeze.Scope(parsing: "bundle:app") == .bundle("app"))
        #expect(try Freeze.Scope(parsing: "tenant:acme") == .tenant("acme"))
        for bad in ["", "bundle:", "team:x", "everything"] { #expect(throws: SwitchyardError.self) { try Freeze.Scope(parsing: bad) } }
    }
}

@Suite struct RolloutRoutingTests {
    let canary = Fixtures.ref("app@2"), baseline = Fixtures.ref("app@1")
    let t0 = Date(timeIntervalSince1970: 2_000_000_000)
    let table = RoutingTable(generation: 3, routes: ["*": TenantRoute(weights: [.init(bundle: Fixtures.ref("app@1"), basisPoints: fullWeight)],
                                                                       maxSessionAgeSeconds: 600)])

    func rollout(_ steps: [RolloutStep]) -> Rollout {
        Rollout.start(plan: RolloutPlan(name: "p", steps: steps + [.pause(seconds: nil)]), canary: canary, baseline: baseline, at: t0).0
    }

    @Test func aPartialShareSplitsAndMirrorsToTheCanary() throws {
        let routed = RolloutRouting.apply(rollout([.setWeight(basisPoints: 1000, tenant: nil), .mirror(basisPoints: 500)]), to: table)
        let route = try #require(routed.routes["*"])
        #expect(route.weights == [.init(bundle: baseline, basisPoints: 9000), .init(bundle: canary, basisPoints: 1000)])
        #expect(route.shadow == ShadowRoute(bundle: canary, sampleBasisPoints: 500))
        #expect(route.maxSessionAgeSeconds == 600, "the route's session settings are kept")
        #expect(throws: Never.self) { try route.validate() }
    }

    @Test func aFullShareKeepsTheBaselineWarmAndAnAbortMigratesEveryone() throws {
        var full = rollout([.setWeight(basisPoints: fullWeight, tenant: nil)])
        let promoted = try #require(RolloutRouting.apply(full, to: table).routes["*"])
        #expect(promoted.weights == [.init(bundle: canary, basisPoints: fullWeight)])
        #expect(promoted.shadow == ShadowRoute(bundle: baseline, sampleBasisPoints: RolloutRouting.defaultWarmKeepBasisPoints))
        _ = full.abort(reason: "bad", at: t0)
        let aborted = try #require(RolloutRouting.apply(full, to: table).routes["*"])
        #expect(aborted.weights == [.init(bundle: baseline, basisPoints: fullWeight)])
        #expect(aborted.shadow == nil && aborted.migrateSessions)
    }

    @Test func onlyTenantsTheRolloutSetsAreTouched() {
        var other = table
        other.routes["globex"] = TenantRoute(weights: [.init(bundle: Fixtures.ref("app@9"), basisPoints: fullWeight)])
        let routed = RolloutRouting.apply(rollout([.setTenant(tenant: "acme", basisPoints: 2500)]), to: other)
        #expect(routed.routes["globex"] == other.routes["globex"])
        #expect(routed.routes["*"] == other.routes["*"])
        #expect(routed.routes["acme"]?.weights == [.init(bundle: baseline, basisPoints: 7500), .init(bundle: canary, basisPoints: 2500)])
    }
}
