import SwitchyardCore
import Yams

/// Parses control policy files (`Docs/operations.md`, "Policy file"). Every field is optional; what is left
/// out keeps the default.
///
///     slo: 0.999
///     tier0: {burn_threshold: 14.4, long_window: 1h, short_window: 5m, minimum_requests: 50,
///             critical_ratio: 5, ratio_minimum_requests: 100, checks_to_fire: 3, checks_to_clear: 3}
///     tier2: {ewma_lambda: 0.2, ewma_limit: 3, cusum_k: 0.5, cusum_h: 5, minimum_requests: 20}
///     llm: {minimum_requests: 50, ratio: 2, tool_loop_minimum: 3, cost_blowup_ratio: 2, contract_failure_maximum: 0.05}
///     guards: {cooldown: 30m, breaker_threshold: 2, incident_freeze: 2h}
///     drain: {stages: [75, 50, 25, 0], maximum_utilisation: 0.8}
public enum PolicyManifest {
    static let tier0Fields = ["burn_threshold", "long_window", "short_window", "minimum_requests", "critical_ratio",
                              "ratio_minimum_requests", "ratio_minimum_failures", "checks_to_fire", "checks_to_clear"]

    public static func load(path: String) throws -> ControlPolicy {
        try parse(try ManifestFile.read(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> ControlPolicy {
        let reader = YAMLReader(file: file)
        let policy = read(try reader.top(of: text, allowed: sections), reader: reader)
        guard reader.issues.isEmpty else { throw ManifestError(file: file, issues: reader.issues) }
        return policy
    }

    static let sections = ["slo", "tier0", "tier2", "llm", "guards", "drain"]

    /// The policy a mapping with `sections` describes (a policy file, or a drill's `policy:`); problems go to `reader`.
    static func read(_ top: Fields, reader: YAMLReader) -> ControlPolicy {
        var policy = ControlPolicy()
        policy.slo = top.double("slo", in: 0.5...0.99999) ?? policy.slo
        if let tier0 = top.mapping("tier0", allowed: tier0Fields) {
            policy.burn.threshold = tier0.double("burn_threshold", in: 1...1000) ?? policy.burn.threshold
            policy.burn.longWindowSeconds = tier0.duration("long_window") ?? policy.burn.longWindowSeconds
            policy.burn.shortWindowSeconds = tier0.duration("short_window") ?? policy.burn.shortWindowSeconds
            policy.burnMinimumRequests = tier0.int("minimum_requests", in: 1...Int.max) ?? policy.burnMinimumRequests
            policy.ratio.maximumRatio = tier0.double("critical_ratio", in: 1...1000) ?? policy.ratio.maximumRatio
            policy.ratio.minimumRequests = tier0.int("ratio_minimum_requests", in: 1...Int.max) ?? policy.ratio.minimumRequests
            policy.ratio.minimumFailures = tier0.int("ratio_minimum_failures", in: 1...Int.max) ?? policy.ratio.minimumFailures
            policy.checksToFire = tier0.int("checks_to_fire", in: 1...100) ?? policy.checksToFire
            policy.checksToClear = tier0.int("checks_to_clear", in: 1...100) ?? policy.checksToClear
            if policy.burn.shortWindowSeconds > policy.burn.longWindowSeconds {
                reader.report(at: tier0.node("short_window"), field: "tier0.short_window", "must not be longer than tier0.long_window")
            }
        }
        if let tier2 = top.mapping("tier2", allowed: ["ewma_lambda", "ewma_limit", "cusum_k", "cusum_h", "minimum_requests"]) {
            policy.ewmaLambda = tier2.double("ewma_lambda", in: 0.01...1) ?? policy.ewmaLambda
            policy.ewmaLimit = tier2.double("ewma_limit", in: 0.5...10) ?? policy.ewmaLimit
            policy.cusumSlack = tier2.double("cusum_k", in: 0...5) ?? policy.cusumSlack
            policy.cusumThreshold = tier2.double("cusum_h", in: 0.5...50) ?? policy.cusumThreshold
            policy.trendMinimumRequests = tier2.int("minimum_requests", in: 1...Int.max) ?? policy.trendMinimumRequests
        }
        if let llm = top.mapping("llm", allowed: ["minimum_requests", "ratio", "tool_loop_minimum", "cost_blowup_ratio", "contract_failure_maximum"]) {
            policy.llmMinimumRequests = llm.int("minimum_requests", in: 1...Int.max) ?? policy.llmMinimumRequests
            policy.llmRatio = llm.double("ratio", in: 1...1000) ?? policy.llmRatio
            policy.toolLoopMinimum = llm.int("tool_loop_minimum", in: 1...Int.max) ?? policy.toolLoopMinimum
            policy.costBlowupRatio = llm.double("cost_blowup_ratio", in: 1...1000) ?? policy.costBlowupRatio
            policy.contractFailureMaximum = llm.double("contract_failure_maximum", in: 0...1) ?? policy.contractFailureMaximum
        }
        if let guards = top.mapping("guards", allowed: ["cooldown", "breaker_threshold", "incident_freeze"]) {
            policy.cooldownSeconds = guards.duration("cooldown") ?? policy.cooldownSeconds
            policy.breakerThreshold = guards.int("breaker_threshold", in: 1...100) ?? policy.breakerThreshold
            if guards.string("incident_freeze") == "off" {
                policy.incidentFreezeSeconds = nil
            } else if let seconds = guards.duration("incident_freeze") {
                policy.incidentFreezeSeconds = seconds
            }
        }
        if let drain = top.mapping("drain", allowed: ["stages", "maximum_utilisation"]) {
            policy.drainMaximumUtilisation = drain.double("maximum_utilisation", in: 0.1...1) ?? policy.drainMaximumUtilisation
            if let stages = drain.list("stages") {
                let percents = stages.map { item in item.node.scalar.flatMap { Int($0.string) } }
                let valid = percents.allSatisfy { $0 != nil && (0...99).contains($0!) } && percents.last == 0
                    && zip(percents, percents.dropFirst()).allSatisfy { $0! > $1! }
                if valid {
                    policy.drainStages = percents.map { $0! * 100 }
                } else {
                    reader.report(at: drain.node("stages"), field: "drain.stages",
                                  "must be decreasing whole percentages below 100 that end at 0, e.g. [75, 50, 25, 0]")
                }
            }
        }
        return policy
    }
}
