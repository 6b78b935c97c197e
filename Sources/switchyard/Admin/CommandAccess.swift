import ArgumentParser
import SwitchyardEngine

/// Which commands go through a running serve's admin socket, and what role each needs there.
enum CommandAccess: Equatable {
    /// Changes state: sent to the socket when serve runs, and refused to viewers.
    case steer
    /// Only reads: sent to the socket when serve runs, so reading needs no access to the state files either.
    case view
    /// Runs in the caller's process: a server, a terminal program, or a command with a state of its own.
    case local

    static let steering: [any ParsableCommand.Type] = [
        RegistryAdd.self, RegistryStage.self, RegistryValidate.self, RegistryPrune.self, RegistryDerive.self,
        PoolSet.self, PoolApply.self, RouteSet.self, RouteUnset.self,
        RolloutStart.self, RolloutPromote.self, RolloutPause.self, RolloutResume.self, RolloutAbort.self,
        RollbackStart.self, RollbackHold.self, RollbackContinue.self, BreakerReset.self,
        FreezeCommand.self, UnfreezeCommand.self, AuditAcknowledge.self, EvalRun.self,
    ]
    static let viewing: [any ParsableCommand.Type] = [
        StatusCommand.self, RegistryList.self, RegistryShow.self, RegistryDiff.self, RegistryVerify.self, PoolShow.self, RouteShow.self,
        RolloutStatus.self, RollbackStatus.self, BreakerStatus.self, AuditVerify.self, HistoryCommand.self, AffectedCommand.self,
        EvalShow.self, DrillHistory.self,
    ]
    static let running: [any ParsableCommand.Type] = [
        ServeCommand.self, ConsoleCommand.self, FakeBackendCommand.self, DrillRun.self, ReplayCommand.self,
    ]

    static func of(_ command: any ParsableCommand.Type) -> CommandAccess {
        let id = ObjectIdentifier(command)
        if steering.contains(where: { ObjectIdentifier($0) == id }) { return .steer }
        if viewing.contains(where: { ObjectIdentifier($0) == id }) { return .view }
        return .local
    }

    /// Whether `role` may run a command that needs this access.
    func allows(_ role: AdminRole) -> Bool { self != .steer || role == .steer }
}
