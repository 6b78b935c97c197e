import Foundation

/// Guards that stop automatic actions from oscillating: a cooldown after each automatic rollback, and a
/// circuit breaker that trips at the second consecutive one and holds until an operator resets it.
public struct AutomationGuards: Hashable, Sendable, Codable {
    public var cooldownSeconds: Int
    public var breakerThreshold: Int
    public private(set) var lastAutomaticRollback: Date?
    public private(set) var consecutiveAutomaticRollbacks = 0
    public private(set) var breakerTripped = false

    /// 30 minutes of cooldown and a breaker at 2, the defaults in `Docs/operations.md`.
    public init(cooldownSeconds: Int = 1800, breakerThreshold: Int = 2) {
        self.cooldownSeconds = cooldownSeconds
        self.breakerThreshold = breakerThreshold
    }

    /// Why no automatic action may fire now, or nil when one may.
    public func automaticActionBlocked(at now: Date) -> String? {
        if breakerTripped {
            return "circuit breaker open after \(consecutiveAutomaticRollbacks) consecutive automatic rollbacks; an operator must reset it"
        }
        if let last = lastAutomaticRollback, now.timeIntervalSince(last) < Double(cooldownSeconds) {
            let left = Int(Double(cooldownSeconds) - now.timeIntervalSince(last))
            return "cooling down after an automatic rollback: \(DurationText.format(left)) left"
        }
        return nil
    }

    public func cooldownEnds() -> Date? { lastAutomaticRollback.map { $0 + Double(cooldownSeconds) } }

    /// Records an automatic rollback; returns true when it tripped the breaker.
    @discardableResult
    public mutating func recordAutomaticRollback(at now: Date) -> Bool {
        lastAutomaticRollback = now
        consecutiveAutomaticRollbacks += 1
        if !breakerTripped && consecutiveAutomaticRollbacks >= breakerThreshold {
            breakerTripped = true
            return true
        }
        return false
    }

    /// A release that completed, or an operator's own decision, breaks the run of automatic rollbacks.
    public mutating func recordHealthyOutcome() {
        if !breakerTripped { consecutiveAutomaticRollbacks = 0 }
    }

    /// `switchyard breaker reset`: closes the breaker and clears the count; the cooldown still runs out.
    public mutating func resetBreaker() {
        breakerTripped = false
        consecutiveAutomaticRollbacks = 0
    }
}
