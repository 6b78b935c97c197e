import Foundation
import SwitchyardConsole
import SwitchyardCore
import SwitchyardStore

/// Reads what the console shows from the store: routing, registry, rollout, drain, guards, freezes, the
/// journal, and the observations the router writes every second. The console computes nothing itself.
struct ConsoleSnapshotReader: Sendable {
    let store: SwitchyardStore
    let mode: ConsoleSnapshot.Mode
    let policy: ControlPolicy

    func snapshot(now: Date) throws -> ConsoleSnapshot {
        let table = try store.routing().table
        let observations = try store.observations()
        let automation = try store.automationState(policy: policy)
        let rollout = try store.latestRollout()
        let events = try store.journal(JournalFilter(limit: 200))
        var snapshot = ConsoleSnapshot(mode: mode, stateDirectory: store.directory, generation: table.generation, now: now)
        if let freeze = try store.activeFreezes(at: now).last {
            snapshot.freeze = .init(scope: freeze.scope.description, reason: freeze.reason, actor: freeze.actor, expires: freeze.expires)
        }
        snapshot.breaker = .init(open: automation.guards.breakerTripped, consecutive: automation.guards.consecutiveAutomaticRollbacks)
        snapshot.cooldownEnds = automation.guards.automaticActionBlocked(at: now) == nil ? nil : automation.guards.cooldownEnds()
        snapshot.bundles = try bundleRows(table: table, observations: observations, automation: automation,
                                          rollout: rollout.flatMap { $0.status.isFinished ? nil : $0 })
        snapshot.routes = ConsoleSnapshot.TenantRoute.rows(of: table)
        snapshot.rollout = rollout.map { Self.rolloutView($0, now: now) }
        if let drain = try store.activeRollback() {
            snapshot.drain = .init(from: drain.from.description, to: drain.to.description,
                                   remainingBasisPoints: drain.plan.stages.map(\.remainingBasisPoints), currentStage: drain.stagesApplied,
                                   status: drain.statusText)
        }
        snapshot.rollbacks = RollbackHistory.rows(from: try store.journal(upTo: Int.max, families: ["rollback"], limit: RollbackHistory.entriesRead),
                                                  rollouts: try store.journal(upTo: Int.max, families: ["rollout.start"], limit: RollbackHistory.entriesRead))
        snapshot.events = events.reversed().map { entry in
            .init(sequence: entry.seq, time: Timestamp.parse(entry.time) ?? now, actor: entry.actor, kind: entry.kind,
                  subject: entry.subject, reason: entry.reason)
        }
        snapshot.requestsInFlight = observations.values.map(\.inFlight).reduce(0, +)
        snapshot.pinnedSessions = observations.values.map(\.pinnedSessions).reduce(0, +)
        snapshot.registry = try registry(observations: observations)
        snapshot.prompt = ConsoleSnapshot.DrillPrompt.open(prompts: try store.journal(upTo: Int.max, families: ["drill.prompt"], limit: 1),
                                                           closings: try store.journal(upTo: Int.max, families: ["drill.answer", "drill.unanswered"], limit: 8))
        return snapshot
    }

    private func bundleRows(table: RoutingTable, observations: [BundleRef: BundleObservation], automation: AutomationState,
                            rollout: Rollout?) throws -> [ConsoleSnapshot.BundleRow] {
        let records = Dictionary(try store.bundles().map { ($0.ref, $0) }, uniquingKeysWith: { $1 })
        let pools = Dictionary(try store.pools().map { ($0.spec.bundle, $0.spec) }, uniquingKeysWith: { $1 })
        let shown = table.referencedBundles.union(observations.keys).union([rollout?.canary, rollout?.baseline].compactMap { $0 })
        let totalRate = observations.values.map(\.requestsPerSecond).reduce(0, +)
        let defaultRoute = table.routes[RoutingTable.defaultTenant]
        return shown.sorted().map { ref in
            let seen = observations[ref]
            let pool = pools[ref]
            let healthy = pool?.warmReplicas(healthyEndpoints: seen?.healthyEndpoints ?? []) ?? 0
            return ConsoleSnapshot.BundleRow(
                name: ref.description, stage: records[ref]?.stage.rawValue ?? "?",
                desiredBasisPoints: defaultRoute?.weights.first { $0.bundle == ref }?.basisPoints ?? 0,
                observedShare: totalRate > 0 ? (seen?.requestsPerSecond ?? 0) / totalRate : 0,
                requestsPerSecond: Self.recentRate(seen), errorPercent: (seen?.errorRate ?? 0) * 100,
                p50Milliseconds: Self.milliseconds(seen?.latency, \.p50), p95Milliseconds: Self.milliseconds(seen?.latency, \.p95),
                p99Milliseconds: Self.milliseconds(seen?.latency, \.p99), ttftP50Milliseconds: Self.milliseconds(seen?.timeToFirstToken, \.p50),
                schemaFailurePercent: (seen?.schemaFailureRate ?? 0) * 100, refusalPercent: (seen?.refusalRate ?? 0) * 100,
                tokensPerSecond: seen?.outputTokensPerSecond ?? 0, costUSDPerHour: seen?.costUSDPerHour ?? 0,
                cacheHitPercent: seen?.cacheHitRate.map { $0 * 100 }, inFlight: seen?.inFlight ?? 0, warm: healthy > 0,
                healthyReplicas: healthy, replicas: pool?.replicas ?? 0, requestsPerSecondSeries: seen?.requestsPerSecondSeries ?? [],
                burnRate: seen.map { $0.errorRate / max(1 - policy.slo, 1e-9) },
                tiers: tiers(for: ref, automation: automation, rollout: rollout))
        }
    }

