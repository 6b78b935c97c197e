import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardStore

/// Where the state directory is.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $SWITCHYARD_STATE, else ./.switchyard).")
    var state: String?

    var directory: String {
        state ?? ProcessInfo.processInfo.environment["SWITCHYARD_STATE"].flatMap { $0.isEmpty ? nil : $0 } ?? ".switchyard"
    }

    /// Opens the store for reading; a missing state directory is an error.
    func openExisting() throws -> SwitchyardStore {
        try SwitchyardStore(directory: directory, clock: WallClock(), create: false)
    }

    /// Opens the store for a change, creating the state directory if needed.
    func openForChange() throws -> SwitchyardStore {
        try SwitchyardStore(directory: directory, clock: WallClock(), create: true)
    }
}

/// `--json` for read commands.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON instead of text.")
    var json = false
}

/// `--reason`, required by every command that changes state; it is written to the journal.
struct ReasonOption: ParsableArguments {
    @Option(name: .long, help: "Why you are making this change (written to the journal).")
    var reason: String?

    func require() throws -> String {
        guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw SwitchyardError.usage(
                "a reason is required for every change",
                hint: "add --reason \"…\": it is written to the journal beside your name, for whoever reads the history later")
        }
        return reason
    }
}

/// The wall clock, for the CLI; Core and the store only see the `Clock` protocol.
struct WallClock: Clock {
    func now() -> Date { Date() }
}

/// Who is running the command: the OS user, or, for a command serve runs for its admin socket, the peer serve
/// names (anyone who can write the state files directly could write any name into them anyway).
enum OperatorIdentity {
    static var current: String {
        if let peer = ProcessInfo.processInfo.environment[CommandBroker.actorVariable], !peer.isEmpty { return peer }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid:\(geteuid())"
    }
}
