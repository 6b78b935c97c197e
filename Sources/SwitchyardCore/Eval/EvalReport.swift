import Foundation

/// What `eval run` found: the candidate's results on every case and, beside them, the production bundle's,
/// so that the differences show what the release changes. Stored in the registry beside the bundle.
public struct EvalReport: Hashable, Sendable, Codable {
    public var bundle: BundleRef
    public var suite: String
    public var suiteDigest: String
    /// The production bundle it was compared with; nil when there was none.
    public var baseline: BundleRef?
    public var results: [EvalCaseResult]
    public var baselineResults: [EvalCaseResult]
    public var requiredPassRate: Double

    public init(bundle: BundleRef, suite: EvalSuite, baseline: BundleRef?, results: [EvalCaseResult], baselineResults: [EvalCaseResult]) {
        self.bundle = bundle
        self.suite = suite.name
        suiteDigest = suite.digest
        self.baseline = baseline
        self.results = results
        self.baselineResults = baselineResults
        requiredPassRate = suite.passRate
    }

    enum CodingKeys: String, CodingKey {
        case bundle, suite, baseline, results
        case suiteDigest = "suite_digest"
        case baselineResults = "baseline_results"
        case requiredPassRate = "required_pass_rate"
    }

    /// The share of cases the candidate passed.
    public var passRate: Double { results.isEmpty ? 0 : Double(results.filter(\.passed).count) / Double(results.count) }

    /// Whether the candidate passed enough cases to be promoted.
    public var passed: Bool { !results.isEmpty && passRate >= requiredPassRate - 1e-9 }

    /// Cases the production bundle passes and the candidate fails.
    public var regressions: [String] {
        let before = Set(baselineResults.filter(\.passed).map(\.id))
        return results.filter { !$0.passed && before.contains($0.id) }.map(\.id)
    }

    /// Cases the candidate passes and the production bundle fails.
    public var fixes: [String] {
        let before = Set(baselineResults.filter { !$0.passed }.map(\.id))
        return results.filter { $0.passed && before.contains($0.id) }.map(\.id)
    }

    /// One line for the journal and the refusal that cites it.
    public var summary: String {
        let passedCount = results.filter(\.passed).count
        let verdict = passed ? "passed" : "FAILED"
        return "\(suite): \(passedCount) of \(results.count) case(s) passed"
            + String(format: " (%.0f%%, %.0f%% required): ", passRate * 100, requiredPassRate * 100) + verdict
            + (regressions.isEmpty ? "" : "; regressions against \(baseline?.description ?? "production"): \(regressions.joined(separator: ", "))")
    }
}
