// `make bench-drills`: one hour of simulated traffic at 200 requests/s through the full control plane (store,
// detectors, guards, a rollout with an analysis gate, a fault and the automatic rollback), against a baseline
// measured in the same run: the same hour of traffic through the simulator alone. Target: ≤ 10 s.
import Foundation
import SwitchyardCore
import SwitchyardDrill
import SwitchyardSim

let hour = 3600
let script = DrillScript(
    name: "bench-hour-at-200rps", description: "benchmark", seed: 5, durationSeconds: hour, bundleName: "app",
    bundles: [DrillBundle(version: "1.0.0", validated: true, replicas: 30), DrillBundle(version: "2.0.0", replicas: 30)],
    traffic: DrillTraffic(schedule: [.init(atSeconds: 0, requestsPerSecond: 200)],
                          tenants: [.init(tenant: "acme", share: 0.5), .init(tenant: "globex", share: 0.5)]),
    routing: [RoutingTable.defaultTenant: ["1.0.0": fullWeight]], policy: ControlPolicy(),
    steps: [
        DrillStep(atSeconds: 0, kind: .rollout(canary: "2.0.0", plan: RolloutPlan(name: "bench", steps: [
            .setWeight(basisPoints: 1000, tenant: nil), .pause(seconds: 600),
            .analysis(AnalysisStep(metrics: ["latency", "error_rate"], windowSeconds: 300, minimumSamples: 100)),
            .setWeight(basisPoints: 5000, tenant: nil), .pause(seconds: nil)]))),
        DrillStep(atSeconds: 1800, kind: .fault(DrillFault(version: "2.0.0", errorRate: 0.05))),
    ],
    expectations: [.tierFiresWithin(tier: 0, seconds: 180)])

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

// Baseline: the same traffic through the simulator only, routed by a fixed 90/10 table.
let table = RoutingTable(generation: 1, routes: [RoutingTable.defaultTenant: TenantRoute(weights: [
    WeightedBundle(bundle: script.ref("1.0.0"), basisPoints: 9000), WeightedBundle(bundle: script.ref("2.0.0"), basisPoints: 1000)])])
let fleet = SimFleet(seed: 5, clock: ManualClock(), bundles: [script.ref("1.0.0"): SimBundle(warmReplicas: 30), script.ref("2.0.0"): SimBundle(warmReplicas: 30)],
                     traffic: .constant(200))
let baseline = seconds { for _ in 0..<hour { fleet.step(routing: table) } }

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchyard-bench-drill-\(getpid())").path
defer { try? FileManager.default.removeItem(atPath: directory) }
var card: DrillScorecard?
let full = try seconds {
    var runner = try DrillRunner(script, directory: directory)
    card = try runner.run()
}
print(String(format: "simulator alone, 1 h at 200 req/s:        %6.2f s", baseline))
print(String(format: "full control plane, 1 h at 200 req/s:     %6.2f s  (%d journal entries)", full, card?.journalEntries ?? 0)
      + ", drill " + (card?.passed == true ? "passed" : "FAILED"))
print(String(format: "ratio full/simulator: %.2f×   target: full ≤ 10 s → ", full / baseline) + (full <= 10 ? "met" : "NOT MET"))
