import Foundation
@testable import SwitchyardConsole

/// Fixed data at a fixed clock: a calm canary rollout, and the same fleet in an incident.
enum Fixtures {
    static let now = Date(timeIntervalSince1970: 1_795_317_247)  // 2026-11-22 03:14:07Z

    static func minutesAgo(_ minutes: Double) -> Date { now.addingTimeInterval(-minutes * 60) }

    static let tiersCalm = [
        ConsoleSnapshot.DetectorTier(state: .ok, threshold: "error rate > 5% for 60s"),
        ConsoleSnapshot.DetectorTier(state: .ok, threshold: "burn rate > 14.4x over 5m and 1h"),
        ConsoleSnapshot.DetectorTier(state: .ok, threshold: "p95 latency > 2x baseline, U-test 98%"),
    ]

    static var bundles: [ConsoleSnapshot.BundleRow] {
        [
            .init(name: "support-assistant@1.0.0", stage: "production", desiredBasisPoints: 8500, observedShare: 0.861, requestsPerSecond: 41.3,
                  errorPercent: 0.4, p50Milliseconds: 380, p95Milliseconds: 912, p99Milliseconds: 1480, ttftP50Milliseconds: 212,
                  schemaFailurePercent: 0.1, refusalPercent: 0.8, tokensPerSecond: 5210, costUSDPerHour: 18.4, cacheHitPercent: 41.5, inFlight: 31, warm: true, healthyReplicas: 4, replicas: 4,
                  requestsPerSecondSeries: [30, 32, 35, 38, 40, 41, 44, 43, 41, 40, 42, 41, 39, 41, 43, 41],
                  burnRate: 0.6, tiers: tiersCalm),
            .init(name: "support-assistant@2.0.0", stage: "canary", desiredBasisPoints: 1000, observedShare: 0.097, requestsPerSecond: 4.6,
                  errorPercent: 1.2, p50Milliseconds: 402, p95Milliseconds: 1020, p99Milliseconds: 1733, ttftP50Milliseconds: 240,
                  schemaFailurePercent: 0.4, refusalPercent: 1.1, tokensPerSecond: 611, costUSDPerHour: 2.2, inFlight: 4, warm: true, healthyReplicas: 2, replicas: 2,
                  requestsPerSecondSeries: [0, 0, 1, 2, 4, 5, 5, 4, 5, 4, 5, 4, 5, 5, 4, 5],
                  burnRate: 1.3, tiers: [tiersCalm[0], .init(state: .watching, threshold: tiersCalm[1].threshold), tiersCalm[2]]),
            .init(name: "support-assistant@1.1.0", stage: "staging", desiredBasisPoints: 500, observedShare: 0.042, requestsPerSecond: 2.0,
                  errorPercent: 0, p50Milliseconds: 371, p95Milliseconds: 890, p99Milliseconds: nil, ttftP50Milliseconds: nil,
                  tokensPerSecond: 260, costUSDPerHour: 0.9, inFlight: 1, warm: false, healthyReplicas: 0, replicas: 1,
                  requestsPerSecondSeries: [2, 2, 2, 1, 2, 3, 2, 2], tiers: tiersCalm),
        ]
    }

    static let routes = [
        ConsoleSnapshot.TenantRoute(tenant: "default", weights: [.init(bundle: "support-assistant@1.0.0", basisPoints: 8500),
                                                                 .init(bundle: "support-assistant@2.0.0", basisPoints: 1000),
                                                                 .init(bundle: "support-assistant@1.1.0", basisPoints: 500)],
                                    shadowBundle: "support-assistant@2.0.0", shadowPercent: 5),
        ConsoleSnapshot.TenantRoute(tenant: "acme", weights: [.init(bundle: "support-assistant@1.0.0", basisPoints: 10000)]),
    ]

    static let rollout = ConsoleSnapshot.Rollout(
        canary: "support-assistant@2.0.0", baseline: "support-assistant@1.0.0",
        steps: ["setWeight 10%", "mirror 5%", "pause 10m", "analysis latency, ttft, error_rate over 5m", "setTenant acme 50%",
                "pause until promoted", "setWeight 100%"],
        currentStep: 3, status: "running", secondsInStep: 252, nextGate: "analysis judges at 5m", lastAnalysis: "pass, score 98 (03:02:00Z)")

