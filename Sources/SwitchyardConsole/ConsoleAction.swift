/// An operator action the console can send; raw values are the `:` command names.
public enum ConsoleAction: String, CaseIterable, Hashable, Sendable {
    case promote, promoteFull = "promote-full", pause, resume, abort, rollback, freeze, unfreeze
    case breakerReset = "breaker-reset", drainAdvance = "drain-advance", drainHold = "drain-hold"

    /// The single key that starts it, for the actions that have one.
    public var key: Character? {
        switch self {
        case .promote: "p"
        case .promoteFull: "P"
        case .pause: "s"
        case .resume: "r"
        case .abort: "a"
        case .rollback: "b"
        case .freeze: "f"
        case .unfreeze: "u"
        case .breakerReset, .drainAdvance, .drainHold: nil
        }
    }

    /// The footer's short label.
    var label: String {
        switch self {
        case .promoteFull: "full"
        default: rawValue
        }
    }

    var title: String {
        switch self {
        case .promote: "Promote to the next step"
        case .promoteFull: "Promote to 100% now"
        case .pause: "Pause the rollout"
        case .resume: "Resume the rollout"
        case .abort: "Abort the rollout"
        case .rollback: "Roll back"
        case .freeze: "Freeze"
        case .unfreeze: "Unfreeze"
        case .breakerReset: "Reset the circuit breaker"
        case .drainAdvance: "Advance the drain"
        case .drainHold: "Hold the drain"
        }
    }

    /// What the operator fills in, in order.
    var fields: [ActionDraft.Field] {
        switch self {
        case .rollback: [.reason, .target]
        case .freeze: [.reason, .scope, .expires]
        default: [.reason]
        }
    }

    /// The action with every field filled in.
    func intent(_ values: [ActionDraft.Field: String]) -> ConsoleIntent {
        let reason = values[.reason] ?? ""
        switch self {
        case .promote: return .promote(full: false, reason: reason)
        case .promoteFull: return .promote(full: true, reason: reason)
        case .pause: return .pause(reason: reason)
        case .resume: return .resume(reason: reason)
        case .abort: return .abort(reason: reason)
        case .rollback: return .rollback(target: values[.target] ?? "", reason: reason)
        case .freeze:
            let expires = values[.expires] ?? ActionDraft.Field.expires.defaultValue
            return .freeze(scope: values[.scope] ?? "all", reason: reason, expires: expires == "never" ? nil : expires)
        case .unfreeze: return .unfreeze(reason: reason)
        case .breakerReset: return .breakerReset(reason: reason)
        case .drainAdvance: return .drainAdvance(reason: reason)
        case .drainHold: return .drainHold(reason: reason)
        }
    }
}
