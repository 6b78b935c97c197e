/// The kinds of journal entry, as written in the `kind` column.
public enum JournalKind {
    public static let bundleAdded = "bundle.added"
    public static let bundleStage = "bundle.stage"
    public static let evalReport = "eval.report"
    public static let bundleValidated = "bundle.validated"
    public static let bundleArchived = "bundle.archived"
    public static let poolSet = "pool.set"
    public static let routeSet = "route.set"
    public static let freezeDeclared = "freeze.declared"
    public static let freezeLifted = "freeze.lifted"
    /// An operator acknowledged a break in the journal's chain, so that Switchyard steers again.
    public static let auditAcknowledged = "audit.acknowledged"
}

extension JournalKind {
    /// A rollout was started, stepped, paused, resumed, promoted, completed or aborted: `rollout.<event>`.
    public static func rollout(_ event: String) -> String { "rollout.\(event)" }
}
