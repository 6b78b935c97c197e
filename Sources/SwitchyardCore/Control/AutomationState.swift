/// What the automatic side of the control plane remembers between ticks: the guards and the tier-0 trigger
/// watching the current canary. Stored with the decisions it leads to.
public struct AutomationState: Hashable, Sendable, Codable {
    public var guards: AutomationGuards
    /// The canary tier 0 is watching, and its trigger; nil when no rollout runs.
    public var watched: BundleRef?
    public var tier0: Tier0Trigger

    public init(policy: ControlPolicy) {
        guards = policy.newGuards()
        tier0 = Tier0Trigger(policy: policy)
    }

    /// Points tier 0 at `canary`, starting its count afresh when the canary changed.
    public mutating func watch(_ canary: BundleRef?) {
        guard canary != watched else { return }
        watched = canary
        tier0.reset()
    }
}
