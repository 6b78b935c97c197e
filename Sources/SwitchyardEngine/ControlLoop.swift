import Foundation
import SwitchyardCore
import SwitchyardStore

/// One tick of the control loop: advance the rollout's timed steps unless frozen, and judge a due analysis
/// from live telemetry. A transition is committed with its routing generation and, for analyses, the
/// readings behind the decision, under an `auto:` actor.
public struct ControlLoop: Sendable {
    let store: SwitchyardStore
    let clock: any Clock
    let telemetry: any TelemetryWindows
    let analysis: AnalysisRunner

    public init(store: SwitchyardStore, clock: any Clock, telemetry: any TelemetryWindows, analysis: AnalysisRunner = AnalysisRunner()) {
        self.store = store
        self.clock = clock
        self.telemetry = telemetry
        self.analysis = analysis
    }

    /// Runs one tick; returns what it did, for the log (empty when nothing changed).
    @discardableResult
    public func tick() throws -> [String] {
        guard var rollout = try store.activeRollout() else { return [] }
        let now = clock.now()
        let freezes = try store.activeFreezes(at: now)
        let frozen = FreezeGuard.blocking(.advanceRollout(bundleName: rollout.canary.name, tenant: nil), freezes: freezes, at: now) != nil
        let result = frozen ? nil : rollout.analysisDue(at: now).map {
            analysis.run($0, canary: rollout.canary, baseline: rollout.baseline, telemetry: telemetry, now: now)
        }
        let before = rollout
        let changes = rollout.tick(at: now, analysis: result, frozen: frozen)
        guard rollout != before else { return [] }
        let event: String
        let reason: String
        if case .aborted = rollout.status {
            event = "abort"
            reason = "analysis failed: the canary is worse than the baseline"
        } else if let result {
            event = "analysis"
            reason = "analysis \(result.outcome.rawValue)" + (result.score.map { " (score \(Int($0)))" } ?? "")
        } else {
            event = "step"
            reason = "pause elapsed"
        }
        try store.commitRollout(rollout, changes: changes, start: false, event: event, actor: result == nil ? "auto:engine" : "auto:analysis",
                                reason: reason, readings: try result.map { try JSONValue(encoding: $0) })
        return ["\(rollout.canary): \(reason); \(rollout.statusText)"] + changes.map(\.detail)
    }
}
