import ArgumentParser
import Foundation
import SwitchyardEngine

/// Serve's handler for the admin socket: runs the peer's command line as a child `switchyard`, against serve's own
/// state directory, with the peer (from SO_PEERCRED) as the actor its journal entries name. A child, not a call in
/// this process: a command that fails or hangs never takes the router down with it.
struct CommandBroker: Sendable {
    /// Set in a child's environment to the actor; the child then runs its command here instead of forwarding it.
    static let actorVariable = "SWITCHYARD_BROKERED_FOR"

    let stateDirectory: String
    let viewersGroup: String?
    /// Serve's own `--policy` file (absolute), given to the rollbacks it runs.
    let policyPath: String?
    /// What an attached console reads: serve's own view of the store.
    let console: ConsoleFeed
    /// Puts a committed generation in force now and waits (briefly) until it is; returns the generation in force.
    let inForce: @Sendable (Int) -> Int

    func answer(_ request: AdminRequest, peer: PeerCredentials, role: AdminRole) -> AdminReply {
        func refuse(_ code: Int32, _ message: String, _ hint: String) -> AdminReply {
            AdminReply(exitCode: code, standardError: "error: \(message)\n  \(hint)\n", actor: peer.user, role: role)
        }
        switch request.operation {
        case .whoami:
            return AdminReply(exitCode: 0, actor: peer.user, role: role)
        case .consoleSnapshot, .rollbackPlan:
            do {
                return AdminReply(exitCode: 0, standardOutput: try console.answer(request.operation), actor: peer.user, role: role)
            } catch {
                return AdminReply(exitCode: 1, standardError: "error: \(error)\n", actor: peer.user, role: role)
            }
        case .inForce:
            // Changes nothing but when the router reads what is already committed, so every role may ask.
            guard let generation = request.arguments.first.flatMap(Int.init) else {
                return refuse(2, "inForce needs a generation number", "this is sent by switchyard itself after a commit")
            }
            return AdminReply(exitCode: 0, standardOutput: "\(inForce(generation))\n", actor: peer.user, role: role)
        case .run:
            break
        }
        if Self.mentions("--state", request.arguments) {
            return refuse(2, "--state cannot be sent over the admin socket", "the socket belongs to one state directory: \(stateDirectory)")
        }
        let command: any ParsableCommand
        do {
            command = try Switchyard.parseAsRoot(request.arguments)
        } catch {
            // A command line that does not parse (or asks for help) runs nothing: the parser's own text is the answer.
            let code = Switchyard.exitCode(for: error)
            let text = Switchyard.fullMessage(for: error) + "\n"
            return code == .success ? AdminReply(exitCode: 0, standardOutput: text, actor: peer.user, role: role)
                : AdminReply(exitCode: code == .validationFailure ? 2 : 1, standardError: text, actor: peer.user, role: role)
        }
        let access = CommandAccess.of(type(of: command))
        if access == .local {
            return refuse(2, "`switchyard \(request.arguments.prefix(2).joined(separator: " "))` does not run through the admin socket",
                          "run it in your own shell; only registry, pool, route, rollout, rollback, freeze and read commands do")
        }
        guard access.allows(role) else {
            return refuse(3, "\(peer.user) may only look: \(peer.user) is in the viewers group '\(viewersGroup ?? "?")'",
                          "read commands work; to steer, ask for membership of the admin socket's group without the viewers group")
        }
        // The owner and root could read any file and environment variable anyway; nobody else borrows serve's rights.
        if peer.uid != 0 && peer.uid != geteuid(), let problem = Self.borrowedRights(command, request.arguments) {
            return refuse(3, problem, "ask the state's owner to run it; on-call steering (route, rollback, freeze, rollout promote …) needs no files")
        }
        var arguments = request.arguments
        if let policyPath, command is RollbackStart || command is RollbackHold || command is RollbackContinue {
            arguments += ["--policy", policyPath]
        }
        return run(request.directory, arguments, actor: peer.user, role: role)
    }

    /// Whether the command line gives `option`, as `--option VALUE` or `--option=VALUE`.
    static func mentions(_ option: String, _ arguments: [String]) -> Bool {
        arguments.contains { $0 == option || $0.hasPrefix(option + "=") }
    }

    /// Why a command would make serve read a file or an environment variable for the peer, with serve's rights.
    static func borrowedRights(_ command: any ParsableCommand, _ arguments: [String]) -> String? {
        if command is RegistryAdd || command is PoolApply {
            return "`switchyard \(arguments.prefix(2).joined(separator: " "))` reads files, which serve would open with its own rights for you"
        }
        for option in ["--policy", "--plan", "--suite"] where mentions(option, arguments) {
            return "\(option) names a file, which serve would open with its own rights for you"
                + (option == "--policy" ? " (rollbacks through the socket use serve's own --policy)" : "")
        }
        if mentions("--api-key-env", arguments) {
            return "--api-key-env would send the value of one of serve's environment variables to a pool's endpoints"
        }
        return nil
    }

    private func run(_ directory: String, _ arguments: [String], actor: String, role: AdminRole) -> AdminReply {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return AdminReply(exitCode: 1, standardError: "error: serve cannot enter your working directory \(directory)\n"
                                + "  run the command from a directory serve's user can read, or pass absolute paths\n", actor: actor, role: role)
        }
        let child = Process()
        // The running image itself, even when its file was replaced by an upgrade since serve started.
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        child.arguments = arguments
        child.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["SWITCHYARD_STATE"] = stateDirectory
        environment[Self.actorVariable] = actor
        child.environment = environment
        let output = Pipe(), errors = Pipe()
        child.standardOutput = output
        child.standardError = errors
        child.standardInput = FileHandle.nullDevice
        do {
            try child.run()
        } catch {
            return AdminReply(exitCode: 1, standardError: "error: serve could not start the command: \(error)\n", actor: actor, role: role)
        }
        // Both pipes are drained at once, so a command that writes much to one never blocks on the other; one that
        // writes more than serve will hold is stopped.
        let pid = child.processIdentifier
        let errorText = DrainedPipe(errors) { kill(pid, SIGTERM) }
        let outputText = DrainedPipe(output) { kill(pid, SIGTERM) }
        child.waitUntilExit()
        var standardError = errorText.text()
        let standardOutput = outputText.text()
        var code = child.terminationReason == .exit ? child.terminationStatus : 1
        if errorText.overflowed || outputText.overflowed {
            code = 1
            standardError += "error: the command's output passed \(DrainedPipe.limit >> 20) MiB, so serve stopped it (a change it made before is kept)\n"
                + "  narrow it (--limit, --since, --bundle), or run it as the state's owner\n"
        }
        return AdminReply(exitCode: code, standardOutput: standardOutput, standardError: standardError, actor: actor, role: role)
    }
}

/// A pipe read to its end on a thread of its own, keeping at most `limit` bytes; past that `overflow` runs once and
/// the rest is read and dropped, so the writer is never left blocked.
private final class DrainedPipe: @unchecked Sendable {
    static let limit = 64 << 20
    private var data = Data()
    private(set) var overflowed = false
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe, overflow: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [self] in
            let handle = pipe.fileHandleForReading
            while case let chunk = handle.availableData, !chunk.isEmpty {
                if overflowed { continue }
                if data.count + chunk.count > Self.limit {
                    overflowed = true
                    data = Data()
                    overflow()
                } else {
                    data.append(chunk)
                }
            }
            done.signal()
        }
    }

    /// Waits for the writer to close the pipe.
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
