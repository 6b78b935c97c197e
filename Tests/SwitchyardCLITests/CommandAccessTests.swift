import ArgumentParser
import SwitchyardConsole
@testable import switchyard
import Testing

/// Which commands the admin socket runs, and for whom: every command is classified on purpose.
@Suite struct CommandAccessTests {
    private static func leaves(_ command: any ParsableCommand.Type) -> [any ParsableCommand.Type] {
        let children = command.configuration.subcommands
        return children.isEmpty ? [command] : children.flatMap(leaves)
    }

    @Test func everyCommandIsClassifiedExactlyOnce() {
        let lists = CommandAccess.steering + CommandAccess.viewing + CommandAccess.running
        for leaf in Self.leaves(Switchyard.self) {
            let count = lists.filter { ObjectIdentifier($0) == ObjectIdentifier(leaf) }.count
            #expect(count == 1, "\(leaf._commandName) is in \(count) of the steering, viewing and running lists")
        }
        #expect(lists.count == Self.leaves(Switchyard.self).count, "a list names a command that is not a subcommand")
    }

    @Test func changesNeedTheSteerRoleAndReadsDoNot() {
        #expect(CommandAccess.of(RouteSet.self) == .steer && !CommandAccess.steer.allows(.view) && CommandAccess.steer.allows(.steer))
        #expect(CommandAccess.of(RouteShow.self) == .view && CommandAccess.view.allows(.view))
        #expect(CommandAccess.of(ServeCommand.self) == .local)
    }

    @Test func theConsolesActionsAreTheCommandLinesOfTheCLI() throws {
        let intents: [(ConsoleIntent, any ParsableCommand.Type)] = [
            (.promote(full: true, reason: "r"), RolloutPromote.self), (.pause(reason: "r"), RolloutPause.self),
            (.resume(reason: "r"), RolloutResume.self), (.abort(reason: "r"), RolloutAbort.self),
            (.rollback(target: "app@1.0.0", reason: "r"), RollbackStart.self),
            (.freeze(scope: "tenant:acme", reason: "r", expires: "2h"), FreezeCommand.self), (.unfreeze(reason: "r"), UnfreezeCommand.self),
            (.breakerReset(reason: "r"), BreakerReset.self), (.drainHold(reason: "r"), RollbackHold.self),
            (.drainAdvance(reason: "r"), RollbackContinue.self),
        ]
        for (intent, expected) in intents {
            let arguments = try #require(RemoteConsole.arguments(for: intent))
            let parsed = try Switchyard.parseAsRoot(arguments)
            #expect(ObjectIdentifier(type(of: parsed)) == ObjectIdentifier(expected), "\(arguments)")
            #expect(CommandAccess.of(type(of: parsed)) == .steer)
        }
        #expect(RemoteConsole.arguments(for: .quit) == nil)
    }

    @Test func theStateOptionIsLeftOutOfWhatIsSentAndFoundInNestedGroups() throws {
        #expect(AdminForwarding.withoutState(["route", "set", "a=100%", "--state", "x", "--reason", "r", "--state=y"])
                == ["route", "set", "a=100%", "--reason", "r"])
        let hold = try Switchyard.parseAsRoot(["rollback", "hold", "--state", "/srv/sy", "--reason", "r"])
        #expect(StateOptions.found(in: hold)?.directory == "/srv/sy", "found inside the rollback context's option group")
    }
}
