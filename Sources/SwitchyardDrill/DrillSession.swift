import Foundation
import SwitchyardCore
import SwitchyardEngine
import SwitchyardStore

/// What a drill is whatever carries its traffic: the seeded store, the timed steps and operator prompts, the
/// tracking of faulty versions' traffic, and the scorecard. `DrillRunner` drives it second by second with a
/// simulated fleet in virtual time; `drill run --realtime` and `console --drill` drive it with the embedded
/// router and fake backends on the wall clock.
public struct DrillSession {
    public static let actor = "drill"

    public let script: DrillScript
    public let store: SwitchyardStore
    let start: Date
    let actions: DrillActions
    var measure = DrillMeasurements()

    /// A session on a store already seeded with `seed`; `start` is second 0 of the drill.
    public init(script: DrillScript, store: SwitchyardStore, clock: any Clock, capacity: any CapacityProvider, start: Date) {
        self.script = script
        self.store = store
        self.start = start
        actions = DrillActions(script: script, store: store, clock: clock, capacity: capacity)
    }

    /// Registers the drill's versions with a pool each (at `endpoint`), signs off the validated ones into
    /// production, and commits the initial routing.
    public static func seed(_ script: DrillScript, store: SwitchyardStore, endpoint: (DrillBundle) -> String) throws {
        _ = try store.addBundles(script.bundles.map { .init(bundle: releaseBundle(script.ref($0.version)), promptText: "You are rehearsing.", floating: false) },
                             actor: actor)
        for bundle in script.bundles {
            let ref = script.ref(bundle.version)
            try store.setPool(PoolSpec(bundle: ref, endpoints: [endpoint(bundle)], replicas: bundle.maxReplicas,
                                       maxConcurrency: bundle.perReplicaConcurrency, coldStartSeconds: bundle.coldStartSeconds,
                                       scaleUpPerMinute: bundle.scaleUpPerMinute), actor: actor, reason: "drill fleet")
            guard bundle.validated else { continue }
            try store.signOff(ref, actor: actor, reason: "drill: the validated release")
            try store.setStage(ref, to: .staging, actor: actor, reason: "drill")
            try store.setStage(ref, to: .production, actor: actor, reason: "drill: a seeded production version, never evaluated", skipEvaluation: true)
        }
        for (tenant, weights) in script.routing.sorted(by: { $0.key < $1.key }) {
            let route = TenantRoute(weights: weights.sorted { $0.key < $1.key }.filter { $0.value > 0 }
                .map { WeightedBundle(bundle: script.ref($0.key), basisPoints: $0.value) })
            try store.setRoute(tenant: tenant, route: route, actor: actor, reason: "drill: initial routing")
        }
    }

    public func begin(mode: String) throws {
        try store.note(JournalDraft(actor: Self.actor, kind: "drill.start", subject: script.name, reason: script.description,
                                    payload: ["seed": .int(Int(script.seed)), "duration_seconds": .int(script.durationSeconds), "mode": .string(mode)]))
    }

    /// Runs what is due at `second`: the steps, then the prompts, which a scripted on-call answers when the run
    /// is not `attended`. Returns the faults that start now, with the versions they hit, for the fleet to apply.
    public mutating func advance(to second: Int, attended: Bool) throws -> [(fault: DrillFault, targets: [BundleRef])] {
        var faults: [(fault: DrillFault, targets: [BundleRef])] = []
        for step in script.steps where step.atSeconds == second {
            var outcome = "done"
            do {
                switch step.kind {
                case .rollout(let canary, let plan): try actions.startRollout(canary, plan: plan)
                case .fault(let fault): faults.append((fault, record(fault, at: second)))
                case .action(let action): try actions.perform(action, actor: Self.actor)
                case .awaitOperator(let prompt): try measure.prompts.ask(prompt, at: second, drill: script.name, store: store)
                }
            } catch {
                outcome = "refused: \(error)"
            }
            try store.note(JournalDraft(actor: Self.actor, kind: "drill.step", subject: script.name, reason: "\(Self.describe(step.kind)): \(outcome)",
                                        payload: ["at_seconds": .int(second)]))
        }
        let actions = actions
        let start = start
        try measure.prompts.review(at: second, store: store, attended: attended, seconds: { Self.seconds($0, since: start) }) { answer in
            try actions.perform(OperatorPrompts.action(for: answer), actor: OperatorPrompts.standIn)
        }
        return faults
    }

    /// Marks the onset and the faulty versions (those whose answers the fault degrades); returns the versions it hits.
    private mutating func record(_ fault: DrillFault, at second: Int) -> [BundleRef] {
        let targets = fault.version.map { [script.ref($0)] } ?? script.bundles.map { script.ref($0.version) }
        if second == script.faultOnsetSeconds { measure.onset = second }
        if fault.version == nil { measure.environmentFault = true }
        if fault.version != nil && fault.degradesAnswers { measure.faulty.formUnion(targets) }
        return targets
    }

    /// The share of traffic `table` gives the faulty versions, tracked for time to restore and oscillations.
    public mutating func observe(_ table: RoutingTable, at second: Int) {
        measure.track(faultyShare: measure.faulty.map { share(of: $0, in: table) }.reduce(0, +), at: second)
    }

    /// The share of all requests `table` sends to `ref`, given the tenants' shares of the traffic.
    public func share(of ref: BundleRef, in table: RoutingTable) -> Double {
        script.traffic.tenants.map { tenant in
            Double(table.route(forTenant: tenant.tenant)?.weights.first { $0.bundle == ref }?.basisPoints ?? 0) / Double(fullWeight) * tenant.share
        }.reduce(0, +)
    }

    /// Client requests answered in the last second, and how many of them failed.
    public mutating func count(requests: Int, failed: Int) {
        measure.requests += requests
        if measure.onset != nil { measure.failedAfterOnset += failed }
    }

    /// A second in which a drain target was given more than its warm capacity.
    public mutating func countCapacityViolation() { measure.capacityViolations += 1 }

    /// Journals the end and scores the run.
    public func finish(reason: String) throws -> DrillScorecard {
        try store.note(JournalDraft(actor: Self.actor, kind: "drill.end", subject: script.name, reason: reason))
        return try DrillScoring(script: script, store: store, start: start, measure: measure).scorecard()
    }

    static func describe(_ kind: DrillStep.Kind) -> String {
        switch kind {
        case .rollout(let canary, _): "rollout of \(canary)"
        case .fault(let fault): "fault on \(fault.version ?? "every version")"
        case .action(let action): "\(action)"
        case .awaitOperator(let prompt): "prompt to the on-call: \(prompt.text)"
        }
    }

    /// Seconds from `start` to a journal entry.
    static func seconds(_ entry: JournalEntry, since start: Date) -> Int {
        Timestamp.parse(entry.time).map { Int($0.timeIntervalSince(start)) } ?? 0
    }

    /// The pinned model a drill version serves.
    public static func model(_ ref: BundleRef) -> ModelReference {
        ModelReference(provider: "sim", id: "drill/\(ref.name)", revision: "v\(ref.version)")
    }

    /// A minimal pinned bundle for a drill version.
    static func releaseBundle(_ ref: BundleRef) -> ReleaseBundle {
        ReleaseBundle(name: ref.name, version: ref.version, model: model(ref),
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
    var prompts = OperatorPrompts()

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
