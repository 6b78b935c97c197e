/// Every threshold the control plane acts on, with the defaults `Docs/operations.md` explains.
/// Loaded from a policy file (`serve --policy FILE`); a field left out keeps its default.
public struct ControlPolicy: Hashable, Sendable {
    /// The availability objective the burn rates are measured against (0.999: a 0.1% error budget).
    public var slo = 0.999
    /// Tier 0: the fast-burn page, 14.4 over 1 h confirmed over 5 min.
    public var burn = MultiwindowBurnRule.fastBurn
    /// Tier 0: fewer requests than this in the short window make a burn check inconclusive.
    public var burnMinimumRequests = 50
    /// Tier 0: the canary's error rate against the concurrent baseline's.
    public var ratio = CriticalRatioRule.defaults
    /// Tier 0: failing checks in a row before an automatic rollback, and passing checks in a row to clear.
    public var checksToFire = 3
    public var checksToClear = 3
    /// Guards: no automatic action for this long after an automatic rollback.
    public var cooldownSeconds = 1800
    /// Guards: consecutive automatic rollbacks that open the circuit breaker.
    public var breakerThreshold = 2
    /// An automatic rollback freezes the bad bundle for this long; nil turns freeze-on-incident off.
    public var incidentFreezeSeconds: Int? = 7200
    /// Drains: the bad bundle's share after each stage, in basis points.
    public var drainStages = [7500, 5000, 2500, 0]
    /// Drains: the share of the target's warm capacity a stage may use.
    public var drainMaximumUtilisation = 0.8
    /// Tier 2: trend charts on quality signals, in standard errors (advisory only).
    public var ewmaLambda = 0.2
    public var ewmaLimit = 3.0
    public var cusumSlack = 0.5
    public var cusumThreshold = 5.0
    /// Tier 2: minutes with fewer canary requests than this are skipped.
    public var trendMinimumRequests = 20
    /// LLM signals: fewer canary requests than this in the short window make them inconclusive.
    public var llmMinimumRequests = 50
    /// LLM signals: the canary's tool-loop, tool-call and contract-failure rates may be this multiple of the baseline's.
    public var llmRatio = 2.0
    /// LLM signals: answers past the maximum tool-call depth in the window before a loop is a hard failure.
    public var toolLoopMinimum = 3
    /// LLM signals: the canary's mean cost per answer may be this multiple of the baseline's.
    public var costBlowupRatio = 2.0
    /// LLM signals: the share of answers that may break a declared contract.
    public var contractFailureMaximum = 0.05

    public init() {}

    public var drainPlanner: DrainPlanner { DrainPlanner(stages: drainStages, maximumUtilisation: drainMaximumUtilisation) }

    public func newGuards() -> AutomationGuards { AutomationGuards(cooldownSeconds: cooldownSeconds, breakerThreshold: breakerThreshold) }
}
