import Foundation
import SwitchyardCore

/// What-if backtesting: the journal's telemetry snapshots fed to tier 0, the LLM signals and tier 2 under another
/// policy, with the guards, and compared with what the automatic side actually did. The journal does not hold
/// bundles' contracts, so the LLM signals judged are those against the baseline (tool loops, cost blow-up,
/// tool-call rate). Checks run once per snapshot
/// (every 5 s), so consecutive-check counts cover 5 s each. Traffic after an actual rollback is what was
/// recorded, so a policy that would have waited longer sees the canary go quiet.
public struct WhatIf {
    /// One automatic decision.
    public struct Decision: Hashable, Codable, Sendable {
        public var time: Date
        public var canary: String
        /// `rollback`, `trend advice` or `environment alert`.
        public var action: String
        public var detail: String
    }

    let entries: [JournalEntry]
    let policy: ControlPolicy

    public init(entries: [JournalEntry], policy: ControlPolicy) {
        self.entries = entries
        self.policy = policy
    }

    /// What happened, according to the journal.
    public func actual() -> [Decision] {
        entries.compactMap { entry in
            guard let time = Timestamp.parse(entry.time) else { return nil }
            switch (entry.actor, entry.kind) {
            case ("auto:tier0", "rollback.start"):
                return Decision(time: time, canary: entry.subject.components(separatedBy: " → ").first ?? entry.subject, action: "rollback", detail: entry.reason)
            case (_, "automation.trend"), (_, "automation.llm-advisory"): return Decision(time: time, canary: entry.subject, action: "trend advice", detail: entry.reason)
            case (_, "automation.environment-fault"): return Decision(time: time, canary: entry.subject, action: "environment alert", detail: entry.reason)
            default: return nil
            }
        }
    }

    /// What the other policy would have done on the same telemetry.
    public func replayed() -> [Decision] {
        let snapshots = entries.compactMap { entry -> (time: Date, snapshot: TelemetrySnapshot)? in
            guard entry.kind == TelemetrySnapshot.kind, let time = Timestamp.parse(entry.time),
                  let snapshot = try? entry.payload.decode(as: TelemetrySnapshot.self) else { return nil }
            return (time, snapshot)
        }
        let telemetry = RecordedTelemetry(snapshots)
        var state = AutomationState(policy: policy)
        var rolledBack: Set<BundleRef> = []
        var decisions: [Decision] = []
        for time in telemetry.times {
            let watched = rollout(at: time).flatMap { rolledBack.contains($0.canary) ? nil : $0 }
            state.watch(watched?.canary)
            guard let (canary, baseline) = watched else { continue }
            let windows = Tier0Trigger.Windows.read(telemetry, canary: canary, baseline: baseline, policy: policy, now: time)
            let (decision, reading) = state.tier0.check(windows, policy: policy)
            for trend in state.tier2.add(minute: Int(time.timeIntervalSince1970 / 60) - 1,
                                         canary: telemetry.counters(bundle: canary, lastSeconds: 60, now: time),
                                         baseline: telemetry.counters(bundle: baseline, lastSeconds: 60, now: time), policy: policy) {
                decisions.append(Decision(time: time, canary: canary.description, action: "trend advice", detail: trend.summary))
            }
            let llm = state.llm.check(canary: windows.canaryShort, baseline: windows.baselineShort, contracts: nil, policy: policy)
            for advisory in llm.advisories {
                decisions.append(Decision(time: time, canary: canary.description, action: "trend advice", detail: advisory.summary))
            }
            if decision == .environmentFault {
                decisions.append(Decision(time: time, canary: canary.description, action: "environment alert", detail: reading.summary))
            }
            if state.tier0.checks.firing || !llm.firing.isEmpty, state.guards.automaticActionBlocked(at: time) == nil {
                state.guards.recordAutomaticRollback(at: time)
                rolledBack.insert(canary)
                let detail = llm.firing.isEmpty ? reading.summary : llm.firing.map(\.summary).joined(separator: "; ")
                decisions.append(Decision(time: time, canary: canary.description, action: "rollback", detail: detail))
            }
        }
        return decisions
    }

    /// Where the replayed decisions differ from the actual ones, per canary and action.
    public func differences() -> [String] {
        let actual = Dictionary(grouping: actual(), by: { "\($0.canary) \($0.action)" }).mapValues { $0.map(\.time).min()! }
        let replayed = Dictionary(grouping: replayed(), by: { "\($0.canary) \($0.action)" }).mapValues { $0.map(\.time).min()! }
        return Set(actual.keys).union(replayed.keys).sorted().compactMap { key in
            switch (actual[key], replayed[key]) {
            case let (then?, now?) where now < then: return "\(key): \(DurationText.format(Int(then.timeIntervalSince(now)))) earlier"
            case let (then?, now?) where now > then: return "\(key): \(DurationText.format(Int(now.timeIntervalSince(then)))) later"
            case (_?, nil): return "\(key): would not have happened"
            case (nil, let now?): return "\(key): extra, at \(Timestamp.format(now))"
            default: return nil
            }
        }
    }

    /// The rollout in progress at `time`, as the journal tells it: its canary and baseline.
    func rollout(at time: Date) -> (canary: BundleRef, baseline: BundleRef)? {
        var current: (BundleRef, BundleRef)?
        for entry in entries {
            guard let when = Timestamp.parse(entry.time), when <= time else { break }
            if entry.kind == "rollout.start", case .string(let canary)? = entry.payload["canary"], case .string(let baseline)? = entry.payload["baseline"],
               let c = try? BundleRef(parsing: canary), let b = try? BundleRef(parsing: baseline) {
                current = (c, b)
            } else if entry.kind.hasPrefix("rollout."), case .string(let status)? = entry.payload["status"],
                      status.hasPrefix("aborted") || status == "completed" {
                current = nil
            } else if entry.kind == "rollback.start", entry.payload["rollout_aborted"] != nil {
                current = nil
            }
        }
        return current
    }
}
