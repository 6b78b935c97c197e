import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardSim
import SwitchyardStore

/// Plays a drill in virtual time: a real store in `directory`, a simulated fleet, and the real control loop
/// ticking once a virtual second; scripted steps run as the actor `drill` with journal markers beside them.
public struct DrillRunner {
    public static let actor = "drill"
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    let script: DrillScript
    let store: SwitchyardStore
    let clock: ManualClock
    let fleet: SimFleet
    let loop: ControlLoop
    /// The fleet's behaviour as faults change it, for the capacity check.
    var profiles: [BundleRef: SimBundle]
    var measure = DrillMeasurements()

    /// Seeds a store in `directory` (which must be empty) with the drill's fleet and routing.
    public init(_ script: DrillScript, directory: String) throws {
        self.script = script
        clock = ManualClock(Self.start)
        store = try SwitchyardStore(directory: directory, clock: clock, create: true)
        var profiles: [BundleRef: SimBundle] = [:]
        for bundle in script.bundles {
            profiles[script.ref(bundle.version)] = SimBundle(
                warmReplicas: bundle.replicas, maxReplicas: bundle.maxReplicas, perReplicaConcurrency: bundle.perReplicaConcurrency,
                coldStartSeconds: bundle.coldStartSeconds, scaleUpPerMinute: bundle.scaleUpPerMinute,
                meanLatencySeconds: bundle.latencyMilliseconds / 1000, errorRate: bundle.errorRate, refusalRate: bundle.refusalRate,
                schemaFailureRate: bundle.schemaFailureRate)
        }
        self.profiles = profiles
        let traffic = script.traffic
        fleet = SimFleet(seed: script.seed, clock: clock, bundles: profiles,
                         traffic: SimTraffic(tenants: traffic.tenants.map { ($0.tenant, $0.share) }, requestsPerSecond: { traffic.requestsPerSecond(at: $0) }))
        loop = ControlLoop(store: store, clock: clock, telemetry: fleet, capacity: fleet, policy: script.policy)
        try seed()
    }

    private func seed() throws {
        try store.addBundles(script.bundles.map { .init(bundle: Self.releaseBundle(script.ref($0.version)), promptText: "You are rehearsing.", floating: false) },
                             actor: Self.actor)
        for bundle in script.bundles {
            let ref = script.ref(bundle.version)
            try store.setPool(PoolSpec(bundle: ref, endpoints: ["http://sim.invalid/\(bundle.version)"], replicas: bundle.maxReplicas,
                                       maxConcurrency: bundle.perReplicaConcurrency, coldStartSeconds: bundle.coldStartSeconds,
                                       scaleUpPerMinute: bundle.scaleUpPerMinute), actor: Self.actor, reason: "drill fleet")
            guard bundle.validated else { continue }
            try store.signOff(ref, actor: Self.actor, reason: "drill: the validated release")
            try store.setStage(ref, to: .staging, actor: Self.actor, reason: "drill")
            try store.setStage(ref, to: .production, actor: Self.actor, reason: "drill")
        }
        for (tenant, weights) in script.routing.sorted(by: { $0.key < $1.key }) {
            let route = TenantRoute(weights: weights.sorted { $0.key < $1.key }.filter { $0.value > 0 }
                .map { WeightedBundle(bundle: script.ref($0.key), basisPoints: $0.value) })
            try store.setRoute(tenant: tenant, route: route, actor: Self.actor, reason: "drill: initial routing")
        }
    }

    /// Runs every virtual second of the drill and scores it.
    public mutating func run() throws -> DrillScorecard {
        try store.note(JournalDraft(actor: Self.actor, kind: "drill.start", subject: script.name, reason: script.description,
                                    payload: ["seed": .int(Int(script.seed)), "duration_seconds": .int(script.durationSeconds)]))
        for second in 0..<script.durationSeconds {
            for step in script.steps where step.atSeconds == second { try apply(step, at: second) }
            let table = try store.routing().table
            try observe(table, at: second)
            fleet.step(routing: table)
            measure.count(failures: script.bundles.map { fleet.counters(bundle: script.ref($0.version), lastSeconds: 1, now: clock.now() - 1) })
            _ = try loop.tick()
        }
        try store.note(JournalDraft(actor: Self.actor, kind: "drill.end", subject: script.name, reason: "virtual time is up"))
        return try DrillScoring(script: script, store: store, start: Self.start, measure: measure).scorecard()
    }

    private mutating func apply(_ step: DrillStep, at second: Int) throws {
        var outcome = "done"
        do {
            switch step.kind {
            case .rollout(let canary, let plan):
                try RolloutCommands(store: store, clock: clock).start(script.ref(canary), plan: plan, baseline: nil, actor: Self.actor,
                                                                     reason: "drill: start the rollout of \(canary)", overrideFreeze: false)
            case .fault(let fault):
                inject(fault, at: second)
            case .action(let action):
                try perform(action)
            }
        } catch {
            outcome = "refused: \(error)"
            measure.refusals.append("at \(DurationText.format(second)): \(outcome)")
        }
        try store.note(JournalDraft(actor: Self.actor, kind: "drill.step", subject: script.name, reason: "\(Self.describe(step.kind)): \(outcome)",
                                    payload: ["at_seconds": .int(second)]))
    }

