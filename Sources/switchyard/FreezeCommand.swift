import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardStore

/// `switchyard freeze`: stop every forward move (rollout steps, promotions, stage changes) but rollbacks.
struct FreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freeze",
        abstract: "Declare an incident freeze: nothing moves forward, rollbacks stay allowed.",
        discussion: "Scopes: all (default), bundle:NAME, tenant:TENANT. Without --expires the freeze holds until unfreeze.")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "all, bundle:NAME or tenant:TENANT.") var scope = "all"
    @Option(name: .long, help: "Lift the freeze automatically after this long, e.g. 2h.") var expires: String?
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let parsed = try Freeze.Scope(parsing: scope)
        let seconds = try expires.map { try DurationText.seconds($0, field: "--expires") }
        let freeze = try state.openExisting().freeze(scope: parsed, reason: why, actor: OperatorIdentity.current, expiresAfterSeconds: seconds)
        print("frozen (\(freeze.scope)) by \(freeze.actor)" + (freeze.expires.map { " until \(Timestamp.format($0))" } ?? " until unfreeze") + ": \(freeze.reason)")
    }
}

/// `switchyard unfreeze`: lift freezes.
struct UnfreezeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unfreeze", abstract: "Lift the freezes in force (or only those with --scope).")

    @OptionGroup var state: StateOptions
    @Option(name: .long, help: "Only lift freezes with this scope.") var scope: String?
    @OptionGroup var reason: ReasonOption

    func run() throws {
        let why = try reason.require()
        let lifted = try state.openExisting().unfreeze(scope: try scope.map(Freeze.Scope.init(parsing:)), reason: why, actor: OperatorIdentity.current)
        for freeze in lifted { print("lifted freeze (\(freeze.scope)) declared by \(freeze.actor): \(freeze.reason)") }
    }
}
