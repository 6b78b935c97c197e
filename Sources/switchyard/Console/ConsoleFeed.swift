import Foundation
import SwitchyardConsole
import SwitchyardEngine

/// What serve gives a console attached through its admin socket: the snapshot the console would read from the
/// store itself, and the pre-flight plan of its rollback action, as JSON.
struct ConsoleFeed: Sendable {
    let reader: ConsoleSnapshotReader
    let actions: ConsoleActions
    let steering: SteeringGuard

    func answer(_ operation: AdminRequest.Operation) throws -> String {
        switch operation {
        case .consoleSnapshot:
            var snapshot = try reader.snapshot(now: Date())
            snapshot.alarm = steering.problem.map { SteeringGuard.banner($0) + ", then restart the console" }
            return try Self.encode(snapshot)
        case .rollbackPlan:
            return try Self.encode(try actions.rollbackPlan())
        case .run, .whoami, .inForce:
            return ""
        }
    }

    private static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
