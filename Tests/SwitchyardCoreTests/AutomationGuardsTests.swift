import Foundation
import Testing
@testable import SwitchyardCore

@Suite struct AutomationGuardsTests {
    let t0 = Date(timeIntervalSince1970: 2_000_000_000)

    @Test func noAutomaticActionDuringTheCooldown() {
        var guards = AutomationGuards(cooldownSeconds: 1800, breakerThreshold: 2)
        #expect(guards.automaticActionBlocked(at: t0) == nil)
        guards.recordAutomaticRollback(at: t0)
        #expect(guards.automaticActionBlocked(at: t0 + 1799)?.contains("cooling down") == true)
        #expect(guards.automaticActionBlocked(at: t0 + 1800) == nil)
        #expect(guards.cooldownEnds() == t0 + 1800)
    }

    @Test func theBreakerTripsExactlyAtTheSecondConsecutiveAutomaticRollback() {
        var guards = AutomationGuards(cooldownSeconds: 60, breakerThreshold: 2)
        let first = guards.recordAutomaticRollback(at: t0)
        let second = guards.recordAutomaticRollback(at: t0 + 120)
        #expect(!first && second)
        #expect(guards.automaticActionBlocked(at: t0 + 99_999)?.contains("circuit breaker") == true, "it holds until reset")
        guards.resetBreaker()
        #expect(guards.automaticActionBlocked(at: t0 + 99_999) == nil)
    }

    @Test func aHealthyOutcomeBetweenRollbacksKeepsTheBreakerClosed() {
        var guards = AutomationGuards(cooldownSeconds: 60, breakerThreshold: 2)
        guards.recordAutomaticRollback(at: t0)
        guards.recordHealthyOutcome()
        let tripped = guards.recordAutomaticRollback(at: t0 + 120)
        #expect(!tripped)
        #expect(!guards.breakerTripped)
    }

    /// Property: over random sequences, the breaker trips on exactly the event that makes the
    /// consecutive count reach the threshold, and nothing automatic is allowed while cooling down.
    @Test func breakerAndCooldownHoldOverRandomHistories() {
        var random = SeededGenerator(seed: 5)
        for _ in 0..<200 {
            var guards = AutomationGuards(cooldownSeconds: 300, breakerThreshold: 2)
            var now = t0
            var run = 0
            for _ in 0..<20 {
                now += Double(Int.random(in: 0...600, using: &random))
                if Bool.random(using: &random) {
                    guard guards.automaticActionBlocked(at: now) == nil else { continue }
                    let tripped = guards.recordAutomaticRollback(at: now)
                    run += 1
                    #expect(tripped == (run == 2))
                    #expect(guards.automaticActionBlocked(at: now + 299) != nil)
                } else if !guards.breakerTripped {
                    guards.recordHealthyOutcome()
                    run = 0
                }
            }
        }
    }
}
