import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct BurnRateTests {
    func counters(requests: Int, failed: Int) -> TelemetryCounters {
        var counters = TelemetryCounters()
        counters.requests = requests
        counters.failed = failed
        return counters
    }

    @Test func firesOnlyWhenBothWindowsBurnAboveTheThreshold() {
        let rule = MultiwindowBurnRule.fastBurn
        let burning = rule.evaluate(long: counters(requests: 10_000, failed: 200), short: counters(requests: 1000, failed: 20), slo: 0.999, minimumRequests: 100)
        #expect(burning.verdict == .fail)
        #expect(abs(burning.longBurnRate - 20) < 1e-9)
        let recovered = rule.evaluate(long: counters(requests: 10_000, failed: 200), short: counters(requests: 1000, failed: 1), slo: 0.999, minimumRequests: 100)
        #expect(recovered.verdict == .pass)
        let quiet = rule.evaluate(long: counters(requests: 50, failed: 50), short: counters(requests: 10, failed: 10), slo: 0.999, minimumRequests: 100)
        #expect(quiet.verdict == .inconclusive)
    }

    @Test func theRatioBlamesTheCanaryOnlyWhenTheBaselineIsHealthy() {
        let rule = CriticalRatioRule.defaults
        #expect(rule.evaluate(canary: counters(requests: 500, failed: 50), baseline: counters(requests: 5000, failed: 50)).verdict == .fail)
        let environment = rule.evaluate(canary: counters(requests: 500, failed: 50), baseline: counters(requests: 5000, failed: 500))
        #expect(environment.verdict == .pass)
        #expect(abs(environment.ratio - 1) < 1e-9)
        #expect(rule.evaluate(canary: counters(requests: 500, failed: 1), baseline: counters(requests: 5000, failed: 0)).verdict == .pass)
        #expect(rule.evaluate(canary: counters(requests: 20, failed: 20), baseline: counters(requests: 5000, failed: 0)).verdict == .inconclusive)
    }

    @Test func consecutiveChecksFireOnTheThirdFailureAndClearWithHysteresis() {
        var checks = ConsecutiveChecks(toFire: 3, toClear: 2)
        let fired = [CheckVerdict.fail, .inconclusive, .fail, .fail, .fail].map { verdict in
            let started = checks.record(verdict)
            return (started, checks.state)
        }
        #expect(fired.map(\.0) == [false, false, false, true, false], "fires once, on the third failure; inconclusive does not count")
        #expect(fired.map(\.1) == [.watching, .watching, .watching, .firing, .firing])
        checks.record(.pass)
        #expect(checks.state == .firing)
        checks.record(.pass)
        #expect(checks.state == .ok)
    }
}

@Suite struct MannWhitneyTests {
    let shifted: [Double] = [12, 15, 11, 19, 14, 13, 18, 16, 17, 20, 21, 13, 15, 22, 14]
    let reference: [Double] = [10, 11, 12, 9, 13, 10, 14, 11, 12, 10, 13, 9, 12, 11, 15]

    /// Reference values from scipy.stats.mannwhitneyu(alternative="greater", method="asymptotic", use_continuity=True).
    @Test func matchesScipy() {
        #expect(abs(MannWhitney.pValueGreater(canary: shifted, baseline: reference) - 0.0001223926517524672) < 1e-9)
        #expect(abs(MannWhitney.pValueGreater(canary: reference, baseline: shifted) - 0.999896096912232) < 1e-9)
        let tiedA: [Double] = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7], tiedB: [Double] = [2, 3, 3, 4, 4, 5, 5, 5, 6, 6, 7, 8]
        #expect(abs(MannWhitney.pValueGreater(canary: tiedA, baseline: tiedB) - 0.9281639844280591) < 1e-9)
    }

    func latencies(median: Double, count: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        let distribution = LatencyDistribution(p50Ms: median, p99Ms: median * 3)
        return (0..<count).map { _ in distribution.sample(z: random.nextGaussian()) }
    }

    @Test func aLatencyRegressionFailsAndAHealthyCanaryPasses() {
        let judge = MetricJudge.defaults
        let baseline = latencies(median: 100, count: 400, seed: 1)
        #expect(judge.judge(metric: "latency", canary: latencies(median: 150, count: 400, seed: 2), baseline: baseline).verdict == .fail)
        #expect(judge.judge(metric: "latency", canary: latencies(median: 100, count: 400, seed: 3), baseline: baseline).verdict == .pass)
        let critical = judge.judge(metric: "latency", canary: latencies(median: 700, count: 400, seed: 4), baseline: baseline)
        #expect(critical.critical)
        #expect(judge.judge(metric: "latency", canary: latencies(median: 900, count: 10, seed: 5), baseline: baseline).verdict == .inconclusive)
    }

    @Test func aSmallButSignificantIncreaseWithinTheAllowanceStillPasses() {
        let baseline = latencies(median: 100, count: 2000, seed: 6)
        let judged = MetricJudge.defaults.judge(metric: "latency", canary: latencies(median: 105, count: 2000, seed: 7), baseline: baseline)
        #expect(judged.verdict == .pass)
        #expect((judged.medianRatio ?? 0) < 1.1)
    }
}

