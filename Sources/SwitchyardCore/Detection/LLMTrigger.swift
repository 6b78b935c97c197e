import Foundation

/// The ways a model release fails that error rates miss, judged on the canary against its bundle's contracts and
/// the concurrent baseline over the tier-0 short window.
public enum LLMSignal: String, Hashable, Sendable, Codable, CodingKeyRepresentable, CaseIterable {
    /// Answers calling tools past the maximum depth (hard).
    case toolLoop = "tool_loop"
    /// Tool calls per answer well above the baseline's (advisory).
    case toolCallRate = "tool_call_rate"
    /// Mean cost per answer over the cost contract (hard).
    case costContract = "cost_contract"
    /// Mean cost per answer a multiple of the baseline's (hard).
    case costBlowup = "cost_blowup"
    /// Refusal rate above the safety contract's band (hard).
    case refusalAboveBand = "refusal_above_band"
    /// Refusal rate below the band (advisory).
    case refusalBelowBand = "refusal_below_band"
    /// Answers breaking a declared interface or experience contract (hard).
    case contractFailures = "contract_failures"
    /// A tenant spent more on the canary in the last hour than the cost contract's budget (advisory: spend
    /// also grows with the tenant's own traffic).
    case tenantBudget = "tenant_budget"

    /// Whether a firing signal rolls the canary back; the others are journaled and shown only.
    public var hard: Bool { ![.toolCallRate, .refusalBelowBand, .tenantBudget].contains(self) }
}

/// One LLM signal's reading, journaled with the decision it caused.
public struct LLMReading: Hashable, Sendable, Codable {
    public var signal: LLMSignal
    /// The canary's figure, the baseline's and the limit, in the signal's unit: a rate (0–1) of answers, tool
    /// calls per answer, US dollars per answer, or US dollars per tenant-hour.
    public var canary: Double
    public var baseline: Double
    public var limit: Double
    public var verdict: CheckVerdict
    /// One line for the journal's reason and the console.
    public var summary: String
}

/// Tier 0 and tier 2 for LLM signals: hard signals are debounced by consecutive checks like tier 0 and roll
/// the canary back; advisory ones are journaled once per episode and never acted on.
public struct LLMTrigger: Hashable, Sendable, Codable {
    private var checks: [LLMSignal: ConsecutiveChecks] = [:]
    /// Advisory signals out of bounds now.
    public private(set) var advising: Set<LLMSignal> = []

    public init() {}

    /// What one check found.
    public struct Outcome: Sendable {
        /// Hard signals firing now (including those that started on this check), with their readings.
        public var firing: [LLMReading] = []
        /// Whether a hard signal started firing on this check.
        public var started = false
        /// Advisory signals that went out of bounds on this check.
        public var advisories: [LLMReading] = []
    }

    /// Judges the canary's window against the baseline's and the canary bundle's contracts.
    /// `tenantHourCost` is what each tenant spent on the canary in the last hour, in US dollars.
    public mutating func check(canary: TelemetryCounters, baseline: TelemetryCounters, contracts: BundleContracts?, policy: ControlPolicy,
                               tenantHourCost: [String: Double] = [:]) -> Outcome {
        var outcome = Outcome()
        let contracts = contracts ?? BundleContracts()
        var readings = Self.readings(canary: canary, baseline: baseline, contracts: contracts, policy: policy)
        if let budget = Self.tenantBudget(tenantHourCost, contracts: contracts) { readings.append(budget) }
        for reading in readings {
            if reading.signal.hard {
                var pair = checks[reading.signal] ?? ConsecutiveChecks(toFire: policy.checksToFire, toClear: policy.checksToClear)
                outcome.started = pair.record(reading.verdict) || outcome.started
                checks[reading.signal] = pair
                if pair.firing { outcome.firing.append(reading) }
            } else if reading.verdict == .fail {
                if advising.insert(reading.signal).inserted { outcome.advisories.append(reading) }
            } else if reading.verdict == .pass {
                advising.remove(reading.signal)
            }
        }
        return outcome
    }

    /// The hard signals' state as the console shows it: firing if any fires, watching if any is failing.
    public var state: DetectorState {
        checks.values.map(\.state).max() ?? .ok
    }

    /// Starts counting afresh, after the trigger's action or when the canary changes.
    public mutating func reset() {
        checks = [:]
        advising = []
    }

