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
    /// What an attached console reads: serve's own view of the store.
    let console: ConsoleFeed

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
        case .run:
            break
        }
        if request.arguments.contains(where: { $0 == "--state" || $0.hasPrefix("--state=") }) {
            return refuse(2, "--state cannot be sent over the admin socket", "the socket belongs to one state directory: \(stateDirectory)")
        }
        // A command line that does not parse changes nothing; the child prints the usage error.
        let access = (try? Switchyard.parseAsRoot(request.arguments)).map { CommandAccess.of(type(of: $0)) } ?? .view
        if access == .local {
            return refuse(2, "`switchyard \(request.arguments.prefix(2).joined(separator: " "))` does not run through the admin socket",
                          "run it in your own shell; only registry, pool, route, rollout, rollback, freeze and read commands do")
        }
        guard access.allows(role) else {
            return refuse(3, "\(peer.user) may only look: \(peer.user) is in the viewers group '\(viewersGroup ?? "?")'",
                          "read commands work; to steer, ask for membership of the admin socket's group without the viewers group")
        }
        return run(request, actor: peer.user, role: role)
    }

    private func run(_ request: AdminRequest, actor: String, role: AdminRole) -> AdminReply {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: request.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return AdminReply(exitCode: 1, standardError: "error: serve cannot enter your working directory \(request.directory)\n"
                                + "  run the command from a directory serve's user can read, or pass absolute paths\n", actor: actor, role: role)
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = request.arguments
        child.currentDirectoryURL = URL(fileURLWithPath: request.directory)
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
        // Both pipes are drained at once, so a command that writes much to one never blocks on the other.
        let errorText = DrainedPipe(errors)
        let outputText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        let code = child.terminationReason == .exit ? child.terminationStatus : 1
        return AdminReply(exitCode: code, standardOutput: outputText, standardError: errorText.text(), actor: actor, role: role)
    }
}

/// A pipe read to its end on a thread of its own.
private final class DrainedPipe: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ pipe: Pipe) {
        Thread.detachNewThread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
    }

    /// Waits for the writer to close the pipe.
    func text() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
