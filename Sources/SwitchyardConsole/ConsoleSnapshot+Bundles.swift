import SwitchyardCore

extension ConsoleSnapshot {
    /// One bundle's traffic, health and service levels.
    public struct BundleRow: Hashable, Sendable, Codable {
        /// `name@version`.
        public var name: String
        public var stage: String
        /// The routing table's weight for it, 0–10000.
        public var desiredBasisPoints: Int
        /// The share of requests it actually served, 0–1.
        public var observedShare: Double
        public var requestsPerSecond: Double
        public var errorPercent: Double
        /// Latency percentiles in milliseconds; nil without samples.
        public var p50Milliseconds: Double?
        public var p95Milliseconds: Double?
        public var p99Milliseconds: Double?
        public var ttftP50Milliseconds: Double?
        public var schemaFailurePercent: Double
        public var refusalPercent: Double
        public var tokensPerSecond: Double
        /// What the bundle's traffic costs at the current rate, in US dollars per hour.
        public var costUSDPerHour: Double
        /// Prompt tokens served from the backend's cache, in percent; nil when the backend reports none.
        public var cacheHitPercent: Double?
        public var inFlight: Int
        public var warm: Bool
        public var healthyReplicas: Int
        public var replicas: Int
        /// Recent requests per second, oldest first.
        public var requestsPerSecondSeries: [Double]
        /// Error-budget burn rate (1 = spending exactly the budget); nil when unknown.
        public var burnRate: Double?
        /// Detector tiers 0, 1 and 2, in that order.
        public var tiers: [DetectorTier]

        public init(name: String, stage: String, desiredBasisPoints: Int, observedShare: Double, requestsPerSecond: Double = 0,
                    errorPercent: Double = 0, p50Milliseconds: Double? = nil, p95Milliseconds: Double? = nil, p99Milliseconds: Double? = nil,
                    ttftP50Milliseconds: Double? = nil, schemaFailurePercent: Double = 0, refusalPercent: Double = 0, tokensPerSecond: Double = 0,
                    costUSDPerHour: Double = 0, cacheHitPercent: Double? = nil,
                    inFlight: Int = 0, warm: Bool = true, healthyReplicas: Int = 0, replicas: Int = 0, requestsPerSecondSeries: [Double] = [],
                    burnRate: Double? = nil, tiers: [DetectorTier] = []) {
            self.name = name
            self.stage = stage
            self.desiredBasisPoints = desiredBasisPoints
            self.observedShare = observedShare
            self.requestsPerSecond = requestsPerSecond
            self.errorPercent = errorPercent
            self.p50Milliseconds = p50Milliseconds
            self.p95Milliseconds = p95Milliseconds
            self.p99Milliseconds = p99Milliseconds
            self.ttftP50Milliseconds = ttftP50Milliseconds
            self.schemaFailurePercent = schemaFailurePercent
            self.refusalPercent = refusalPercent
            self.tokensPerSecond = tokensPerSecond
            self.costUSDPerHour = costUSDPerHour
            self.cacheHitPercent = cacheHitPercent
            self.inFlight = inFlight
            self.warm = warm
            self.healthyReplicas = healthyReplicas
            self.replicas = replicas
            self.requestsPerSecondSeries = requestsPerSecondSeries
            self.burnRate = burnRate
            self.tiers = tiers
        }
    }

    /// One detector tier's state and what it watches for.
    public struct DetectorTier: Hashable, Sendable, Codable {
        /// How close the tier is to acting.
        public enum State: String, Hashable, Sendable, Codable {
            case ok, watching, firing
        }

        public var state: State
        /// What the tier fires on, e.g. `error rate > 5% for 60s`.
        public var threshold: String

        public init(state: State, threshold: String) {
            self.state = state
            self.threshold = threshold
        }
    }

    /// A tenant's split (or the default route's), and its shadow.
    public struct TenantRoute: Hashable, Sendable, Codable {
        /// One bundle's weight in a split.
        public struct Weight: Hashable, Sendable, Codable {
            public var bundle: String
            public var basisPoints: Int

            public init(bundle: String, basisPoints: Int) {
                self.bundle = bundle
                self.basisPoints = basisPoints
            }
        }

        /// A tenant name, or whatever the executable calls the default route.
        public var tenant: String
        public var weights: [Weight]
        public var shadowBundle: String?
        public var shadowPercent: Double

        public init(tenant: String, weights: [Weight], shadowBundle: String? = nil, shadowPercent: Double = 0) {
            self.tenant = tenant
            self.weights = weights
            self.shadowBundle = shadowBundle
            self.shadowPercent = shadowPercent
        }
    }
}

extension ConsoleSnapshot.TenantRoute {
    /// Every tenant's split and shadow as the traffic panel lists them.
    public static func rows(of table: RoutingTable) -> [ConsoleSnapshot.TenantRoute] {
        table.routes.keys.sorted().map { tenant in
            let route = table.routes[tenant]!
            return .init(tenant: tenant == RoutingTable.defaultTenant ? "default" : tenant,
                         weights: route.weights.map { .init(bundle: $0.bundle.description, basisPoints: $0.basisPoints) },
                         shadowBundle: route.shadow?.bundle.description, shadowPercent: Double(route.shadow?.sampleBasisPoints ?? 0) / 100)
        }
    }
}
