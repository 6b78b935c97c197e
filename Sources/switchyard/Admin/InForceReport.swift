import Foundation
import SwitchyardCore
import SwitchyardEngine

/// After a command commits a routing generation: asks a running serve to put it in force at once and says when it
/// is, so that the command returns once traffic has moved rather than up to a reload interval later.
enum InForceReport {
    /// The line to print, or nil when no serve runs on this state (the generation takes effect when one starts).
    static func line(for generation: Int, stateDirectory: String) -> String? {
        let path = AdminSocket.path(in: stateDirectory)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let started = ContinuousClock.now
        guard let inForce = AdminSocketClient.awaitInForce(generation, at: path) else { return nil }
        guard inForce >= generation else {
            return "serve still has generation \(inForce) in force after 2 s; it reads the store again within its --reload-ms"
        }
        return "in force on serve after \((ContinuousClock.now - started).microseconds / 1000) ms"
    }
}
