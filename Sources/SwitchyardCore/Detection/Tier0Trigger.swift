import Foundation

/// Tier 0, immediate: the canary's hard failures judged by multiwindow burn rates and by the critical ratio
/// against the concurrent baseline, debounced by consecutive checks. A fault that burns the baseline's budget
/// too, at a similar rate, is the environment's: it alerts and never rolls back.
public struct Tier0Trigger: Hashable, Sendable, Codable {
    public private(set) var checks: ConsecutiveChecks
    /// Whether the last conclusive check blamed the environment, so the alert is journaled once per episode.
    public private(set) var environmentFault = false

    public init(policy: ControlPolicy) {
        checks = ConsecutiveChecks(toFire: policy.checksToFire, toClear: policy.checksToClear)
    }

    /// The windows one check reads, for the canary and the baseline.
    public struct Windows: Sendable {
        public var canaryLong: TelemetryCounters
        public var canaryShort: TelemetryCounters
        public var baselineLong: TelemetryCounters
        public var baselineShort: TelemetryCounters
        /// The baseline's last minute: a baseline that failed earlier in the short window but serves well now
        /// (a pool restart that is over) does not excuse a canary that is failing now.
        public var baselineRecent: TelemetryCounters

        public init(canaryLong: TelemetryCounters, canaryShort: TelemetryCounters, baselineLong: TelemetryCounters, baselineShort: TelemetryCounters,
                    baselineRecent: TelemetryCounters) {
            self.canaryLong = canaryLong
            self.canaryShort = canaryShort
            self.baselineLong = baselineLong
            self.baselineShort = baselineShort
            self.baselineRecent = baselineRecent
        }

        /// How long "recent" is for the baseline.
        public static let recentSeconds = 60

        /// Reads one check's windows of `canary` and `baseline` from `telemetry`, as of `now`.
        public static func read(_ telemetry: TelemetryWindows, canary: BundleRef, baseline: BundleRef, policy: ControlPolicy, now: Date) -> Windows {
            Windows(canaryLong: telemetry.counters(bundle: canary, lastSeconds: policy.burn.longWindowSeconds, now: now),
                    canaryShort: telemetry.counters(bundle: canary, lastSeconds: policy.burn.shortWindowSeconds, now: now),
                    baselineLong: telemetry.counters(bundle: baseline, lastSeconds: policy.burn.longWindowSeconds, now: now),
                    baselineShort: telemetry.counters(bundle: baseline, lastSeconds: policy.burn.shortWindowSeconds, now: now),
                    baselineRecent: telemetry.counters(bundle: baseline, lastSeconds: recentSeconds, now: now))
        }
    }

    /// What one check decided.
    public enum Decision: Hashable, Sendable {
        case none
        /// The third failing check in a row: roll the canary back.
        case fire
        /// Canary and baseline degraded together: alert, no rollback.
        case environmentFault
    }

    /// Runs one check and records it; returns the decision and the readings behind it, for the journal.
    public mutating func check(_ windows: Windows, policy: ControlPolicy) -> (decision: Decision, reading: Tier0Reading) {
        let canaryBurn = policy.burn.evaluate(long: windows.canaryLong, short: windows.canaryShort, slo: policy.slo,
                                              minimumRequests: policy.burnMinimumRequests)
        let baselineBurn = policy.burn.evaluate(long: windows.baselineLong, short: windows.baselineShort, slo: policy.slo,
                                                minimumRequests: policy.burnMinimumRequests)
        let ratio = policy.ratio.evaluate(canary: windows.canaryShort, baseline: windows.baselineShort)
        let verdict: CheckVerdict
        var environment = false
        if ratio.verdict == .fail {
            verdict = .fail
        } else if canaryBurn.verdict == .fail {
            environment = baselineBurn.verdict == .fail && !Self.recovered(windows.baselineRecent, policy: policy)
            verdict = environment ? .inconclusive : .fail
        } else if canaryBurn.verdict == .inconclusive && ratio.verdict == .inconclusive {
            verdict = .inconclusive
        } else {
            verdict = .pass
        }
        let started = checks.record(verdict)
        let newlyEnvironmental = environment && !environmentFault
        if verdict != .inconclusive || environment { environmentFault = environment }
        let reading = Tier0Reading(canaryBurn: canaryBurn, baselineBurn: baselineBurn, ratio: ratio, verdict: verdict,
                                   environmentFault: environment, consecutiveFailures: checks.failures, state: checks.state)
        if started { return (.fire, reading) }
        return (newlyEnvironmental ? .environmentFault : .none, reading)
    }

    /// Whether the baseline's last minute, with enough requests to say, burns under the threshold.
    static func recovered(_ recent: TelemetryCounters, policy: ControlPolicy) -> Bool {
        recent.requests >= policy.burnMinimumRequests && recent.errorRate / max(1 - policy.slo, 1e-9) <= policy.burn.threshold
    }

    /// Starts counting afresh, after the trigger's action or when the canary changes.
    public mutating func reset() {
        checks = ConsecutiveChecks(toFire: checks.toFire, toClear: checks.toClear)
        environmentFault = false
    }
}

/// Everything one tier-0 check read, kept in the journal beside the decision it caused.
public struct Tier0Reading: Hashable, Sendable, Codable {
    public var canaryBurn: BurnReading
    public var baselineBurn: BurnReading
    public var ratio: RatioReading
    public var verdict: CheckVerdict
    public var environmentFault: Bool
    public var consecutiveFailures: Int
    public var state: DetectorState

    enum CodingKeys: String, CodingKey {
        case ratio, verdict, state
        case canaryBurn = "canary_burn"
        case baselineBurn = "baseline_burn"
        case environmentFault = "environment_fault"
        case consecutiveFailures = "consecutive_failures"
    }

    /// One line for the journal's reason and the console.
    public var summary: String {
        let burn = String(format: "burn %.1f/%.1f (threshold %.1f)", canaryBurn.longBurnRate, canaryBurn.shortBurnRate, canaryBurn.threshold)
        let ratioText = String(format: "error ratio %.1f× baseline (max %.1f×)", ratio.ratio, ratio.maximumRatio)
        return "\(burn), \(ratioText), \(consecutiveFailures) failing check(s) in a row"
    }
}
