/// What a staged rollback drain needs to know about the bundle it moves traffic onto.
public struct DrainTarget: Hashable, Sendable, Codable {
    /// Replicas that pass health checks now.
    public var warmReplicas: Int
    /// Replicas the pool may scale to.
    public var maxReplicas: Int
    public var perReplicaConcurrency: Int
    public var coldStartSeconds: Int
    public var scaleUpPerMinute: Double

    enum CodingKeys: String, CodingKey {
        case warmReplicas = "warm_replicas"
        case maxReplicas = "max_replicas"
        case perReplicaConcurrency = "per_replica_concurrency"
        case coldStartSeconds = "cold_start_seconds"
        case scaleUpPerMinute = "scale_up_per_minute"
    }

    public init(warmReplicas: Int, maxReplicas: Int, perReplicaConcurrency: Int, coldStartSeconds: Int, scaleUpPerMinute: Double) {
        self.warmReplicas = warmReplicas
        self.maxReplicas = maxReplicas
        self.perReplicaConcurrency = perReplicaConcurrency
        self.coldStartSeconds = coldStartSeconds
        self.scaleUpPerMinute = scaleUpPerMinute
    }

    /// Warm replicas `seconds` after scale-up starts: new replicas arrive at the scale-up rate and serve after cold start.
    public func warmReplicas(after seconds: Int) -> Int {
        let serving = max(0, seconds - coldStartSeconds)
        return min(maxReplicas, warmReplicas + Int(Double(serving) / 60 * scaleUpPerMinute))
    }

    public func capacity(after seconds: Int) -> Int { warmReplicas(after: seconds) * perReplicaConcurrency }
}

/// One stage of a drain: the bad bundle's remaining share, what the target must then carry, and when it can.
public struct DrainStage: Hashable, Sendable, Codable {
    /// The bad bundle's weight after this stage, in basis points.
    public var remainingBasisPoints: Int
    /// Concurrent requests the target carries after this stage.
    public var targetConcurrency: Int
    /// Seconds from the start of the drain until the target's warm capacity allows this stage; nil if never.
    public var readyAfterSeconds: Int?

    enum CodingKeys: String, CodingKey {
        case remainingBasisPoints = "remaining_basis_points"
        case targetConcurrency = "target_concurrency"
        case readyAfterSeconds = "ready_after_seconds"
    }
}

/// The pre-flight plan a rollback shows before it acts.
public struct DrainPlan: Hashable, Sendable, Codable {
    public var targetWarm: Bool
    public var warmCapacity: Int
    /// Concurrent requests the target must absorb when the drain is complete.
    public var requiredConcurrency: Int
    public var stages: [DrainStage]
    /// When the last stage can run; nil when the pool can never carry the traffic.
    public var estimatedSeconds: Int?
    /// Whether moving everything at once fits the target's warm capacity now.
    public var fastAllowed: Bool

    enum CodingKeys: String, CodingKey {
        case stages
        case targetWarm = "target_warm"
        case warmCapacity = "warm_capacity"
        case requiredConcurrency = "required_concurrency"
        case estimatedSeconds = "estimated_seconds"
        case fastAllowed = "fast_allowed"
    }
}

/// Plans a staged drain that never sends the target more concurrent requests than its warm capacity can
/// serve at the allowed utilisation; each stage waits for scale-up. (Argo Rollouts #3372 is the outage this
/// avoids: shifting weight to a pool that is not there yet.)
public struct DrainPlanner: Sendable {
    /// The bad bundle's share after each stage, in basis points; the last must be 0.
    public var stages: [Int]
    /// The share of warm capacity a stage may use (headroom for bursts).
    public var maximumUtilisation: Double
    /// How far ahead to look for capacity before calling a stage impossible.
    public var horizonSeconds: Int

    public init(stages: [Int] = [7500, 5000, 2500, 0], maximumUtilisation: Double = 0.8, horizonSeconds: Int = 3600) {
        self.stages = stages
        self.maximumUtilisation = maximumUtilisation
        self.horizonSeconds = horizonSeconds
    }

    /// `requestsPerSecond` and `meanLatencySeconds` describe the traffic to move (Little's law turns them into
    /// concurrency); `targetBaseConcurrency` is what the target already carries.
    public func plan(requestsPerSecond: Double, meanLatencySeconds: Double, targetBaseConcurrency: Int, target: DrainTarget) -> DrainPlan {
        let moving = requestsPerSecond * meanLatencySeconds
        let usable = { (seconds: Int) in Int(Double(target.capacity(after: seconds)) * maximumUtilisation) }
        var planned: [DrainStage] = []
        var earliest = 0
        for remaining in stages {
            let load = targetBaseConcurrency + Int((moving * Double(fullWeight - remaining) / Double(fullWeight)).rounded(.up))
            let ready = stride(from: earliest, through: horizonSeconds, by: 5).first { usable($0) >= load }
            planned.append(DrainStage(remainingBasisPoints: remaining, targetConcurrency: load, readyAfterSeconds: ready))
            if let ready { earliest = ready }
        }
        let required = planned.last?.targetConcurrency ?? targetBaseConcurrency
        let complete = planned.allSatisfy { $0.readyAfterSeconds != nil }
        return DrainPlan(
            targetWarm: target.warmReplicas > 0, warmCapacity: target.capacity(after: 0), requiredConcurrency: required,
            stages: planned, estimatedSeconds: complete ? planned.last?.readyAfterSeconds : nil,
            fastAllowed: usable(0) >= required)
    }
}
