import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardStore

/// Sends a command to the admin socket of the serve that runs on its state directory, for a user who does not own
/// the state: serve runs it, with that user, as the kernel reports it, as the actor. Root and the state's owner (who
/// could write the files anyway) run commands here, so they work while serve is down and cost serve nothing.
enum AdminForwarding {
    /// The exit code of the command as serve ran it (its output already printed), or nil to run it here: the user
    /// may write the state files, the command always runs here, or this process is the one serve started for it.
    static func forward(_ command: any ParsableCommand, arguments: [String]) throws -> Int32? {
        let access = CommandAccess.of(type(of: command))
        guard ProcessInfo.processInfo.environment[CommandBroker.actorVariable] == nil, access != .local,
              let directory = StateOptions.found(in: command)?.directory, try ownership(of: directory) == .someoneElse else { return nil }
        let path = AdminSocket.path(in: directory)
        do {
            let reply = try AdminSocketClient.send(AdminRequest(operation: .run, arguments: withoutState(arguments)), to: path)
            Terminal.write(reply.standardOutput, to: .standardOutput)
            Terminal.write(reply.standardError, to: .standardError)
            return reply.exitCode
        } catch .absent {
            guard access == .steer else { return nil }
            throw noServe(path)
        } catch .denied(let why) {
            throw deniedError(path, why)
        } catch .broken(let why) {
            throw SwitchyardError.failure("\(why): the command may or may not have run",
                                          hint: "look at the journal (`switchyard history --limit 5`, once serve answers again), then run it again if it did not")
        }
    }

    /// Who the state belongs to, from this user's point of view.
    enum Ownership { case noState, owner, someoneElse }

    /// Root and the store's owner work on the files themselves; anyone else goes through serve. A state directory
    /// this user may not enter is an error that says so (it would otherwise look like no state at all).
    static func ownership(of directory: String) throws -> Ownership {
        var info = stat()
        guard stat("\(directory)/\(SwitchyardStore.fileName)", &info) == 0 else {
            guard errno == EACCES else { return .noState }
            throw SwitchyardError.refused("\(OperatorIdentity.current) cannot enter the state directory \(directory)",
                                          hint: "its owner must let the admin socket's group through it: chmod g+x or o+x (ls -ld \(directory))")
        }
        return geteuid() == 0 || info.st_uid == geteuid() ? .owner : .someoneElse
    }

    /// Why viewers might steer without the socket: the store is writable by its group or by everyone.
    static func sharedWriteAccess(_ directory: String) -> String? {
        let path = "\(directory)/\(SwitchyardStore.fileName)"
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o022 != 0 else { return nil }
        return "\(path) is writable by its group or by everyone, so the viewers group may steer without the socket: chmod go-w it"
    }

    /// What to tell someone who may not write the state files while no serve answers for them.
    static func noServe(_ path: String) -> SwitchyardError {
        let directory = (path as NSString).deletingLastPathComponent
        return .refused("no serve answers on \(path), and \(OperatorIdentity.current) cannot write the state files in \(directory)",
                        hint: "start `switchyard serve --state \(directory)`, which steers for its socket's group, or run this as the state's owner")
    }

    /// What to tell someone the socket's mode keeps out.
    static func deniedError(_ path: String, _ why: String) -> SwitchyardError {
        var info = stat()
        let group = stat(path, &info) == 0 ? (getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? "gid \(info.st_gid)") : "its group"
        return .refused("you cannot use the admin socket \(path): \(why)",
                        hint: "it is open to the members of group '\(group)' (mode 0660): ask an administrator to add you, "
                            + "then log in again (`id -Gn` lists the groups your session has)")
    }

    /// The command line without `--state`: the socket already stands for one state directory.
    static func withoutState(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var skipValue = false
        for argument in arguments {
            if skipValue {
                skipValue = false
            } else if argument == "--state" {
                skipValue = true
            } else if !argument.hasPrefix("--state=") {
                kept.append(argument)
            }
        }
        return kept
    }
}

extension StateOptions {
    /// The state options of a parsed command, directly in it or in one of its option groups.
    static func found(in value: Any, depth: Int = 0) -> StateOptions? {
        if let options = value as? StateOptions { return options }
        guard depth < 8 else { return nil }
        for child in Mirror(reflecting: value).children {
            if let options = found(in: child.value, depth: depth + 1) { return options }
        }
        return nil
    }
}