    private func registry(observations: [BundleRef: BundleObservation]) throws -> [ConsoleSnapshot.RegistryEntry] {
        let pools = Dictionary(try store.pools().map { ($0.spec.bundle, $0.spec) }, uniquingKeysWith: { $1 })
        return try store.bundles().map { record in
            let healthy = pools[record.ref]?.healthyCount(among: observations[record.ref]?.healthyEndpoints ?? []) ?? 0
            let fields = FieldDiff.flatten(try JSONValue(encoding: record.bundle)).mapValues(\.canonicalText)
            return .init(name: record.ref.description, stage: record.stage.rawValue, digest: Digest.short(record.digest), warm: healthy > 0,
                         signedOff: record.lastSignOff.map { "\($0.actor) \($0.time.prefix(10))" }, fields: fields)
        }
    }

    private func tiers(for ref: BundleRef, automation: AutomationState, rollout: Rollout?) -> [ConsoleSnapshot.DetectorTier] {
        let watched = automation.watched == ref
        let worst = max(automation.tier0.checks.state, automation.llm.state)
        let tier0State = watched ? ConsoleSnapshot.DetectorTier.State(rawValue: worst.rawValue) ?? .ok : .ok
        let tier0 = ConsoleSnapshot.DetectorTier(
            state: tier0State,
            threshold: String(format: "burn >%.1f", policy.burn.threshold)
                + " (\(DurationText.format(policy.burn.longWindowSeconds)) & \(DurationText.format(policy.burn.shortWindowSeconds)))"
                + String(format: " or errors >%.0f× baseline, %d checks", policy.ratio.maximumRatio, policy.checksToFire)
                + "; tool loops, cost, refusal band, contracts")
        var tier1 = ConsoleSnapshot.DetectorTier(state: .ok, threshold: "analysis: pass ≥95, marginal ≥75")
        if rollout?.canary == ref, let analysis = rollout?.lastAnalysis {
            tier1.state = switch analysis.outcome {
            case .pass: .ok
            case .marginal, .inconclusive: .watching
            case .fail: .firing
            }
        }
        let trending = watched ? (automation.tier2.signalling.sorted() + automation.llm.advising.map(\.rawValue).sorted()) : []
        let tier2 = ConsoleSnapshot.DetectorTier(state: trending.isEmpty ? .ok : .watching,
                                                 threshold: trending.isEmpty ? "trends (advisory): refusals, schema failures, tool calls"
                                                     : "trend (advisory): \(trending.joined(separator: ", "))")
        return [tier0, tier1, tier2]
    }

    static func rolloutView(_ rollout: Rollout, now: Date) -> ConsoleSnapshot.Rollout {
        let seconds = Int(now.timeIntervalSince(rollout.stepStartedAt))
        let gate: String = switch rollout.currentStep {
        case .pause(let limit?)?: "pause ends in \(DurationText.format(max(0, limit - seconds)))"
        case .pause(nil)?: "waiting for promotion (p)"
        case .analysis(let step)?: "analysis after \(DurationText.format(max(0, step.windowSeconds - seconds)))"
        case nil: rollout.statusText
        default: "next step"
        }
        let analysis = rollout.lastAnalysis.map { "\($0.outcome.rawValue)" + ($0.score.map { " (score \(Int($0)))" } ?? "") }
        return .init(canary: rollout.canary.description, baseline: rollout.baseline.description, steps: rollout.plan.steps.map(\.summary),
                     currentStep: rollout.stepIndex, status: rollout.statusText, secondsInStep: seconds, nextGate: gate, lastAnalysis: analysis)
    }

    /// Requests per second over the last 10 seconds: what an operator watching a flip wants to see move.
    static func recentRate(_ observation: BundleObservation?) -> Double {
        guard let series = observation?.requestsPerSecondSeries.suffix(10), !series.isEmpty else { return 0 }
        return series.reduce(0, +) / Double(series.count)
    }

    static func milliseconds(_ summary: LatencySummary?, _ field: KeyPath<LatencySummary, Int>) -> Double? {
        guard let summary, summary.count > 0 else { return nil }
        return Double(summary[keyPath: field]) / 1000
    }
}
