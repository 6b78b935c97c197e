import Foundation

/// The Mann-Whitney U test, for "is the canary's latency distribution shifted above the baseline's?"
/// without assuming any shape for latency (which is never normal).
public enum MannWhitney {
    /// The one-sided p-value that `canary` tends to be larger than `baseline` (normal approximation with tie
    /// correction and continuity correction; fine from about 20 samples per side).
    public static func pValueGreater(canary: [Double], baseline: [Double]) -> Double {
        let n1 = Double(canary.count), n2 = Double(baseline.count)
        guard n1 > 0, n2 > 0 else { return 1 }
        var pooled = canary.map { ($0, true) } + baseline.map { ($0, false) }
        pooled.sort { $0.0 < $1.0 }
        var ranks = [Double](repeating: 0, count: pooled.count)
        var tieTerm = 0.0
        var start = 0
        while start < pooled.count {
            var end = start
            while end + 1 < pooled.count, pooled[end + 1].0 == pooled[start].0 { end += 1 }
            let rank = Double(start + end + 2) / 2
            for index in start...end { ranks[index] = rank }
            let ties = Double(end - start + 1)
            tieTerm += ties * ties * ties - ties
            start = end + 1
        }
        let rankSum = zip(pooled, ranks).reduce(0.0) { $0 + ($1.0.1 ? $1.1 : 0) }
        let u = rankSum - n1 * (n1 + 1) / 2
        let mean = n1 * n2 / 2
        let n = n1 + n2
        let variance = n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)))
        guard variance > 0 else { return 1 }
        let z = (u - mean - 0.5) / variance.squareRoot()
        return 0.5 * erfc(z / 2.squareRoot())
    }
}

/// Kayenta-style judgement of one metric (lower is better): the canary fails when it is significantly higher
/// than the baseline and its median is more than `allowedIncrease` times the baseline's; a ratio above
/// `criticalIncrease` fails the whole analysis at once.
public struct MetricJudge: Hashable, Sendable, Codable {
    public var confidence: Double
    public var allowedIncrease: Double
    public var criticalIncrease: Double
    public var minimumSamples: Int

    public static let defaults = MetricJudge(confidence: 0.98, allowedIncrease: 1.1, criticalIncrease: 5.0, minimumSamples: 50)

    public init(confidence: Double, allowedIncrease: Double, criticalIncrease: Double, minimumSamples: Int) {
        self.confidence = confidence
        self.allowedIncrease = allowedIncrease
        self.criticalIncrease = criticalIncrease
        self.minimumSamples = minimumSamples
    }

    public func judge(metric: String, canary: [Double], baseline: [Double]) -> MetricJudgement {
        guard canary.count >= minimumSamples, baseline.count >= minimumSamples else {
            return MetricJudgement(metric: metric, verdict: .inconclusive, medianRatio: nil, pValue: nil, critical: false)
        }
        let ratio = Self.median(canary) / max(Self.median(baseline), .leastNonzeroMagnitude)
        let p = MannWhitney.pValueGreater(canary: canary, baseline: baseline)
        let significant = p < 1 - confidence
        let failed = significant && ratio > allowedIncrease
        return MetricJudgement(metric: metric, verdict: failed ? .fail : .pass, medianRatio: ratio, pValue: p,
                               critical: significant && ratio > criticalIncrease)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}

/// The judgement of one metric, for the journal and the console.
public struct MetricJudgement: Hashable, Sendable, Codable {
    public var metric: String
    public var verdict: CheckVerdict
    public var medianRatio: Double?
    public var pValue: Double?
    public var critical: Bool

    enum CodingKeys: String, CodingKey {
        case metric, verdict, critical
        case medianRatio = "median_ratio"
        case pValue = "p_value"
    }
}

/// The result of an analysis gate: a score from the metrics that could be judged, and what it means.
public struct AnalysisResult: Hashable, Sendable, Codable {
    /// What the rollout should do.
    public enum Outcome: String, Hashable, Sendable, Codable {
        /// Score ≥ pass threshold: go on.
        case pass
        /// Between the thresholds: pause and ask the operator.
        case marginal
        /// Below the marginal threshold, or a critical metric: roll back.
        case fail
        /// Not enough data to judge any metric: pause, never pass.
        case inconclusive
    }

    public var judgements: [MetricJudgement]
    public var score: Double?
    public var outcome: Outcome

    /// Scores judged metrics as Kayenta does: the share that passed, times 100.
    public init(judgements: [MetricJudgement], passScore: Double = 95, marginalScore: Double = 75) {
        self.judgements = judgements
        let judged = judgements.filter { $0.verdict != .inconclusive }
        guard !judged.isEmpty else {
            score = nil
            outcome = .inconclusive
            return
        }
        let value = Double(judged.filter { $0.verdict == .pass }.count) / Double(judged.count) * 100
        score = value
        if judgements.contains(where: \.critical) {
            outcome = .fail
        } else {
            outcome = value >= passScore ? .pass : (value >= marginalScore ? .marginal : .fail)
        }
    }
}
