import ArgumentParser
import Foundation
import SwitchyardCore
import SwitchyardManifest

// Exit codes: 0 ok, 1 failure, 2 usage error, 3 refused, 4 target not warm.
do {
    var command = try Switchyard.parseAsRoot()
    if let code = try AdminForwarding.forward(command, arguments: Array(CommandLine.arguments.dropFirst())) { exit(code) }
    if let server = command as? LongRunningCommand {
        try await server.runUntilStopped()
    } else {
        try command.run()
    }
} catch let error as SwitchyardError {
    Terminal.fail(error)
} catch let error as ManifestError {
    Terminal.fail(error.asSwitchyardError)
} catch {
    let code = Switchyard.exitCode(for: error)
    let message = Switchyard.fullMessage(for: error)
    if code == .success {
        if !message.isEmpty { print(message) }
        exit(0)
    }
    if !message.isEmpty { Terminal.printError(message) }
    exit(code == .validationFailure ? 2 : 1)
}