    private mutating func inject(_ fault: DrillFault, at second: Int) {
        let targets = fault.version.map { [script.ref($0)] } ?? script.bundles.map { script.ref($0.version) }
        if measure.onset == nil { measure.onset = second }
        if fault.version == nil { measure.environmentFault = true }
        measure.faulty.formUnion(fault.version == nil ? [] : targets)
        for ref in targets {
            let change: @Sendable (inout SimBundle) -> Void = { bundle in
                if let rate = fault.errorRate { bundle.errorRate = rate }
                if let factor = fault.latencyFactor { bundle.meanLatencySeconds *= factor }
                if let rate = fault.refusalRate { bundle.refusalRate = rate }
                if let rate = fault.schemaFailureRate { bundle.schemaFailureRate = rate }
                if let lost = fault.capacityLoss { bundle.warmReplicas = max(0, bundle.warmReplicas - lost) }
            }
            fleet.update(ref, change)
            change(&profiles[ref]!)
        }
    }

    private func perform(_ action: DrillAction) throws {
        let rollouts = RolloutCommands(store: store, clock: clock)
        let reason = "drill: scripted \(Self.describe(.action(action)))"
        switch action {
        case .promote(let full): try rollouts.promote(full: full, actor: Self.actor, reason: reason, overrideFreeze: false)
        case .pause: try rollouts.pause(actor: Self.actor, reason: reason)
        case .resume: try rollouts.resume(actor: Self.actor, reason: reason)
        case .abort: try rollouts.abort(actor: Self.actor, reason: reason)
        case .unfreeze: try store.unfreeze(scope: nil, reason: reason, actor: Self.actor)
        case .breakerReset: try BreakerCommands(store: store, policy: script.policy).reset(actor: Self.actor, reason: reason)
        case .freeze(let scope, let expires): try store.freeze(scope: scope, reason: reason, actor: Self.actor, expiresAfterSeconds: expires)
        case .rollback(let to, let tenants, let mode, let warmFirst):
            try RollbackCommands(store: store, clock: clock, capacity: fleet, policy: script.policy).start(
                RollbackRequest(to: to.map(script.ref), tenants: tenants, mode: mode, warmFirst: warmFirst), actor: Self.actor, reason: reason)
        }
    }

    /// Per second: whether faulty versions still have traffic, and whether a drain target carries more than it can.
    private mutating func observe(_ table: RoutingTable, at second: Int) throws {
        let rps = script.traffic.requestsPerSecond(at: second)
        let tenants = script.traffic.tenants
        let share = { (ref: BundleRef) in
            tenants.map { tenant in
                Double(table.route(forTenant: tenant.tenant)?.weights.first { $0.bundle == ref }?.basisPoints ?? 0) / Double(fullWeight) * tenant.share
            }.reduce(0, +)
        }
        measure.track(faultyShare: measure.faulty.map(share).reduce(0, +), at: second)
        guard let drain = try store.activeRollback(), let profile = profiles[drain.to] else { return }
        let assigned = rps * share(drain.to) * profile.meanLatencySeconds
        if assigned > Double(try fleet.drainTarget(for: drain.to).capacity(after: 0)) + 0.5 { measure.capacityViolations += 1 }
    }

    static func describe(_ kind: DrillStep.Kind) -> String {
        switch kind {
        case .rollout(let canary, _): "rollout of \(canary)"
        case .fault(let fault): "fault on \(fault.version ?? "every version")"
        case .action(let action): "\(action)"
        }
    }

    /// A minimal pinned bundle for a simulated version.
    static func releaseBundle(_ ref: BundleRef) -> ReleaseBundle {
        ReleaseBundle(name: ref.name, version: ref.version,
                      model: ModelReference(provider: "sim", id: "drill/\(ref.name)", revision: "v\(ref.version)"),
                      tokenizer: TokenizerReference(name: "drill/\(ref.name)", revision: "v\(ref.version)"),
                      decoding: DecodingDefaults(temperature: 0.2),
                      systemPrompt: SystemPrompt(digest: Digest.sha256("You are rehearsing."), policy: .prepend),
                      safety: SafetyPolicyReference(policyId: "drill", version: "1"),
                      pricing: Pricing(inputPer1k: 0.1, outputPer1k: 0.2))
    }
}

/// What a run counts as it goes.
struct DrillMeasurements {
    var onset: Int?
    var environmentFault = false
    var faulty: Set<BundleRef> = []
    var exposedAt: Int?
    var restoredAt: Int?
    var oscillations = 0
    var capacityViolations = 0
    var failedAfterOnset = 0
    var requests = 0
    var refusals: [String] = []

    mutating func count(failures seconds: [TelemetryCounters]) {
        requests += seconds.map(\.requests).reduce(0, +)
        if onset != nil { failedAfterOnset += seconds.map(\.failed).reduce(0, +) }
    }

    /// Restoration is the first second with no traffic on a faulty version after it had some; traffic that
    /// comes back after that is an oscillation.
    mutating func track(faultyShare: Double, at second: Int) {
        guard onset != nil, !faulty.isEmpty else { return }
        if faultyShare > 0 {
            if exposedAt == nil { exposedAt = second }
            if restoredAt != nil {
                oscillations += 1
                restoredAt = nil
            }
        } else if exposedAt != nil, restoredAt == nil {
            restoredAt = second
        }
    }
}