    static let rollbacks = [
        ConsoleSnapshot.Rollback(time: minutesAgo(95), from: "support-assistant@1.1.0", to: "support-assistant@1.0.0", actor: "auto:tier1",
                                 reason: "burn rate 16x over 5m on 1.1.0", stages: "75% > 50% > 25% > 0% in 2m10s", secondsToDetect: 42,
                                 secondsToRestore: 130, inFlightAffected: 12),
        ConsoleSnapshot.Rollback(time: minutesAgo(60 * 26), from: "support-assistant@0.9.0", to: "support-assistant@1.0.0", actor: "alice",
                                 reason: "INC-40 refusals doubled after the prompt change", stages: "fast: 100% at once", secondsToDetect: nil,
                                 secondsToRestore: 4, inFlightAffected: 0),
    ]

    static var events: [ConsoleSnapshot.Event] {
        let kinds = ["rollout.step", "route.set", "telemetry", "rollout.analysis", "freeze", "registry.stage"]
        return (0..<30).map { index in
            let sequence = 1042 - index
            let kind = kinds[index % kinds.count]
            return ConsoleSnapshot.Event(sequence: sequence, time: minutesAgo(Double(index) * 1.5),
                                         actor: index % 4 == 0 ? "alice" : "auto:engine", kind: kind,
                                         subject: index % 3 == 0 ? "support-assistant@2.0.0" : "support-assistant@1.0.0",
                                         reason: "entry \(sequence): \(kind) for the canary")
        }
    }

    static let registry = [
        ConsoleSnapshot.RegistryEntry(name: "support-assistant@1.0.0", stage: "production", digest: "3f2a9c1e7b40", warm: true,
                                      signedOff: "alice 2026-11-20",
                                      fields: ["model.revision": "\"a1b2c3d4e5f6\"", "decoding.temperature": "0.3", "system_prompt.policy": "\"prepend\""]),
        ConsoleSnapshot.RegistryEntry(name: "support-assistant@2.0.0", stage: "candidate", digest: "9e81d0c44a12", warm: false, signedOff: nil,
                                      fields: ["model.revision": "\"9f8e7d6c5b4a\"", "decoding.temperature": "0.3", "system_prompt.policy": "\"replace\"",
                                               "tools.allowed": "[\"lookup_order\"]"]),
    ]

    static var calm: ConsoleSnapshot {
        ConsoleSnapshot(mode: .attached, stateDirectory: "/var/lib/switchyard/prod", generation: 42, now: now,
                        breaker: .init(open: false, consecutive: 0), bundles: bundles, routes: routes, rollout: rollout, rollbacks: rollbacks,
                        events: events, pinnedSessions: 118, requestsInFlight: 36, registry: registry)
    }

    static var incident: ConsoleSnapshot {
        var snapshot = calm
        snapshot.freeze = .init(scope: "all", reason: "INC-42 error spike on 2.0.0", actor: "bob", expires: now.addingTimeInterval(7200))
        snapshot.breaker = .init(open: true, consecutive: 2)
        snapshot.cooldownEnds = now.addingTimeInterval(1500)
        snapshot.rollout?.status = "aborted: analysis failed"
        snapshot.drain = .init(from: "support-assistant@2.0.0", to: "support-assistant@1.0.0", remainingBasisPoints: [7500, 5000, 2500, 0],
                               currentStage: 1, status: "waiting for 2 replicas to warm (about 40s)")
        snapshot.bundles[1].tiers = [.init(state: .firing, threshold: "error rate > 5% for 60s"),
                                     .init(state: .watching, threshold: "burn rate > 14.4x"),
                                     .init(state: .ok, threshold: "p95 latency > 2x baseline")]
        snapshot.bundles[1].errorPercent = 9.7
        return snapshot
    }

    static func render(_ snapshot: ConsoleSnapshot = calm, ui: ConsoleUI = ConsoleUI(), width: Int = 80, height: Int = 24,
                       glyphs: GlyphSet = .unicode) -> CellBuffer {
        var ui = ui
        ui.sync(with: snapshot)
        return ConsoleScreen.render(snapshot, ui: ui, size: ConsoleSize(width: width, height: height), glyphs: glyphs)
    }
}

/// Feeds keys to a UI and collects the intents, the way the loop does.
extension ConsoleUI {
    mutating func press(_ keys: [ConsoleKey]) -> [ConsoleIntent] { keys.compactMap { handle(key: $0) } }

    mutating func type(_ text: String) -> [ConsoleIntent] { press(text.map { .character($0) }) }
}
