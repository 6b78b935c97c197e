/// A scripted rehearsal (`Docs/drills.md`): a simulated fleet, its traffic and routing, timed steps
/// (operator actions and injected faults) and what must happen. Pure data; the drill runner plays it.
public struct DrillScript: Hashable, Sendable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var durationSeconds: Int
    /// The bundle name every version shares.
    public var bundleName: String
    public var bundles: [DrillBundle]
    public var traffic: DrillTraffic
    /// Tenant (`*` for the default route) → version → basis points.
    public var routing: [String: [String: Int]]
    public var policy: ControlPolicy
    public var steps: [DrillStep]
    public var expectations: [DrillExpectation]

    public init(name: String, description: String, seed: UInt64, durationSeconds: Int, bundleName: String, bundles: [DrillBundle],
                traffic: DrillTraffic, routing: [String: [String: Int]], policy: ControlPolicy, steps: [DrillStep],
                expectations: [DrillExpectation]) {
        self.name = name
        self.description = description
        self.seed = seed
        self.durationSeconds = durationSeconds
        self.bundleName = bundleName
        self.bundles = bundles
        self.traffic = traffic
        self.routing = routing
        self.policy = policy
        self.steps = steps
        self.expectations = expectations
    }

    public func ref(_ version: String) -> BundleRef { BundleRef(name: bundleName, version: version) }

    /// When the incident starts: the first fault that degrades answers, else the first fault (a capacity-only
    /// drill). A pool restart before a bad canary is part of the scene, not the onset tier 0 is timed from.
    public var faultOnsetSeconds: Int? {
        let faults = steps.compactMap { step -> (at: Int, fault: DrillFault)? in
            if case .fault(let fault) = step.kind { (step.atSeconds, fault) } else { nil }
        }
        return (faults.first { $0.fault.degradesAnswers } ?? faults.first)?.at
    }
}

/// One version in a drill's fleet: its pool and how it behaves until a fault changes it.
public struct DrillBundle: Hashable, Sendable {
    public var version: String
    /// Production and signed off: a rollback's default target.
    public var validated: Bool
    public var replicas: Int
    public var maxReplicas: Int
    public var perReplicaConcurrency: Int
    public var coldStartSeconds: Int
    public var scaleUpPerMinute: Double
    public var latencyMilliseconds: Double
    public var errorRate: Double
    public var refusalRate: Double
    public var schemaFailureRate: Double

    /// The part of each answer's latency spent before its first token, in the simulator and on the real-time backends.
    public static let firstTokenShare = 0.3

    public init(version: String, validated: Bool = false, replicas: Int = 4, maxReplicas: Int? = nil, perReplicaConcurrency: Int = 8,
                coldStartSeconds: Int = 60, scaleUpPerMinute: Double = 2, latencyMilliseconds: Double = 500, errorRate: Double = 0.001,
                refusalRate: Double = 0.01, schemaFailureRate: Double = 0.005) {
        self.version = version
        self.validated = validated
        self.replicas = replicas
        self.maxReplicas = maxReplicas ?? replicas
        self.perReplicaConcurrency = perReplicaConcurrency
        self.coldStartSeconds = coldStartSeconds
        self.scaleUpPerMinute = scaleUpPerMinute
        self.latencyMilliseconds = latencyMilliseconds
        self.errorRate = errorRate
        self.refusalRate = refusalRate
        self.schemaFailureRate = schemaFailureRate
    }
}

/// Requests per second over time (the last point at or before a time holds) and the tenants' shares.
public struct DrillTraffic: Hashable, Sendable {
    public var schedule: [RatePoint]
    public var tenants: [TenantShare]

    /// From `atSeconds` on, `requestsPerSecond`.
    public struct RatePoint: Hashable, Sendable {
        public var atSeconds: Int
        public var requestsPerSecond: Double

        public init(atSeconds: Int, requestsPerSecond: Double) {
            self.atSeconds = atSeconds
            self.requestsPerSecond = requestsPerSecond
        }
    }

    /// A tenant and its share of the requests.
    public struct TenantShare: Hashable, Sendable {
        public var tenant: String
        public var share: Double

        public init(tenant: String, share: Double) {
            self.tenant = tenant
            self.share = share
        }
    }

    public init(schedule: [RatePoint], tenants: [TenantShare]) {
        self.schedule = schedule.sorted { $0.atSeconds < $1.atSeconds }
        self.tenants = tenants
    }

    public func requestsPerSecond(at second: Int) -> Double {
        schedule.last { $0.atSeconds <= second }?.requestsPerSecond ?? 0
    }
}

