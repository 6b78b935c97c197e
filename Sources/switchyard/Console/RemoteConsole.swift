import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardEngine

/// A console attached through serve's admin socket, for a user who may not open the state files: its view, the
/// rollback plan and its actions all come from serve, and the actions are journaled under this user.
struct RemoteConsole: Sendable {
    let path: String

    func whoami() throws -> AdminReply { try send(AdminRequest(operation: .whoami)) }

    func snapshot() throws -> ConsoleSnapshot {
        try JSONDecoder().decode(ConsoleSnapshot.self, from: Data(try send(AdminRequest(operation: .consoleSnapshot)).standardOutput.utf8))
    }

    func rollbackPlan() throws -> RollbackPlan {
        try JSONDecoder().decode(RollbackPlan.self, from: Data(try send(AdminRequest(operation: .rollbackPlan)).standardOutput.utf8))
    }

    /// Runs the intent as the command line the CLI would send; its first line of output is the console's status.
    func execute(_ intent: ConsoleIntent) throws -> String {
        guard let arguments = Self.arguments(for: intent) else { return "" }
        let lines = try send(AdminRequest(operation: .run, arguments: arguments)).standardOutput.split(separator: "\n").map(String.init)
        return lines.first { $0.hasPrefix("Started:") } ?? lines.first ?? ""
    }

    /// The CLI command line of an intent that changes state.
    static func arguments(for intent: ConsoleIntent) -> [String]? {
        switch intent {
        case .promote(let full, let reason): ["rollout", "promote"] + (full ? ["--full"] : []) + ["--reason", reason]
        case .pause(let reason): ["rollout", "pause", "--reason", reason]
        case .resume(let reason): ["rollout", "resume", "--reason", reason]
        case .abort(let reason): ["rollout", "abort", "--reason", reason]
        case .rollback(let target, let reason): ["rollback", "start", "--to", target, "--warm-first", "--yes", "--reason", reason]
        case .freeze(let scope, let reason, let expires): ["freeze", "--scope", scope] + (expires.map { ["--expires", $0] } ?? []) + ["--reason", reason]
        case .unfreeze(let reason): ["unfreeze", "--reason", reason]
        case .breakerReset(let reason): ["breaker", "reset", "--reason", reason]
        case .drainHold(let reason): ["rollback", "hold", "--reason", reason]
        case .drainAdvance(let reason): ["rollback", "continue", "--reason", reason]
        case .requestRollbackPlan, .theme, .quit, .redraw, .replay: nil
        }
    }

    /// The reply of a request that succeeded; a failed command's own error, message and hint, otherwise.
    private func send(_ request: AdminRequest) throws -> AdminReply {
        let reply: AdminReply
        do {
            // The view and the plan are quick for serve; a console never hangs on them. Actions take as long as they take.
            reply = try AdminSocketClient.send(request, to: path, timeout: request.operation == .run ? nil : 5)
        } catch .absent {
            throw AdminForwarding.noServe(path)
        } catch .denied(let why) {
            throw AdminForwarding.deniedError(path, why)
        } catch .broken(let why) {
            throw SwitchyardError.failure("\(why): the action may or may not have run", hint: "look at the events panel before trying again")
        }
        guard reply.exitCode == 0 else {
            let lines = reply.standardError.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let message = lines.first.map { $0.hasPrefix("error: ") ? String($0.dropFirst(7)) : $0 } ?? "exit code \(reply.exitCode)"
            throw SwitchyardError.failure(message, hint: lines.dropFirst().first)
        }
        return reply
    }
}
