/// What the automatic side of the control plane remembers between ticks: the guards and the tier-0 trigger
/// watching the current canary. Stored with the decisions it leads to.
public struct AutomationState: Hashable, Sendable, Codable {
    public var guards: AutomationGuards
    /// The canary tier 0 is watching, and its trigger; nil when no rollout runs.
    public var watched: BundleRef?
    public var tier0: Tier0Trigger
    public var tier2 = TrendWatch()
    /// The LLM signals on the same canary: tool loops, cost, refusal band, contract failures.
    public var llm = LLMTrigger()

    enum CodingKeys: String, CodingKey {
        case guards, watched, tier0, tier2, llm
    }

    public init(policy: ControlPolicy) {
        guards = policy.newGuards()
        tier0 = Tier0Trigger(policy: policy)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guards = try container.decode(AutomationGuards.self, forKey: .guards)
        watched = try container.decodeIfPresent(BundleRef.self, forKey: .watched)
        tier0 = try container.decode(Tier0Trigger.self, forKey: .tier0)
        tier2 = try container.decodeIfPresent(TrendWatch.self, forKey: .tier2) ?? TrendWatch()
        llm = try container.decodeIfPresent(LLMTrigger.self, forKey: .llm) ?? LLMTrigger()
    }

    /// Points tier 0 at `canary`, starting its count afresh when the canary changed.
    public mutating func watch(_ canary: BundleRef?) {
        guard canary != watched else { return }
        watched = canary
        tier0.reset()
        tier2 = TrendWatch()
        llm.reset()
    }
}
