import SwitchyardCore
/// What the console needs from the executable: snapshots, rollback plans, actions carried out, and themes by name.
public struct ConsoleBackend: Sendable {
    public var snapshot: @Sendable () async -> ConsoleSnapshot
    /// The pre-flight plan for a rollback now; throws when none is possible.
    public var rollbackPlan: @Sendable () async throws -> RollbackPlan
    /// Carries out an action and returns what to tell the operator; a thrown error's description is shown instead.
    public var execute: @Sendable (ConsoleIntent) async throws -> String
    /// Loads the theme called `name`.
    public var palette: @Sendable (String) async throws -> Theme

    public init(snapshot: @escaping @Sendable () async -> ConsoleSnapshot, rollbackPlan: @escaping @Sendable () async throws -> RollbackPlan,
                execute: @escaping @Sendable (ConsoleIntent) async throws -> String,
                palette: @escaping @Sendable (String) async throws -> Theme) {
        self.snapshot = snapshot
        self.rollbackPlan = rollbackPlan
        self.execute = execute
        self.palette = palette
    }
}
