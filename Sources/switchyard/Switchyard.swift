import ArgumentParser

/// The `switchyard` command: registry, pools, routing, journal.
struct Switchyard: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchyard",
        abstract: "Rehearsed, seconds-long rollback of LLM releases.",
        discussion: """
            State lives in a directory (--state, else $SWITCHYARD_STATE, else ./.switchyard).
            Exit codes: 0 ok, 1 failure, 2 usage error, 3 refused, 4 target not warm.
            Shell completions: switchyard --generate-completion-script bash|zsh|fish
            """,
        subcommands: [
            ConsoleCommand.self, StatusCommand.self, RegistryCommand.self, PoolCommand.self, RouteCommand.self, RolloutCommand.self, RollbackCommand.self, BreakerCommand.self, DrillCommand.self, ReplayCommand.self,
            FreezeCommand.self, UnfreezeCommand.self,
            AuditCommand.self, HistoryCommand.self, AffectedCommand.self, EvalCommand.self, ServeCommand.self, FakeBackendCommand.self,
        ]
    )
}

/// A command that runs servers until it is stopped; `main` awaits it instead of calling the synchronous `run()`.
protocol LongRunningCommand: ParsableCommand {
    func runUntilStopped() async throws
}