@Suite struct AnalysisResultTests {
    func judgement(_ verdict: CheckVerdict, critical: Bool = false) -> MetricJudgement {
        MetricJudgement(metric: "m", verdict: verdict, medianRatio: nil, pValue: nil, critical: critical)
    }

    @Test func scoresAndThresholds() {
        #expect(AnalysisResult(judgements: Array(repeating: judgement(.pass), count: 20) + [judgement(.fail)]).outcome == .pass)
        #expect(AnalysisResult(judgements: [judgement(.pass), judgement(.pass), judgement(.pass), judgement(.pass), judgement(.fail)]).outcome == .marginal)
        #expect(AnalysisResult(judgements: [judgement(.pass), judgement(.fail)]).outcome == .fail)
        #expect(AnalysisResult(judgements: Array(repeating: judgement(.pass), count: 9) + [judgement(.fail, critical: true)]).outcome == .fail)
    }

    @Test func missingDataIsInconclusiveNeverAPass() {
        let result = AnalysisResult(judgements: [judgement(.inconclusive), judgement(.inconclusive)])
        #expect(result.outcome == .inconclusive)
        #expect(result.score == nil)
        #expect(AnalysisResult(judgements: [judgement(.inconclusive), judgement(.pass)]).outcome == .pass)
    }
}

@Suite struct TrendChartTests {
    /// Deterministic noise of standard deviation about 1.
    func noise(_ count: Int, seed: UInt64) -> [Double] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in random.nextGaussian() }
    }

    @Test func ewmaStaysQuietInControlAndSignalsAShift() {
        var chart = EWMAChart(target: 0, sigma: 1)
        #expect(noise(200, seed: 3).map { chart.add($0 * 0.5) }.allSatisfy { !$0 })
        var shifted = EWMAChart(target: 0, sigma: 1)
        let signalledAt = noise(50, seed: 4).map { $0 * 0.5 + 2 }.firstIndex { shifted.add($0) }
        #expect(signalledAt != nil && signalledAt! < 10)
    }

    @Test func cusumAccumulatesASmallPersistentShift() {
        var control = CUSUMChart(target: 0, sigma: 1)
        #expect(noise(300, seed: 5).map { control.add($0 * 0.3) }.allSatisfy { !$0 })
        var drifted = CUSUMChart(target: 0, sigma: 1)
        let signalledAt = noise(60, seed: 6).map { $0 * 0.3 + 1 }.firstIndex { drifted.add($0) }
        #expect(signalledAt != nil && (5...20).contains(signalledAt!))
    }
}

@Suite struct AnalysisRunnerTests {
    /// Fixed telemetry for two bundles.
    struct FixedWindows: TelemetryWindows {
        var counters: [BundleRef: TelemetryCounters]
        var samples: [BundleRef: [Double]]
        func counters(bundle: BundleRef, lastSeconds: Int, now: Date) -> TelemetryCounters { counters[bundle] ?? TelemetryCounters() }
        func latencySamples(bundle: BundleRef, lastSeconds: Int, now: Date, ttft: Bool) -> [Double] { samples[bundle] ?? [] }
    }

    let canary = Fixtures.ref("app@2"), baseline = Fixtures.ref("app@1")

    func counters(requests: Int, failed: Int = 0, checked: Int = 0, contractFailed: Int = 0) -> TelemetryCounters {
        var counters = TelemetryCounters()
        counters.requests = requests
        counters.failed = failed
        counters.contractChecked = checked
        counters.contractFailed = contractFailed
        return counters
    }

    @Test func schemaFailuresAreJudgedOnContractChecksNotOnAllRequests() {
        let windows = FixedWindows(counters: [canary: counters(requests: 1000, checked: 200, contractFailed: 40),
                                              baseline: counters(requests: 1000, checked: 200, contractFailed: 1)], samples: [:])
        let step = AnalysisStep(metrics: ["schema_failures", "error_rate"], windowSeconds: 60, minimumSamples: 100)
        let result = AnalysisRunner().run(step, canary: canary, baseline: baseline, telemetry: windows, now: Date())
        #expect(result.judgements.map(\.verdict) == [.fail, .pass])
        #expect(result.outcome == .fail)
    }

    @Test func noTrafficIsInconclusive() {
        let step = AnalysisStep(metrics: ["latency", "error_rate"], windowSeconds: 60, minimumSamples: 20)
        let result = AnalysisRunner().run(step, canary: canary, baseline: baseline, telemetry: FixedWindows(counters: [:], samples: [:]), now: Date())
        #expect(result.outcome == .inconclusive)
    }
}