/// Something that happens at a time in a drill.
public struct DrillStep: Hashable, Sendable {
    /// What happens.
    public enum Kind: Hashable, Sendable {
        case rollout(canary: String, plan: RolloutPlan)
        case fault(DrillFault)
        case action(DrillAction)
        case awaitOperator(OperatorPrompt)
    }

    public var atSeconds: Int
    public var kind: Kind

    public init(atSeconds: Int, kind: Kind) {
        self.atSeconds = atSeconds
        self.kind = kind
    }
}

/// An injected fault on one version, or on every version (an environment fault) when `version` is nil.
public struct DrillFault: Hashable, Sendable {
    public var version: String?
    public var errorRate: Double?
    public var latencyFactor: Double?
    /// Time to first token multiplied (the whole answer is that much later, the decoding speed unchanged).
    public var ttftFactor: Double?
    public var refusalRate: Double?
    public var schemaFailureRate: Double?
    /// Share of answers that call tools past the maximum depth, as an agent stuck in a loop.
    public var toolLoopRate: Double?
    /// Cost per request multiplied (longer answers, a pricier model behind the same name).
    public var costFactor: Double?
    /// Warm replicas lost at once.
    public var capacityLoss: Int?
    /// Every replica restarts at once and serves again after this many seconds.
    public var coldStartSeconds: Int?

    public init(version: String?, errorRate: Double? = nil, latencyFactor: Double? = nil, ttftFactor: Double? = nil, refusalRate: Double? = nil,
                schemaFailureRate: Double? = nil, toolLoopRate: Double? = nil, costFactor: Double? = nil, capacityLoss: Int? = nil,
                coldStartSeconds: Int? = nil) {
        self.version = version
        self.errorRate = errorRate
        self.latencyFactor = latencyFactor
        self.ttftFactor = ttftFactor
        self.refusalRate = refusalRate
        self.schemaFailureRate = schemaFailureRate
        self.toolLoopRate = toolLoopRate
        self.costFactor = costFactor
        self.capacityLoss = capacityLoss
        self.coldStartSeconds = coldStartSeconds
    }

    /// Whether the fault makes answers worse; a fault that only takes capacity away leaves the version sound.
    public var degradesAnswers: Bool {
        errorRate != nil || latencyFactor != nil || ttftFactor != nil || refusalRate != nil || schemaFailureRate != nil
            || toolLoopRate != nil || costFactor != nil
    }
}

/// A question put to the on-call during a drill, timed until an operator's action answers it.
public struct OperatorPrompt: Hashable, Sendable {
    /// The actions that answer a prompt, by the journal entry each one writes.
    public enum Answer: String, Hashable, Sendable, CaseIterable {
        case rollback, abort, pause, freeze, promote, any

        /// The journal kinds that count as this answer.
        public var kinds: [String] {
            switch self {
            case .rollback: ["rollback.start"]
            case .abort: ["rollout.abort"]
            case .pause: ["rollout.pause"]
            case .freeze: ["freeze.declared"]
            case .promote: ["rollout.promote"]
            case .any: ["rollback.start", "rollout.abort", "rollout.pause", "freeze.declared", "rollout.promote"]
            }
        }
    }

    public var text: String
    public var answer: Answer
    /// The scorecard fails the prompt when nobody answers within this long.
    public var withinSeconds: Int
    /// In a run without a human, the scripted on-call answers after this long (never when nil).
    public var unattendedAfterSeconds: Int?

    public init(text: String, answer: Answer, withinSeconds: Int, unattendedAfterSeconds: Int?) {
        self.text = text
        self.answer = answer
        self.withinSeconds = withinSeconds
        self.unattendedAfterSeconds = unattendedAfterSeconds
    }
}

/// A scripted operator action: the same Engine commands as the CLI, as the actor `drill`.
public enum DrillAction: Hashable, Sendable {
    case promote(full: Bool)
    case pause, resume, abort, unfreeze, breakerReset
    case rollback(to: String?, tenants: [String], mode: Rollback.Mode?, warmFirst: Bool)
    case freeze(scope: Freeze.Scope, expiresSeconds: Int?)
}

/// What must hold at the end of a drill.
public enum DrillExpectation: Hashable, Sendable {
    /// Tier 0, 1 or 2 acts within this long of the first fault's onset.
    case tierFiresWithin(tier: Int, seconds: Int)
    /// No faulty version has traffic within this long of the onset.
    case restoredWithin(seconds: Int)
    case noRollback
    case maxFailedRequests(Int)
    /// No version is rolled back twice, and no traffic returns to a version once rolled back.
    case noOscillation
    /// No rollback target is ever given more concurrency than its warm capacity.
    case drainWithinCapacity
    case breakerOpen(Bool)
    /// The rollout ends in this state: `completed`, `aborted`, `running`, `paused`, `waiting`.
    case rolloutEnds(String)
}
