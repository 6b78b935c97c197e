/// What the operator asked for; the console loop hands actions to the executable and shows its answer.
public enum ConsoleIntent: Hashable, Sendable {
    case promote(full: Bool, reason: String)
    case pause(reason: String)
    case resume(reason: String)
    case abort(reason: String)
    /// The first half of a rollback: the executable answers with `ConsoleUI.presentRollbackPlan(_:)`.
    case requestRollbackPlan
    /// `target` is the bundle the operator typed, exactly as the plan named it.
    case rollback(target: String, reason: String)
    /// `scope` is `all`, `bundle:NAME` or `tenant:T` and `expires` a duration such as `2h`, both as typed; nil never expires.
    case freeze(scope: String, reason: String, expires: String?)
    case unfreeze(reason: String)
    case breakerReset(reason: String)
    case drainAdvance(reason: String)
    case drainHold(reason: String)
    case theme(name: String)
    /// Moves a replay's cursor (only in `replay` consoles).
    case replay(ReplayControl)
    case quit
    /// Clear the terminal and draw everything again (Ctrl-L).
    case redraw
}

/// The pre-flight plan the executable supplies before a rollback: what will happen, and the bundle traffic goes back to.
public struct RollbackPlan: Hashable, Sendable, Codable {
    /// The bundle reference the operator must type to confirm, e.g. `support-assistant@1.0.0`.
    public var target: String
    public var lines: [String]

    public init(target: String, lines: [String]) {
        self.target = target
        self.lines = lines
    }
}

/// How the operator moves through a replayed journal.
public enum ReplayControl: Hashable, Sendable {
    /// Space: play or pause.
    case toggle
    /// ← / →: one entry back or forward.
    case step(Int)
    /// Shift-← / Shift-→: to the previous or next decision.
    case jump(Int)
    /// + / -: play faster or slower.
    case faster, slower
    /// `:goto TIME`: to the last entry at or before a time (`HH:MM[:SS]` or ISO 8601).
    case goTo(String)
}