    /// Every signal that applies, judged once. Too few canary requests make each inconclusive.
    static func readings(canary: TelemetryCounters, baseline: TelemetryCounters, contracts: BundleContracts, policy: ControlPolicy) -> [LLMReading] {
        let enough = canary.status2xx >= policy.llmMinimumRequests
        let baselineEnough = baseline.status2xx >= policy.llmMinimumRequests
        func verdict(_ failing: Bool, _ conclusive: Bool = true) -> CheckVerdict {
            !enough || !conclusive ? .inconclusive : (failing ? .fail : .pass)
        }
        var out: [LLMReading] = []

        // Each side's loops are counted against its own bundle's maximum depth: a canary that declares a stricter
        // maximum than the baseline's has promised to stay within it.
        let loopLimit = policy.llmRatio * baseline.toolLoopRate
        let depth = contracts.reliability?.maxToolCallDepth.map { "\($0) (its contract)" } ?? "\(ReliabilityContract.defaultMaxToolCallDepth) (the default)"
        out.append(LLMReading(signal: .toolLoop, canary: canary.toolLoopRate, baseline: baseline.toolLoopRate, limit: loopLimit,
                              verdict: verdict(canary.toolLoops >= policy.toolLoopMinimum && canary.toolLoopRate > loopLimit),
                              summary: "tool loop: \(canary.toolLoops) answer(s) past the maximum tool-call depth of \(depth), "
                                  + percent(canary.toolLoopRate) + " of answers; baseline " + percent(baseline.toolLoopRate)))

        let toolLimit = policy.llmRatio * baseline.toolCallsPerAnswer
        out.append(LLMReading(signal: .toolCallRate, canary: canary.toolCallsPerAnswer, baseline: baseline.toolCallsPerAnswer, limit: toolLimit,
                              verdict: verdict(canary.toolCallsPerAnswer > max(toolLimit, 0.05), baselineEnough),
                              summary: String(format: "tool calls %.2f per answer against the baseline's %.2f (limit %.1f×)",
                                              canary.toolCallsPerAnswer, baseline.toolCallsPerAnswer, policy.llmRatio)))

        // A contract the baseline breaks as well (a change in the traffic mix, a provider's price or refusal spike)
        // is the environment's doing: moving traffic back would not help, so the check is inconclusive.
        let baselineBreaks = { (breaks: Bool) in baselineEnough && breaks }
        if let maximum = contracts.cost?.maxUSDPerRequest {
            out.append(LLMReading(signal: .costContract, canary: canary.costPerAnswerUSD, baseline: baseline.costPerAnswerUSD, limit: maximum,
                                  verdict: verdict(canary.costPerAnswerUSD > maximum, !baselineBreaks(baseline.costPerAnswerUSD > maximum)),
                                  summary: "cost per answer " + dollars(canary.costPerAnswerUSD) + " over the contract's " + dollars(maximum)))
        }

        let costLimit = policy.costBlowupRatio * baseline.costPerAnswerUSD
        out.append(LLMReading(signal: .costBlowup, canary: canary.costPerAnswerUSD, baseline: baseline.costPerAnswerUSD, limit: costLimit,
                              verdict: verdict(canary.costPerAnswerUSD > costLimit, baselineEnough && baseline.costMicroUSD > 0),
                              summary: "cost blow-up: " + dollars(canary.costPerAnswerUSD) + " per answer against the baseline's "
                                  + dollars(baseline.costPerAnswerUSD) + String(format: " (limit %.1f×)", policy.costBlowupRatio)))

        if let band = contracts.safety {
            let rate = canary.refusalRate
            let bandText = percent(band.minRefusalRate) + "–" + percent(band.maxRefusalRate)
            out.append(LLMReading(signal: .refusalAboveBand, canary: rate, baseline: baseline.refusalRate, limit: band.maxRefusalRate,
                                  verdict: verdict(rate > band.maxRefusalRate, !baselineBreaks(baseline.refusalRate > band.maxRefusalRate)),
                                  summary: "refusal rate " + percent(rate) + " above the contract's band " + bandText))
            out.append(LLMReading(signal: .refusalBelowBand, canary: rate, baseline: baseline.refusalRate, limit: band.minRefusalRate,
                                  verdict: verdict(rate < band.minRefusalRate),
                                  summary: "refusal rate " + percent(rate) + " below the contract's band " + bandText
                                      + ": it may answer what it should refuse"))
        }

        // Only a declared contract makes failures hard; undeclared schema drift stays with tier 2's trend charts.
        // Each contract is judged on the answers it checked, so a rare structured answer is not diluted by the rest.
        let declared = [("interface", contracts.interface != nil, canary.contractChecked, canary.contractFailed, baseline.interfaceFailureRate,
                         canary.interfaceFailureRate),
                        ("experience", contracts.experience != nil, canary.experienceChecked, canary.experienceFailed, baseline.experienceFailureRate,
                         canary.experienceFailureRate)].filter(\.1)
        if !declared.isEmpty {
            let judged = declared.map { name, _, checked, failed, baseRate, rate in
                let limit = max(policy.contractFailureMaximum, policy.llmRatio * baseRate)
                return (name: name, checked: checked, failed: failed, rate: rate, baseRate: baseRate, limit: limit,
                        failing: checked >= policy.trendMinimumRequests && rate > limit)
            }
            let worst = judged.first(where: \.failing) ?? judged.max { $0.rate < $1.rate }!
            let conclusive = judged.contains { $0.checked >= policy.trendMinimumRequests }
            out.append(LLMReading(signal: .contractFailures, canary: worst.rate, baseline: worst.baseRate, limit: worst.limit,
                                  verdict: verdict(judged.contains(where: \.failing), conclusive),
                                  summary: "\(worst.name) contract broken by \(worst.failed) of \(worst.checked) checked answers, " + percent(worst.rate)
                                      + " (limit " + percent(worst.limit) + ", baseline " + percent(worst.baseRate) + ")"))
        }
        return out
    }

    /// The tenant-budget reading: fails for the tenant furthest over `max_usd_per_tenant_hour`; nil without a budget.
    static func tenantBudget(_ costs: [String: Double], contracts: BundleContracts) -> LLMReading? {
        guard let budget = contracts.cost?.maxUSDPerTenantHour else { return nil }
        let over = costs.filter { $0.value > budget }.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        guard let (tenant, spent) = over.first else {
            return LLMReading(signal: .tenantBudget, canary: costs.values.max() ?? 0, baseline: 0, limit: budget, verdict: .pass, summary: "")
        }
        let others = over.count > 1 ? " (and \(over.count - 1) other tenant(s))" : ""
        return LLMReading(signal: .tenantBudget, canary: spent, baseline: 0, limit: budget, verdict: .fail,
                          summary: "tenant \(tenant) spent " + String(format: "$%.2f", spent) + " on the canary in the last hour\(others), over the contract's "
                              + String(format: "$%.2f", budget) + " per tenant-hour")
    }

    private static func percent(_ rate: Double) -> String { String(format: "%.1f%%", rate * 100) }
    private static func dollars(_ amount: Double) -> String { String(format: "$%.5f", amount) }
}
