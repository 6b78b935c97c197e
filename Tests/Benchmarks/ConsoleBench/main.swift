// `make bench-console`, part 1: how long the console takes to lay out one 200×60 frame of a busy incident,
// against a floor measured in the same run: writing every cell of a 200×60 buffer row by row.
import Foundation
import SwitchyardConsole
import SwitchyardCore

let size = ConsoleSize(width: 200, height: 60)
let now = Date(timeIntervalSince1970: 1_795_000_000)

/// A busy incident: six bundles with a minute of rates, every tenant routed, a drain, a rollout, history, 200 events.
func incident() -> ConsoleSnapshot {
    let bundles = (0..<6).map { (index: Int) -> ConsoleSnapshot.BundleRow in
        let series: [Double] = (0..<60).map { (second: Int) -> Double in 30 + 10 * sin(Double(second + index) / 5) }
        let tiers: [ConsoleSnapshot.DetectorTier] = [
            .init(state: index == 1 ? .firing : .ok, threshold: "burn > 14.4"), .init(state: .watching, threshold: "analysis"),
            .init(state: .ok, threshold: "trends"),
        ]
        return ConsoleSnapshot.BundleRow(
            name: "support-assistant@\(index).0.0", stage: index == 0 ? "production" : "staging", desiredBasisPoints: index == 0 ? 7500 : 500,
            observedShare: index == 0 ? 0.74 : 0.052, requestsPerSecond: 40 - Double(index), errorPercent: Double(index) * 1.3,
            p50Milliseconds: 380, p95Milliseconds: 910, p99Milliseconds: 1480, ttftP50Milliseconds: 212, schemaFailurePercent: 0.2,
            refusalPercent: 0.8, tokensPerSecond: 5210, costUSDPerHour: 18.4, inFlight: 31, warm: index != 5, healthyReplicas: 4, replicas: 4,
            requestsPerSecondSeries: series, burnRate: Double(index) * 2.1, tiers: tiers)
    }
    let routes = ["default", "acme", "globex", "initech", "umbrella", "hooli"].map { tenant in
        ConsoleSnapshot.TenantRoute(tenant: tenant, weights: [.init(bundle: "support-assistant@0.0.0", basisPoints: 9000),
                                                              .init(bundle: "support-assistant@1.0.0", basisPoints: 1000)],
                                    shadowBundle: "support-assistant@2.0.0", shadowPercent: 5)
    }
    let rollout = ConsoleSnapshot.Rollout(canary: "support-assistant@1.0.0", baseline: "support-assistant@0.0.0",
                                          steps: ["setWeight 10%", "pause 10m", "analysis latency, error_rate over 5m", "setWeight 50%",
                                                  "pause until promoted", "setWeight 100%"],
                                          currentStep: 2, status: "running", secondsInStep: 252, nextGate: "analysis after 48s", lastAnalysis: "pass (score 98)")
    let drain = ConsoleSnapshot.Drain(from: "support-assistant@1.0.0", to: "support-assistant@0.0.0", remainingBasisPoints: [7500, 5000, 2500, 0],
                                      currentStage: 1, status: "draining (stage 1/4)")
    let history = (0..<20).map { index in
        ConsoleSnapshot.Rollback(time: now - Double(index * 3600), from: "support-assistant@1.0.0", to: "support-assistant@0.0.0",
                                 actor: index % 2 == 0 ? "auto:tier0" : "alice", reason: "error burn 16× over 5m", stages: "75% › 50% › 0%",
                                 secondsToDetect: 42, secondsToRestore: 130, inFlightAffected: 12)
    }
    let events = (0..<200).map { index in
        ConsoleSnapshot.Event(sequence: 5000 - index, time: now - Double(index * 7), actor: "auto:engine", kind: "rollback.stage",
                              subject: "support-assistant@1.0.0 → support-assistant@0.0.0", reason: "capacity allows 50%: 51 usable ≥ 20 needed")
    }
    return ConsoleSnapshot(mode: .attached, stateDirectory: "/var/lib/switchyard/prod", generation: 4242, now: now,
                           freeze: .init(scope: "all", reason: "INC-42", actor: "bob", expires: now + 7200), breaker: .init(open: true, consecutive: 2),
                           cooldownEnds: now + 1500, bundles: bundles, routes: routes, rollout: rollout, drain: drain, rollbacks: history,
                           events: events, pinnedSessions: 9120, requestsInFlight: 140)
}

/// Median and 99th percentile of `body` over `runs` runs, in microseconds, after a warm-up.
func measure(runs: Int, _ body: () -> Int) -> (median: Double, p99: Double, sink: Int) {
    var sink = 0
    for _ in 0..<50 { sink &+= body() }
    var samples: [Double] = []
    samples.reserveCapacity(runs)
    let clock = ContinuousClock()
    for _ in 0..<runs {
        let start = clock.now
        sink &+= body()
        let elapsed = clock.now - start
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    samples.sort()
    return (samples[runs / 2], samples[runs * 99 / 100], sink)
}

let snapshot = incident()
let ui = ConsoleUI()
let rows = (0..<size.height).map { String(repeating: Character(UnicodeScalar(UInt8(65 + $0 % 26))), count: size.width) }
let floor = measure(runs: 2000) {
    var buffer = CellBuffer(width: size.width, height: size.height)
    for (y, row) in rows.enumerated() { buffer.put(row, x: 0, y: y, role: .text) }
    return buffer.cells.count
}
let frame = measure(runs: 2000) { ConsoleScreen.render(snapshot, ui: ui, size: size, glyphs: .unicode).cells.count }
print(String(format: "floor (write every cell of 200×60):  median %7.1f µs  p99 %7.1f µs", floor.median, floor.p99))
print(String(format: "frame (render the incident, 200×60): median %7.1f µs  p99 %7.1f µs", frame.median, frame.p99))
print(String(format: "ratio frame/floor: %.1f×   target: frame p99 ≤ 2000 µs → ", frame.p99 / floor.median) + (frame.p99 <= 2000 ? "met" : "NOT MET"))
if floor.sink == frame.sink { print("") }
